"""SYNTHETIC scans for the image models: seeded simulation in worker processes, at working resolution.

Every scan's seed derives from (seed, split, index), with a different split code for training, validation,
calibration pairs, templates and test, so evaluation never meets a training scan even when given the
training seed. Scans are simulated by worker processes in chunks and kept in memory at working resolution
(about 0.4 MB each in float16), with their training target and the simulator's truth.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import ndimage

from cargoscreen.domain.scans import CargoClass, ConcealmentKind, ContainerKind, Scan
from cargoscreen.imaging.preprocess import Prepared, Templates, prepare, set_template_residual
from cargoscreen.simulate.xray import ScanSpec, random_spec, simulate_pair, simulate_scan

log = logging.getLogger(__name__)

SPLITS = {"train": 1, "validation": 2, "pairs": 3, "test": 4, "test_pairs": 5, "templates": 6}
#: Clean empty scans per body type the templates are the median of.
TEMPLATE_SCANS = 16
#: Share of a mask pixel's area a concealment must cover to be a full positive target.
FULL_COVER = 0.5
#: Impregnated goods have no shape: their pixels are left out of the loss instead of taught as positives.
UNTAUGHT = frozenset({ConcealmentKind.IMPREGNATED})


def scan_seed(seed: int, split: str, index: int) -> int:
    """The simulator seed of scan ``index`` of a split."""
    return int(np.random.SeedSequence([seed, SPLITS[split], index]).generate_state(1)[0])


@dataclass(frozen=True, slots=True)
class Truth:
    """What the simulator put in a scan: declared cargo, body, concealments (kind, kg, scan-pixel box)."""

    cargo: CargoClass
    kind: ContainerKind
    concealments: tuple[tuple[ConcealmentKind, float, tuple[int, int, int, int]], ...]

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
    return random_spec(np.random.default_rng(s), concealment_share=concealment_share), s


def _truth(spec: ScanSpec, simulated: Any) -> Truth:
    found = tuple(
        (ConcealmentKind(c.kind), float(c.kg), tuple(int(v) for v in _xyxy(c.box)))
        for c in simulated.concealments
    )
    return Truth(cargo=spec.cargo, kind=spec.kind, concealments=found)  # type: ignore[arg-type]


def _xyxy(box: Any) -> tuple[int, int, int, int]:
    if hasattr(box, "x0"):
        return int(box.x0), int(box.y0), int(box.x1), int(box.y1)
    x0, y0, x1, y1 = box
    return int(x0), int(y0), int(x1), int(y1)


def _sample_of(prepared: Prepared, mask: np.ndarray, truth: Truth) -> Sample:
    share = prepared.frame.to_work(mask.astype(np.float32))
    weight = np.ones(share.shape, dtype=np.float32)
    target = np.clip(share / FULL_COVER, 0.0, 1.0).astype(np.float32)
    if truth.concealment in UNTAUGHT:
        ignore = ndimage.binary_dilation(share > 0.0, iterations=2)
        weight[ignore] = 0.0
        target[:] = 0.0
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
        simulated = simulate_scan(spec, s)
        scan = simulated.to_scan(f"{split}-{seed}-{index}")
        out.append(_sample_of(prepare(scan), np.asarray(simulated.mask), _truth(spec, simulated)))
    return out


def _simulate_scans(job: tuple[int, str, Sequence[int], float]) -> list[tuple[Any, Truth]]:
    # SimulatedScan, not Scan: a Scan's read-only channel mapping does not pickle back from a worker
    seed, split, indices, share = job
    out = []
    for index in indices:
        spec, s = _spec(seed, split, index, share)
        simulated = simulate_scan(spec, s)
        out.append((simulated, _truth(spec, simulated)))
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


def iter_scans(
    n: int, *, seed: int, split: str, concealment_share: float = 0.5, workers: int = 2, chunk: int = 16
) -> Iterator[tuple[Scan, Truth]]:
    """Simulated scans with their truth, generated a chunk at a time (the pool idles while you use them)."""
    jobs = [(seed, split, c, concealment_share) for c in _chunks(n, chunk)]
    names = iter(f"{split}-{seed}-{i}" for i in range(n))
    if workers <= 1:
        for job in jobs:
            for simulated, truth in _simulate_scans(job):
                yield simulated.to_scan(next(names)), truth
        return
    with _pool(workers) as pool:
        for k in range(0, len(jobs), workers):
            batches = list(pool.map(_simulate_scans, jobs[k : k + workers]))
            for batch in batches:
                for simulated, truth in batch:
                    yield simulated.to_scan(next(names)), truth


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

    def unpack(batch: list[Any]) -> Iterator[Any]:
        for index, pair in batch:
            pre, arrival, kg, mask = _pair_scans(split, seed, index, pair)
            yield (pre, arrival, kg, mask) if with_mask else (pre, arrival, kg)

    if workers <= 1:
        for job in jobs:
            yield from unpack(_pair_job(job))
        return
    with _pool(workers) as pool:
        for k in range(0, len(jobs), workers):
            for batch in list(pool.map(_pair_job, jobs[k : k + workers])):
                yield from unpack(batch)
