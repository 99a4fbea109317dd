"""Where a training run stands after a whole epoch (``networks.train(resume=..., on_epoch=...)``); saved and
loaded by ``network_io.save_checkpoint`` / ``load_checkpoint`` so that a long run can span several sittings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch


@dataclass(frozen=True, slots=True)
class TrainState:
    """Where a run stands after a whole epoch: all ``train(resume=...)`` needs to go on as if unbroken
    (network, optimiser moments, learning-rate schedule, random streams, mined columns, losses, time used)."""

    epochs_done: int
    steps: int
    seconds: float
    losses: tuple[float, ...]
    hot: tuple[int, ...]
    net: dict[str, torch.Tensor]
    optimiser: dict[str, Any]
    schedule: dict[str, Any]
    rng: dict[str, Any]
    torch_rng: torch.Tensor
