"""SYNTHETIC scans for the image models: seeded simulation in worker processes, at working resolution.

Every scan's seed derives from (seed, split, index), with a different split code for training, validation,
calibration pairs, templates and test, so evaluation never meets a training scan even when given the
training seed. Scans are simulated by worker processes in chunks and kept in memory at working resolution
(about 0.4 MB each in float16), with their training target and the simulator's truth.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import ndimage

from cargoscreen.domain.scans import CargoClass, ConcealmentKind, ContainerKind, Scan
from cargoscreen.imaging.preprocess import Prepared, Templates, prepare, set_template_residual
from cargoscreen.simulate.xray import (
    ScanSpec,
    random_spec,
    simulate_pair,
    simulate_scan,
    simulate_with_signal,
)
from cargoscreen.simulate.xray.specs import CONCEALMENT_WEIGHTS

log = logging.getLogger(__name__)

SPLITS = {
    "train": 1,
    "validation": 2,
    "pairs": 3,
    "test": 4,
    "test_pairs": 5,
    "templates": 6,
    "calibration": 7,
}
#: Clean empty scans per body type the templates are the median of.
TEMPLATE_SCANS = 16
#: Seed of the empty-container templates, whatever the training seed: networks trained on different seeds
#: share one preprocessing, so their outputs can be averaged (``cargoscreen imaging combine``).
TEMPLATE_SEED = 0
#: Share of a mask pixel's area a concealment must cover to be a full positive target.
FULL_COVER = 0.5
#: Impregnated goods have no shape: their pixels are left out of the loss instead of taught as positives.
UNTAUGHT = frozenset({ConcealmentKind.IMPREGNATED})
#: A concealment pixel is visible when what it adds to P (3 x 3 working pixels) reaches VISIBLE_P plus
#: VISIBLE_SLOPE times the P it sits on. Detector noise per working pixel is small (sd of P 0.002 at P 1-3,
#: 0.05 at P 10, measured on the simulator), so this asks for some ten noise sd: bricks in a sugar big-bag
#: of their own density, or a small bag behind door steel, add less. Invisible pixels are left out of the
#: loss (teaching them would teach the network to fire on clutter) and reported apart.
VISIBLE_P, VISIBLE_SLOPE = 0.1, 0.01
#: A scan's concealment counts as visible when at least this many of its working pixels are.
VISIBLE_PIXELS = 3
#: Training over-samples bricks in cargo, the method whose pixels look most like the load around them, and
#: door bags, whose small ones stand among the dense steel of the door end. Drawing hollow logs five times
#: and reefer units three times as often as well (they are rare: timber is 7 % of loads) was tried on two
#: runs and cost more on bricks than it gained (docs/imaging.md), so they keep their test weights.
TRAIN_CONCEALMENT_WEIGHTS = {
    **CONCEALMENT_WEIGHTS,
    ConcealmentKind.BRICKS_IN_CARGO: 0.4,
    ConcealmentKind.DOOR_BAGS: 0.35,
}
#: Training draws half its concealments from the 2-10 kg bucket (tests: a third from each of
#: ``MASS_BUCKETS``): over 10 kg nearly every one is found already, and 2-10 kg is the bucket short of its
#: target, so its examples are the ones worth more steps.
TRAIN_MASS_WEIGHTS = (0.3, 0.5, 0.2)
#: Half the training, validation and calibration scans come from scanners of other pixel sizes (mm), with
#: the container up to (x, y) metres elsewhere in the frame, so that no input is always at the same phase of
#: the working grid; the other half from our own scanners (5 mm), where the container stops up to OWN_SHIFT_M
#: (a working pixel along, half of one up) from its usual place. Test scans stay in place.
VARIED_PIXEL_MM, VARIED_SHIFT_M = (4.5, 6.5), (0.06, 0.02)
OWN_SHIFT_M = (0.02, 0.01)
VARIED_SPLITS = frozenset({"train", "validation", "calibration"})
#: Share of a varied split's scans that come from another scanner's grid.
VARIED_SHARE = 0.5


def scan_seed(seed: int, split: str, index: int) -> int:
    """The simulator seed of scan ``index`` of a split."""
    return int(np.random.SeedSequence([seed, SPLITS[split], index]).generate_state(1)[0])


@dataclass(frozen=True, slots=True)
class Truth:
    """What the simulator put in a scan: declared cargo, body, concealments (kind, kg, scan-pixel box)."""

    cargo: CargoClass
    kind: ContainerKind
    concealments: tuple[tuple[ConcealmentKind, float, tuple[int, int, int, int]], ...]
    #: whether the beam shows the concealment (``VISIBLE_PIXELS``); None for a clean scan
    visible: bool | None = None

    @property
    def kg(self) -> float:
        return sum(kg for _, kg, _ in self.concealments)

    @property
    def concealment(self) -> ConcealmentKind | None:
        if not self.concealments:
            return None
        return max(self.concealments, key=lambda c: c[1])[0]


@dataclass(frozen=True, slots=True)
class Sample:
    """One simulated scan at working resolution with its training target and truth."""

    tensor: np.ndarray
    target: np.ndarray
    weight: np.ndarray
    p_high: np.ndarray
    truth: Truth


def _spec(seed: int, split: str, index: int, concealment_share: float) -> tuple[ScanSpec, int]:
    s = scan_seed(seed, split, index)
    train = split == "train"
    weights = TRAIN_CONCEALMENT_WEIGHTS if train else CONCEALMENT_WEIGHTS
    pixel = 5.0
    if _varied(split, s):  # drawn from a stream of its own: the scene does not change with it
        pixel = round(float(np.random.default_rng([s, 1]).uniform(*VARIED_PIXEL_MM)), 3)
    rng = np.random.default_rng(s)
    return random_spec(
        rng,
        concealment_share=concealment_share,
        pixel_mm=pixel,
        concealment_weights=weights,
        mass_weights=TRAIN_MASS_WEIGHTS if train else None,
    ), s


def _varied(split: str, s: int) -> bool:
    """Whether scan ``s`` of ``split`` comes from another scanner's grid (else our own 5 mm grid)."""
    return split in VARIED_SPLITS and bool(np.random.default_rng([s, 3]).random() < VARIED_SHARE)


