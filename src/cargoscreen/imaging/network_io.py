"""Saving, loading and ONNX export of a ``ScanNet`` (torch; training code only, like ``networks``)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import torch
from torch import nn

from cargoscreen.imaging.networks import ScanNet
from cargoscreen.imaging.preprocess import MULTIPLE
from cargoscreen.imaging.runtime import INPUT_NAME, OUTPUT_NAMES
from cargoscreen.imaging.train_state import TrainState

OPSET = 17


class _Probabilities(nn.Module):
    """What is exported: sigmoid heat-map (N, H, W) and softmax class probabilities (N, K)."""

    def __init__(self, net: ScanNet) -> None:
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        heat, classes = self.net(x)
        return torch.sigmoid(heat[:, 0]), torch.softmax(classes, dim=1)


def save_state(net: ScanNet, path: Path) -> None:
    """The trained weights as a torch state (for ``train(init=...)``); ONNX alone cannot be trained further."""
    torch.save(net.state_dict(), str(path))


def load_state(path: Path) -> dict[str, torch.Tensor]:
    """A state written by ``save_state`` (tensors only: nothing in the file is executed)."""
    state = torch.load(str(path), map_location="cpu", weights_only=True)
    if not isinstance(state, dict):
        raise ValueError(f"{path}: not a network state")
    return state


def save_checkpoint(state: TrainState, path: Path, run: Mapping[str, Any]) -> None:
    """Write a run's state after an epoch, with ``run`` (what makes it this run: seed, scans, config); the
    file is replaced in one rename, so a run stopped while writing keeps the epoch before."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    torch.save({"run": dict(run), **asdict(state)}, str(temporary))
    temporary.replace(path)


def load_checkpoint(path: Path, run: Mapping[str, Any]) -> TrainState:
    """The state ``save_checkpoint`` wrote, refused unless it was written by the same ``run`` (tensors and
    plain values only: nothing in the file is executed)."""
    try:
        saved = torch.load(str(path), map_location="cpu", weights_only=True)
    except Exception as exc:  # truncated, not torch's, or holding objects we will not unpickle
        raise ValueError(f"{path}: not a training checkpoint ({type(exc).__name__}: {exc})") from exc
    if not isinstance(saved, dict) or not isinstance(saved.get("run"), dict):
        raise ValueError(f"{path}: not a training checkpoint")
    differ = sorted(k for k in set(saved["run"]) | set(run) if saved["run"].get(k) != run.get(k))
    if differ:
        shown = ", ".join(f"{k}: saved {saved['run'].get(k)!r}, now {run.get(k)!r}" for k in differ)
        raise ValueError(f"{path} was written by another run ({shown})")
    fields = {k: v for k, v in saved.items() if k != "run"}
    fields["losses"] = tuple(fields["losses"])
    fields["hot"] = tuple(fields["hot"])
    return TrainState(**fields)


def export_onnx(net: ScanNet, path: Path, in_channels: int) -> None:
    """Write the network as ONNX (opset 17): input ``scan`` (N, C, H, W); heat-map and class probabilities."""
    wrapper = _Probabilities(net).eval()
    example = torch.zeros(1, in_channels, 4 * MULTIPLE, 8 * MULTIPLE)
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            wrapper,
            (example,),
            str(path),
            dynamo=False,
            input_names=[INPUT_NAME],
            output_names=list(OUTPUT_NAMES),
            dynamic_axes={INPUT_NAME: {0: "n", 2: "h", 3: "w"}, "heatmap": {0: "n", 1: "h", 2: "w"}},
            opset_version=OPSET,
        )


def predict(
    net: ScanNet, tensor: npt.NDArray[np.floating]
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Heat-map (H, W) and class probabilities of one padded input with torch (for tests and checks)."""
    with torch.no_grad():
        heat, classes = _Probabilities(net).eval()(
            torch.from_numpy(np.asarray(tensor, dtype=np.float32))[None]
        )
    return heat[0].numpy(), classes[0].numpy()
