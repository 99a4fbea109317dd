"""The scan network and its training loop (with mining.py, network_io.py and widening.py, the torch code of the tree).

``ScanNet`` is a small fully convolutional U-Net (three poolings, widths w, 2w, 3w, 4w) with two heads: a
per-pixel concealment logit (the heat-map) and, from the pooled bottleneck, logits over the cargo classes
(declared-versus-seen consistency and empty verification). It is trained with dense supervision: the
simulator's concealment mask, resampled to the working grid, is the target of every pixel, because
image-level labels alone do not learn on a CPU budget. Training runs on random full-height crops of the
working images so that batches have one shape; the exported graph takes any height and width that are
multiples of eight. A run may start from a narrower trained network, widened so that it first computes
exactly what the narrow one did (``widening.widen_state``); saving, loading and ONNX export are in
``network_io``. Nothing at inference imports this module: the runtime
reads the ONNX file.

Import it only from training code (``cargoscreen.pipeline.imaging``); torch is the optional ``train`` extra.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import torch
import torch.nn.functional as F
from scipy import ndimage
from torch import nn

from cargoscreen.imaging.mining import mine_hard_columns, mine_hard_positives
from cargoscreen.imaging.preprocess import MULTIPLE
from cargoscreen.imaging.train_state import TrainState
from cargoscreen.imaging.widening import state_width, widen_state

log = logging.getLogger(__name__)


def _conv(n_in: int, n_out: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(n_in, n_out, 3, padding=1, bias=False), nn.BatchNorm2d(n_out), nn.ReLU(inplace=True)
    )


class ScanNet(nn.Module):
    """U-Net-like segmenter with a cargo-class head; returns (heat-map logits, class logits).

    Full resolution holds only a stem convolution and the last one, joined by addition rather than
    concatenation: most of the arithmetic of a plain U-Net is spent at full resolution, and this one trains
    about 1.7 times faster on a CPU for the same depth. The heat-map bias starts at -4 (a prior of about
    2 % concealment pixels), so the first steps are not spent learning that most pixels are clean.
    """

    def __init__(self, in_channels: int, n_classes: int, width: int = 16) -> None:
        super().__init__()
        self.in_channels, self.n_classes, self.width = in_channels, n_classes, width
        w1, w2, w3, w4 = width, 2 * width, 3 * width, 4 * width
        self.stem = _conv(in_channels, w1)
        self.enc1 = nn.Sequential(_conv(w1, w2), _conv(w2, w2))
        self.enc2 = nn.Sequential(_conv(w2, w3), _conv(w3, w3))
        self.bottom = nn.Sequential(_conv(w3, w4), _conv(w4, w4))
        self.dec2 = _conv(w4 + w3, w3)
        self.dec1 = _conv(w3 + w2, w2)
        self.reduce = nn.Conv2d(w2, w1, 1)
        self.dec0 = _conv(w1, w1)
        self.seg = nn.Conv2d(w1, 1, 1)
        self.cls = nn.Linear(2 * w4, n_classes)
        assert self.seg.bias is not None
        nn.init.constant_(self.seg.bias, -4.0)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        s0 = self.stem(x)
        e1 = self.enc1(F.max_pool2d(s0, 2))
        e2 = self.enc2(F.max_pool2d(e1, 2))
        b = self.bottom(F.max_pool2d(e2, 2))
        d2 = self.dec2(torch.cat([F.interpolate(b, scale_factor=2.0, mode="nearest"), e2], dim=1))
        d1 = self.dec1(torch.cat([F.interpolate(d2, scale_factor=2.0, mode="nearest"), e1], dim=1))
        d0 = self.dec0(self.reduce(F.interpolate(d1, scale_factor=2.0, mode="nearest")) + s0)
        pooled = torch.cat([b.mean(dim=(2, 3)), b.amax(dim=(2, 3))], dim=1)
        return self.seg(d0), self.cls(pooled)


@dataclass(frozen=True, slots=True)
class TrainSample:
    """One working-grid scan: padded input (C, H, W), target concealment share and loss weight over the
    container (h <= H, w <= W; the padding outside weighs nothing), and the cargo class index."""

    tensor: npt.NDArray[np.float16]
    target: npt.NDArray[np.float32]
    weight: npt.NDArray[np.float32]
    label: int


@dataclass(frozen=True, slots=True)
class TrainConfig:
    """Training hyper-parameters; ``max_seconds`` stops early (after a whole step) to hold a budget."""

    epochs: int = 32
    batch_size: int = 16
    crop_width: int = 128
    width: int = 16
    learning_rate: float = 5e-3
    pos_weight: float = 10.0
    class_loss_weight: float = 0.3
    positive_crop_share: float = 0.8
    hard_negative_share: float = 0.6
    #: when > 0, a concealment (a connected region of the crop's target) smaller than this many working
    #: pixels has its pixels weighed up by sqrt(area / its area), at most ``instance_boost_max`` times
    #: (``instance_weights``); 0 weighs every pixel alike
    instance_area: float = 0.0
    instance_boost_max: float = 3.0
    mine_every: int = 2
    mine_samples: int = 400
    #: when > 0, every concealment scan the network still misses (``mine_hard_positives``: the strongest
    #: logit over its taught pixels below ``hard_positive_logit``) comes this many extra times an epoch,
    #: in place of as many other scans; found again at every mining and at the start of a run from a
    #: trained network
    hard_positive_repeat: int = 0
    hard_positive_logit: float = 3.5
    seed: int = 0
    threads: int = 2
    max_seconds: float | None = None


@dataclass(frozen=True, slots=True)
class TrainResult:
    """The trained network and how training went."""

    net: ScanNet
    steps: int
    seconds: float
    losses: tuple[float, ...]
    #: how far along its one-cycle learning-rate schedule training ended (1.0: annealed to the floor)
    schedule_share: float = 1.0


def _crop_start(
    sample: TrainSample,
    crop: int,
    rng: np.random.Generator,
    positive_share: float,
    hot: int = -1,
    hard_share: float = 0.0,
) -> int:
    """Left column of a training crop: around the concealment, on a hard negative, at either end, anywhere.

    The ends (front wall and reefer unit, doors) are where structure is densest and where door bags and
    false walls hide; a 40 ft box cropped uniformly would show its clean ends too rarely, and the network
    would learn that the door end alone is suspicious. ``hot`` is the column where the network, at the last
    mining, was most sure of a concealment that is not there: the scan score is the peak over the whole
    scan, so the false alarms that set the thresholds live at such places.
    """
    width = sample.target.shape[1]
    if width <= crop:
        return 0
    cols = np.flatnonzero(sample.target.max(axis=0) > 0.0)
    if cols.size and rng.random() < positive_share:
        centre = int(rng.choice(cols))
        low, high = max(0, centre - crop + 8), min(width - crop, centre - 8)
        if low <= high:
            return int(rng.integers(low, high + 1))
    if hot >= 0 and rng.random() < hard_share:
        return int(np.clip(hot - crop // 2 + rng.integers(-crop // 4, crop // 4 + 1), 0, width - crop))
    where = rng.random()
    if where < 1 / 3:
        return 0
    if where < 2 / 3:
        return int(width - crop)
    return int(rng.integers(0, width - crop + 1))


def instance_weights(
    target: npt.NDArray[np.float32], weight: npt.NDArray[np.float32], area: float, most: float
) -> npt.NDArray[np.float32]:
    """``weight`` with the pixels of each small concealment weighed up: sqrt(area / its area), in [1, most].

    Per-pixel BCE gives a concealment a say in proportion to its area: a false front wall of 100 kg holds a
    thousand working pixels, a 3 kg bag behind the doors ten. The scan score is a peak, so what matters is
    that every concealment gets one, and the small ones are the ones missed. Regions are the 8-connected
    positive pixels of the target that the loss counts (weight > 0).
    """
    positive = (target > 0.0) & (weight > 0.0)
    if area <= 0.0 or not positive.any():
        return weight
    labels, n = ndimage.label(positive, structure=np.ones((3, 3), dtype=bool))
    sizes = np.bincount(labels.ravel(), minlength=n + 1).astype(np.float64)
    boost = np.ones(n + 1, dtype=np.float64)
    boost[1:] = np.clip(np.sqrt(area / sizes[1:]), 1.0, most)
    out: npt.NDArray[np.float32] = (weight * boost[labels]).astype(np.float32)
    return out


def make_batch(
    samples: Sequence[TrainSample],
    crop: int,
    rng: np.random.Generator,
    positive_share: float,
    hot: Sequence[int] | None = None,
    hard_share: float = 0.0,
    instance_area: float = 0.0,
    instance_boost_max: float = 3.0,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Stack crops of ``crop`` columns (zero-padded) into (inputs, targets, weights, labels).

    ``hot`` gives each sample's hard-negative column (-1: none yet); ``instance_area`` > 0 weighs up the
    pixels of small concealments (``instance_weights``; a region cut by the crop counts as what is left)."""
    height = max(-(-s.tensor.shape[1] // MULTIPLE) * MULTIPLE for s in samples)
    n_ch = samples[0].tensor.shape[0]
    x = np.zeros((len(samples), n_ch, height, crop), dtype=np.float32)
    y = np.zeros((len(samples), height, crop), dtype=np.float32)
    w = np.zeros((len(samples), height, crop), dtype=np.float32)
    for i, s in enumerate(samples):
        c0 = _crop_start(s, crop, rng, positive_share, hot[i] if hot is not None else -1, hard_share)
        h, cw = s.tensor.shape[1], min(crop, s.tensor.shape[2] - c0)
        gain = np.float32(1.0 + 0.04 * rng.standard_normal())
        x[i, :, :h, :cw] = s.tensor[:, :, c0 : c0 + cw]
        x[i, :2, :h, :cw] *= gain
        target, weight = s.target[:, c0 : c0 + cw], s.weight[:, c0 : c0 + cw]
        weight = instance_weights(target, weight, instance_area, instance_boost_max)
        y[i, : target.shape[0], : target.shape[1]] = target
        w[i, : weight.shape[0], : weight.shape[1]] = weight
    labels = torch.tensor([s.label for s in samples], dtype=torch.long)
    return torch.from_numpy(x), torch.from_numpy(y), torch.from_numpy(w), labels


def loss_terms(
    net: ScanNet, batch: tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor], config: TrainConfig
) -> torch.Tensor:
    """Per-pixel BCE (positives up-weighted) and a soft Dice on the heat-map, cross-entropy on the class.

    (A loss on each crop's peak logit, the quantity the scan score is made of, was tried and slowed
    learning: its gradient reaches one pixel per crop.)
    """
    x, y, w, labels = batch
    heat, classes = net(x)
    pos = torch.tensor(config.pos_weight)
    bce = F.binary_cross_entropy_with_logits(heat[:, 0], y, weight=w, pos_weight=pos, reduction="sum")
    bce = bce / w.sum().clamp(min=1.0)
    prob = torch.sigmoid(heat[:, 0]) * (w > 0)
    dice = 1.0 - (2.0 * (prob * y).sum() + 1.0) / (prob.sum() + y.sum() + 1.0)
    ce = F.cross_entropy(classes, labels)
    return bce + 0.5 * dice + config.class_loss_weight * ce


def _epoch_order(
    rng: np.random.Generator, n: int, missed: Sequence[bool], repeat: int, length: int
) -> npt.NDArray[np.int64]:
    """The samples of one epoch: every one once, the missed ones ``repeat`` more times, ``length`` kept."""
    extra = np.repeat(np.flatnonzero(np.asarray(missed, dtype=bool)), max(repeat, 0))
    order: npt.NDArray[np.int64] = rng.permutation(np.concatenate([np.arange(n), extra]).astype(np.int64))
    return order[:length]


def train(
    samples: Sequence[TrainSample],
    n_classes: int,
    config: TrainConfig,
    *,
    progress: Callable[[str], None] | None = None,
    init: dict[str, torch.Tensor] | None = None,
    resume: TrainState | None = None,
    on_epoch: Callable[[TrainState], None] | None = None,
) -> TrainResult:
    """Train a ``ScanNet`` on in-memory samples (AdamW, one-cycle learning rate).

    ``init`` (a state saved by ``save_state``) starts from a network trained before instead of from random
    weights: a further run on new scans then costs its own steps only. ``on_epoch`` is handed the run's
    state after every whole epoch, and ``resume`` (such a state, of a run with the same samples and config)
    goes on from it instead of starting: a run of many hours can so be split over several sittings.
    """
    if not samples:
        raise ValueError("no training samples")
    torch.set_num_threads(config.threads)
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    net = ScanNet(samples[0].tensor.shape[0], n_classes, width=config.width)
    if init is not None:
        try:
            if state_width(init) < config.width:
                init = widen_state(init, net)
            net.load_state_dict(init)
        except RuntimeError as exc:  # other widths, channels or classes
            first = str(exc).strip().splitlines()[0]
            raise ValueError(
                f"the starting network does not fit this one (width {config.width}): {first}"
            ) from exc
    steps_per_epoch = max(1, len(samples) // config.batch_size)
    total = steps_per_epoch * config.epochs
    optimiser = torch.optim.AdamW(net.parameters(), lr=config.learning_rate, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=config.learning_rate, total_steps=total)
    start, step, losses = time.perf_counter(), 0, []
    hot = [-1] * len(samples)
    first_epoch = 0
    if resume is not None:
        if len(resume.hot) != len(samples):
            raise ValueError(f"the saved run had {len(resume.hot)} samples, this one has {len(samples)}")
        net.load_state_dict(resume.net)
        optimiser.load_state_dict(resume.optimiser)
        schedule.load_state_dict(resume.schedule)
        rng.bit_generator.state = resume.rng
        torch.set_rng_state(resume.torch_rng)
        first_epoch, step, losses, hot = (
            resume.epochs_done,
            resume.steps,
            list(resume.losses),
            list(resume.hot),
        )
        start -= resume.seconds  # a time budget counts the earlier sittings too
    net.train()
    missed = [False] * len(samples)
    for epoch in range(first_epoch, config.epochs):
        mining = epoch >= 2 and epoch % config.mine_every == 0
        if config.hard_negative_share > 0 and mining:
            few = rng.permutation(len(samples))[: config.mine_samples]
            for i, column in zip(few, mine_hard_columns(net, [samples[i] for i in few]), strict=True):
                hot[i] = column
        trained_before = init is not None or resume is not None
        if config.hard_positive_repeat > 0 and (mining or (epoch == first_epoch and trained_before)):
            missed = mine_hard_positives(net, samples, config.crop_width, config.hard_positive_logit)
            note = (
                f"epoch {epoch + 1}: {sum(missed)} concealment scans missed; "
                f"each seen {1 + config.hard_positive_repeat} times"
            )
            log.info(note)
            if progress is not None:
                progress(note)
        if config.hard_positive_repeat > 0:
            order = _epoch_order(rng, len(samples), missed, config.hard_positive_repeat, len(samples))
        else:
            order = rng.permutation(len(samples))
        running = 0.0
        for k in range(steps_per_epoch):
            picked = order[k * config.batch_size : (k + 1) * config.batch_size]
            chosen = [samples[i] for i in picked]
            batch = make_batch(
                chosen,
                config.crop_width,
                rng,
                config.positive_crop_share,
                [hot[i] for i in picked],
                config.hard_negative_share,
                config.instance_area,
                config.instance_boost_max,
            )
            loss = loss_terms(net, batch, config)
            optimiser.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            optimiser.step()
            if schedule.last_epoch < total:  # a time budget may have moved it to its end already
                schedule.step()
            running += float(loss.detach())
            step += 1
            if config.max_seconds is not None:
                _keep_pace(schedule, total, (time.perf_counter() - start) / config.max_seconds)
                if time.perf_counter() - start > config.max_seconds:
                    break
        losses.append(running / max(1, k + 1))
        message = (
            f"epoch {epoch + 1}/{config.epochs}: loss {losses[-1]:.4f} ({time.perf_counter() - start:.0f} s)"
        )
        log.info(message)
        if progress is not None:
            progress(message)
        if config.max_seconds is not None and time.perf_counter() - start > config.max_seconds:
            break
        if on_epoch is not None:
            on_epoch(
                TrainState(
                    epochs_done=epoch + 1,
                    steps=step,
                    seconds=time.perf_counter() - start,
                    losses=tuple(losses),
                    hot=tuple(hot),
                    net=net.state_dict(),
                    optimiser=optimiser.state_dict(),
                    schedule=schedule.state_dict(),
                    rng=dict(rng.bit_generator.state),
                    torch_rng=torch.get_rng_state(),
                )
            )
    net.eval()
    return TrainResult(
        net=net,
        steps=step,
        seconds=time.perf_counter() - start,
        losses=tuple(losses),
        schedule_share=round(min(schedule.last_epoch + 1, total) / total, 4),
    )


def _keep_pace(schedule: torch.optim.lr_scheduler.OneCycleLR, total: int, used: float) -> None:
    """Move the one-cycle schedule on to the share ``used`` of the time budget when time runs out first.

    Without it a run stopped by ``max_seconds`` would stop part-way down the schedule, at a learning rate
    far above the floor it anneals to; with it the last steps are taken at the floor whichever limit binds.
    """
    due = min(total - 1, int(used * total))  # step total - 1 is the floor; the schedule ends at total
    while schedule.last_epoch < due:
        schedule.step()