def _shift(split: str, s: int) -> tuple[float, float]:
    if split not in VARIED_SPLITS:
        return (0.0, 0.0)
    return _placement(s, VARIED_SHIFT_M if _varied(split, s) else OWN_SHIFT_M)


def _placement(s: int, most: tuple[float, float]) -> tuple[float, float]:
    """Where the container of scan ``s`` stands in the frame: (x, y) metres, each up to ``most`` away."""
    rng = np.random.default_rng([s, 2])
    return float(rng.uniform(-most[0], most[0])), float(rng.uniform(-most[1], most[1]))


def visible_pixels(prepared: Prepared, signal: np.ndarray) -> np.ndarray:
    """Working pixels where a concealment's added P is plain to see (``VISIBLE_P``, ``VISIBLE_SLOPE``)."""
    added = ndimage.uniform_filter(prepared.frame.to_work(signal), size=3, mode="nearest")
    base = prepared.p_high - added
    visible: np.ndarray = added >= VISIBLE_P + VISIBLE_SLOPE * base
    return visible


def _truth(spec: ScanSpec, simulated: Any, visible: np.ndarray | None = None) -> Truth:
    found = tuple(
        (ConcealmentKind(c.kind), float(c.kg), tuple(int(v) for v in _xyxy(c.box)))
        for c in simulated.concealments
    )
    shown = None if not found else visible is not None and int(visible.sum()) >= VISIBLE_PIXELS
    return Truth(cargo=spec.cargo, kind=spec.kind, concealments=found, visible=shown)  # type: ignore[arg-type]


def _visible_in_mask(prepared: Prepared, mask: np.ndarray, signal: np.ndarray | None) -> np.ndarray | None:
    if signal is None:
        return None
    return visible_pixels(prepared, signal) & (prepared.frame.to_work(mask.astype(np.float32)) > 0.0)


def _xyxy(box: Any) -> tuple[int, int, int, int]:
    if hasattr(box, "x0"):
        return int(box.x0), int(box.y0), int(box.x1), int(box.y1)
    x0, y0, x1, y1 = box
    return int(x0), int(y0), int(x1), int(y1)


