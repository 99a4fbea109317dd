"""Mining during training: where the network is wrong at present (torch; training code only).

``mine_hard_columns`` finds, per scan, the column of the strongest response away from any concealment
(hard negatives: the places that set the thresholds); ``mine_hard_positives`` finds the concealment scans the
network misses (hard positives). ``networks.train`` steers its crops and its epochs by both.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import torch
import torch.nn.functional as F

from cargoscreen.imaging.preprocess import MULTIPLE

if TYPE_CHECKING:
    from cargoscreen.imaging.networks import ScanNet, TrainSample


def mine_hard_columns(net: ScanNet, samples: Sequence[TrainSample]) -> list[int]:
    """Per sample, the column of the network's strongest response away from any concealment (-1: none).

    The response is the heat-map logit itself, as the scan score is the plain peak of the heat-map, over
    the container (padding and ignored pixels left out) and outside the concealment mask grown by four
    pixels.
    """
    hot = []
    was_training = net.training
    net.eval()
    with torch.no_grad():
        for s in samples:
            heat, _ = net(torch.from_numpy(np.asarray(s.tensor, dtype=np.float32))[None])
            logits = heat[0, 0].numpy()
            h, w = s.target.shape
            away = s.weight > 0
            if s.target.max() > 0:
                grown = F.max_pool2d(torch.from_numpy(s.target)[None, None], 9, stride=1, padding=4)
                away &= grown[0, 0].numpy() <= 0
            region = np.where(away, logits[:h, :w], -np.inf)
            hot.append(int(np.unravel_index(np.argmax(region), region.shape)[1]) if away.any() else -1)
    net.train(was_training)
    return hot


def mine_hard_positives(net: ScanNet, samples: Sequence[TrainSample], crop: int, below: float) -> list[bool]:
    """Per sample, whether it holds taught concealment pixels none of which the network gives a logit of
    ``below`` or more: a concealment it misses at present.

    The network runs on ``crop`` columns centred on the concealment only (its receptive field is far
    narrower), which costs a fraction of the whole scan.
    """
    missed = []
    was_training = net.training
    net.eval()
    with torch.no_grad():
        for s in samples:
            taught = (s.target > 0.0) & (s.weight > 0.0)
            if not taught.any():
                missed.append(False)
                continue
            cols = np.flatnonzero(taught.any(axis=0))
            width = s.tensor.shape[2]
            c0 = int(np.clip((cols[0] + cols[-1]) // 2 - crop // 2, 0, max(0, width - crop)))
            c1 = min(width, c0 + crop)
            c1 = c0 + (c1 - c0) // MULTIPLE * MULTIPLE
            x = torch.from_numpy(np.asarray(s.tensor[:, :, c0:c1], dtype=np.float32))[None]
            heat, _ = net(x)
            logits = heat[0, 0].numpy()
            h = s.target.shape[0]
            inside = taught[:, c0:c1]
            peak = logits[:h, : inside.shape[1]][inside].max(initial=-np.inf)
            missed.append(bool(peak < below))
    net.train(was_training)
    return missed