def _sample_of(prepared: Prepared, mask: np.ndarray, truth: Truth, visible: np.ndarray | None) -> Sample:
    share = prepared.frame.to_work(mask.astype(np.float32))
    weight = np.ones(share.shape, dtype=np.float32)
    target = np.clip(share / FULL_COVER, 0.0, 1.0).astype(np.float32)
    if truth.concealment in UNTAUGHT:
        ignore = ndimage.binary_dilation(share > 0.0, iterations=2)
        weight[ignore] = 0.0
        target[:] = 0.0
    elif visible is not None:  # neither taught as concealment nor as clean: what the beam cannot show
        ignore = ndimage.binary_dilation((share > 0.0) & ~visible, iterations=1)
        weight[ignore] = 0.0
        target[ignore] = 0.0
    return Sample(
        tensor=prepared.tensor.astype(np.float16),
        target=target,
        weight=weight,
        p_high=prepared.p_high,
        truth=truth,
    )


def _simulate_samples(job: tuple[int, str, Sequence[int], float]) -> list[Sample]:
    seed, split, indices, share = job
    out = []
    for index in indices:
        spec, s = _spec(seed, split, index, share)
        out.append(simulate_sample(spec, s, f"{split}-{seed}-{index}", shift_m=_shift(split, s)))
    return out


def simulate_sample(
    spec: ScanSpec, seed: int, name: str, *, shift_m: tuple[float, float] = (0.0, 0.0)
) -> Sample:
    """One training sample: the scan at working resolution, its target and weights, and its truth."""
    simulated, signal = simulate_with_signal(spec, seed, shift_m=shift_m)
    prepared = prepare(simulated.to_scan(name))
    mask = np.asarray(simulated.mask)
    visible = _visible_in_mask(prepared, mask, signal)
    return _sample_of(prepared, mask, _truth(spec, simulated, visible), visible)


def _simulate_scans(job: tuple[int, str, Sequence[int], float]) -> list[tuple[Any, Truth]]:
    # SimulatedScan, not Scan: a Scan's read-only channel mapping does not pickle back from a worker
    seed, split, indices, share = job
    out = []
    for index in indices:
        spec, s = _spec(seed, split, index, share)
        simulated, signal = simulate_with_signal(spec, s, shift_m=_shift(split, s))
        visible = None
        if signal is not None:
            prepared = prepare(simulated.to_scan(f"{split}-{seed}-{index}"))
            visible = _visible_in_mask(prepared, np.asarray(simulated.mask), signal)
        out.append((simulated, _truth(spec, simulated, visible)))
    return out


def _chunks(n: int, size: int) -> list[list[int]]:
    return [list(range(i, min(n, i + size))) for i in range(0, n, size)]


def _pool(workers: int) -> ProcessPoolExecutor:
    # fork: workers only run the simulator (numpy), and spawn would re-run a caller's unguarded script
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method))


def _simulate_empty(job: tuple[int, ContainerKind, Sequence[int]]) -> list[tuple[str, np.ndarray]]:
    seed, kind, indices = job
    out = []
    for index in indices:
        s = scan_seed(seed, "templates", index * 16 + list(ContainerKind).index(kind))
        scan = simulate_scan(ScanSpec(kind=kind, cargo=CargoClass.EMPTY, fill=0.0), s).to_scan(
            f"empty-{index}"
        )
        out.append((kind.value, prepare(scan).p_high))
    return out


def fit_templates(per_body: int = TEMPLATE_SCANS, *, seed: int, workers: int = 2) -> Templates:
    """Empty-container templates from ``per_body`` clean empty simulated scans of every body type."""
    jobs = [(seed, kind, list(range(per_body))) for kind in ContainerKind]
    if workers <= 1:
        found = [item for job in jobs for item in _simulate_empty(job)]
    else:
        with _pool(workers) as pool:
            found = [item for batch in pool.map(_simulate_empty, jobs) for item in batch]
    return Templates.fit([image for _, image in found], [body for body, _ in found])


def apply_templates(samples: Sequence[Sample], templates: Templates) -> None:
    """Fill the template-residual channel of samples simulated before the templates existed."""
    for sample in samples:
        set_template_residual(sample.tensor, sample.p_high, templates)


def generate_samples(
    n: int, *, seed: int, split: str, concealment_share: float = 0.5, workers: int = 2
) -> list[Sample]:
    """``n`` simulated scans of a split at working resolution (simulated by ``workers`` processes)."""
    jobs = [(seed, split, chunk, concealment_share) for chunk in _chunks(n, 16)]
    if workers <= 1:
        return [s for job in jobs for s in _simulate_samples(job)]
    with _pool(workers) as pool:
        return [s for batch in pool.map(_simulate_samples, jobs) for s in batch]


def _batches(function: Callable[[Any], list[Any]], jobs: Sequence[Any], workers: int) -> Iterator[list[Any]]:
    """``function`` of every job, in order, ``workers`` jobs at a time (the pool idles while you use them)."""
    if workers <= 1:
        for job in jobs:
            yield function(job)
        return
    with _pool(workers) as pool:
        for k in range(0, len(jobs), workers):
            yield from list(pool.map(function, jobs[k : k + workers]))


def iter_scans(
    n: int, *, seed: int, split: str, concealment_share: float = 0.5, workers: int = 2, chunk: int = 16
) -> Iterator[tuple[Scan, Truth]]:
    """Simulated scans with their truth, generated a chunk at a time (the pool idles while you use them)."""
    jobs = [(seed, split, c, concealment_share) for c in _chunks(n, chunk)]
    names = iter(f"{split}-{seed}-{i}" for i in range(n))
    for batch in _batches(_simulate_scans, jobs, workers):
        for simulated, truth in batch:
            yield simulated.to_scan(next(names)), truth


def _simulate_clean(job: tuple[int, Sequence[int], Sequence[CargoClass]]) -> list[tuple[Any, CargoClass]]:
    seed, indices, cargos = job
    out = []
    for index in indices:
        s = scan_seed(seed, "calibration", index)
        cargo = cargos[index % len(cargos)]
        own = (index // len(cargos)) % 2 == 0  # every other round of classes: our own scanners' grid
        pixel = 5.0 if own else round(float(np.random.default_rng([s, 1]).uniform(*VARIED_PIXEL_MM)), 3)
        spec = random_spec(np.random.default_rng(s), concealment_share=0.0, cargos=[cargo], pixel_mm=pixel)
        shift = _placement(s, OWN_SHIFT_M if own else VARIED_SHIFT_M)
        out.append((simulate_scan(spec, s, shift_m=shift), cargo))
    return out


def iter_clean_scans(
    per_class: int, *, seed: int, cargos: Sequence[CargoClass] = tuple(CargoClass), workers: int = 2
) -> Iterator[tuple[Scan, CargoClass]]:
    """``per_class`` clean scans of every cargo class (the calibration split) with the class each declares:
    half from our own scanners' grid (5 mm, the box within ``OWN_SHIFT_M`` of its place), half from scanners of varied pixel size and
    placement (partner ports, other makes)."""
    jobs = [(seed, chunk, tuple(cargos)) for chunk in _chunks(per_class * len(cargos), 16)]
    count = iter(range(per_class * len(cargos)))
    for batch in _batches(_simulate_clean, jobs, workers):
        for simulated, cargo in batch:
            yield simulated.to_scan(f"calibration-{seed}-{next(count)}"), cargo


def _pair_job(job: tuple[int, str, Sequence[int]]) -> list[Any]:
    seed, split, indices = job
    out = []
    for index in indices:
        s = scan_seed(seed, split, index)
        rng = np.random.default_rng(s)
        spec = random_spec(rng, concealment_share=0.0)
        rip_on = bool(index % 2)
        added = float(rng.uniform(2.0, 60.0)) if rip_on else 0.0
        out.append((index, simulate_pair(spec, s, rip_on=rip_on, added_kg=added)))
    return out


def _pair_scans(split: str, seed: int, index: int, pair: Any) -> tuple[Scan, Scan, float, Any]:
    pre = pair.pre.to_scan(f"{split}-{seed}-{index}-pre")
    arrival = pair.arrival.to_scan(f"{split}-{seed}-{index}-arrival")
    return pre, arrival, float(pair.added_kg), np.asarray(pair.added_mask)


def iter_pairs(n: int, *, seed: int, split: str, workers: int = 2, with_mask: bool = False) -> Iterator[Any]:
    """Simulated (pre-departure, arrival, added kg[, added mask]) pairs: every other one has a rip-on."""
    jobs = [(seed, split, c) for c in _chunks(n, 8)]

    for batch in _batches(_pair_job, jobs, workers):
        for index, pair in batch:
            pre, arrival, kg, mask = _pair_scans(split, seed, index, pair)
            yield (pre, arrival, kg, mask) if with_mask else (pre, arrival, kg)
