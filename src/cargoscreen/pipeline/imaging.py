"""Image models from the X-ray simulator: generate (seeded), train, export ONNX + manifest, evaluate.

The only module that sees both the simulator (``cargoscreen.simulate.xray``, SYNTHETIC scans with their
ground truth) and the image AI (``cargoscreen.imaging``). Every scan's seed derives from (seed, split,
index), with a different split code for training, validation, calibration pairs and test, so evaluation
never meets a training scan even when given the training seed. Scans are simulated by two worker
processes in chunks and kept in memory at working resolution (about 0.4 MB each in float16).
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

import numpy as np
from scipy import ndimage

from cargoscreen.domain.scans import CargoClass, ConcealmentKind, ContainerKind, Scan
from cargoscreen.imaging import change as change_mod
from cargoscreen.imaging.consistency import CLASS_ORDER, class_index
from cargoscreen.imaging.detection import scan_score
from cargoscreen.imaging.empty import EmptyConfig
from cargoscreen.imaging.evaluation import (
    ChangeOutcome,
    MeanImageBaseline,
    ScanOutcome,
    box_hit,
    roc_auc,
    summarize,
    summarize_change,
)
from cargoscreen.imaging.preprocess import CHANNELS, Prepared, Templates, prepare, set_template_residual
from cargoscreen.imaging.runtime import ImageAnalyzer, NetworkOutput, write_manifest
from cargoscreen.imaging.thresholds import fit_thresholds
from cargoscreen.simulate.xray import ScanSpec, random_spec, simulate_pair, simulate_scan

log = logging.getLogger(__name__)

NETWORK_FILE = "scannet.onnx"
SPLITS = {"train": 1, "validation": 2, "pairs": 3, "test": 4, "test_pairs": 5, "templates": 6}
#: Clean empty scans per body type the templates are the median of.
TEMPLATE_SCANS = 16
#: Share of a mask pixel's area a concealment must cover to be a full positive target.
FULL_COVER = 0.5
#: Impregnated goods have no shape: their pixels are left out of the loss instead of taught as positives.
UNTAUGHT = frozenset({ConcealmentKind.IMPREGNATED})

Progress = Callable[[str], None]


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


@dataclass
class TrainingReport:
    """What ``train_image_models`` did and how the models did on their validation scans (JSON-ready)."""

    weights_dir: str
    version: str
    seed: int
    scans: int
    validation_scans: int
    calibration_pairs: int
    epochs: int
    steps: int
    seconds: dict[str, float]
    losses: list[float]
    validation: dict[str, Any]
    thresholds: dict[str, Any]
    change: dict[str, Any]
    files: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _library_versions() -> dict[str, str]:
    names = ("torch", "onnx", "onnxruntime", "numpy", "scipy")
    out = {}
    for name in names:
        try:
            out[name] = package_version(name)
        except Exception:  # pragma: no cover - a missing optional package is just not recorded
            continue
    return out


def _validate(session: Any, samples: Sequence[Sample]) -> tuple[list[float], list[NetworkOutput]]:
    from cargoscreen.imaging.runtime import network_output

    outputs = [network_output(session, s.tensor, s.p_high.shape) for s in samples]
    return [scan_score(o.heat) for o in outputs], outputs


def _empty_config(samples: Sequence[Sample], outputs: Sequence[NetworkOutput]) -> tuple[EmptyConfig, float]:
    from cargoscreen.imaging.empty import verify_empty

    config = EmptyConfig()
    right = [
        verify_empty(o.probabilities, s.p_high, config).empty == (s.truth.cargo is CargoClass.EMPTY)
        for s, o in zip(samples, outputs, strict=True)
    ]
    return config, float(np.mean(right))


def calibrate_change(
    n_pairs: int, *, seed: int, split: str = "pairs", workers: int = 2
) -> tuple[change_mod.ChangeConfig, dict[str, Any]]:
    """Effective mass attenuation from simulated rip-on pairs, then the kg threshold at 1 % false changes."""
    base = change_mod.ChangeConfig()
    pairs = list(iter_pairs(n_pairs, seed=seed, split=split, workers=workers))
    ratios = []
    quiet = []
    for pre, arrival, added_kg in pairs:
        result = change_mod.compare(pre, prepare(arrival), base)
        if added_kg >= 5.0:
            ratios.append(result.added_kg / added_kg)
        elif added_kg == 0.0:
            quiet.append(result.added_kg)
    mu = base.mass_attenuation_cm2_g * (float(np.median(ratios)) if ratios else 1.0)
    scale = base.mass_attenuation_cm2_g / mu
    quiet_kg = sorted(q * scale for q in quiet)
    threshold = max(1.0, float(np.quantile(quiet_kg, 0.99)) * 1.05) if quiet_kg else base.kg_threshold
    config = replace(base, mass_attenuation_cm2_g=round(mu, 5), kg_threshold=round(threshold, 3))
    facts = {
        "pairs": len(pairs),
        "pairs_with_addition": len(ratios),
        "untouched_pairs": len(quiet),
        "nominal_mass_attenuation_cm2_g": base.mass_attenuation_cm2_g,
        "effective_mass_attenuation_cm2_g": config.mass_attenuation_cm2_g,
        "untouched_max_kg": round(max(quiet_kg), 3) if quiet_kg else None,
    }
    return config, facts


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


def train_image_models(
    out_dir: Path,
    *,
    scans: int = 1200,
    seed: int = 0,
    epochs: int = 13,
    validation_scans: int | None = None,
    calibration_pairs: int = 60,
    width: int = 16,
    max_train_seconds: float | None = None,
    workers: int = 2,
    progress: Progress | None = None,
) -> TrainingReport:
    """Simulate, train the scan network, set thresholds and change calibration, write ONNX + manifest."""
    say = progress or (lambda message: log.info(message))
    start = time.perf_counter()
    n_val = validation_scans if validation_scans is not None else max(scans // 2, 20)
    say(f"simulating {scans} training and {n_val} validation scans (SYNTHETIC) ...")
    templates = fit_templates(seed=seed, workers=workers)
    train_samples = generate_samples(scans, seed=seed, split="train", concealment_share=0.5, workers=workers)
    val_samples = generate_samples(
        n_val, seed=seed, split="validation", concealment_share=0.2, workers=workers
    )
    apply_templates(train_samples, templates)
    apply_templates(val_samples, templates)
    generated = time.perf_counter()
    say(f"simulated in {generated - start:.0f} s; training ...")
    from cargoscreen.imaging import networks  # torch: only now, after the worker processes are done

    config = networks.TrainConfig(epochs=epochs, width=width, seed=seed, max_seconds=max_train_seconds)
    result = networks.train(
        [
            networks.TrainSample(
                tensor=s.tensor, target=s.target, weight=s.weight, label=class_index(s.truth.cargo)
            )
            for s in train_samples
        ],
        len(CLASS_ORDER),
        config,
        progress=say,
    )
    trained = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    network_path = out_dir / NETWORK_FILE
    networks.export_onnx(result.net, network_path, in_channels=len(CHANNELS))
    from cargoscreen.imaging.runtime import open_session

    session = open_session(network_path)
    scores, outputs = _validate(session, val_samples)
    clean = [
        (sc, s.truth.cargo) for sc, s in zip(scores, val_samples, strict=True) if s.truth.concealment is None
    ]
    thresholds = fit_thresholds([c[0] for c in clean], [c[1] for c in clean], rate=0.01)
    thresholds_5 = fit_thresholds([c[0] for c in clean], [c[1] for c in clean], rate=0.05)
    empty, empty_accuracy = _empty_config(val_samples, outputs)
    say("calibrating change detection on simulated pairs ...")
    change, change_facts = calibrate_change(calibration_pairs, seed=seed, workers=workers)
    visible = [
        sc for sc, s in zip(scores, val_samples, strict=True) if s.truth.concealment not in (None, *UNTAUGHT)
    ]
    validation = {
        "auroc_xray_visible": roc_auc([c[0] for c in clean], visible),
        "detection_at_shipped_thresholds": float(
            np.mean(
                [
                    sc >= thresholds.for_class(s.truth.cargo)
                    for sc, s in zip(scores, val_samples, strict=True)
                    if s.truth.concealment not in (None, *UNTAUGHT)
                ]
            )
        )
        if visible
        else None,
        "empty_accuracy": empty_accuracy,
        "seen_class_accuracy": float(
            np.mean(
                [
                    CLASS_ORDER[int(np.argmax(o.probabilities))] is s.truth.cargo
                    for s, o in zip(val_samples, outputs, strict=True)
                ]
            )
        ),
    }
    version = f"{datetime.now(UTC):%Y%m%d%H%M}-s{seed}-n{scans}"
    seconds = {
        "simulate": round(generated - start, 1),
        "train": round(trained - generated, 1),
        "total": round(time.perf_counter() - start, 1),
    }
    training = {
        "seed": seed,
        "scans": scans,
        "validation_scans": n_val,
        "epochs": epochs,
        "steps": result.steps,
        "config": asdict(config),
        "losses": [round(x, 5) for x in result.losses],
        "seconds": seconds,
        "libraries": _library_versions(),
        "data": "SYNTHETIC: cargoscreen.simulate.xray, seeds derived from (seed, split, index)",
    }
    write_manifest(
        out_dir,
        version=version,
        network_file=NETWORK_FILE,
        thresholds=thresholds,
        empty=empty,
        change=change,
        templates=templates,
        extra={
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "thresholds_at_5_percent": thresholds_5.to_json(),
            "training": training,
            "validation": validation,
            "change_calibration": change_facts,
        },
    )
    seconds["total"] = round(time.perf_counter() - start, 1)
    say(f"wrote {out_dir} in {seconds['total']:.0f} s")
    return TrainingReport(
        weights_dir=str(out_dir),
        version=version,
        seed=seed,
        scans=scans,
        validation_scans=n_val,
        calibration_pairs=calibration_pairs,
        epochs=epochs,
        steps=result.steps,
        seconds=seconds,
        losses=list(training["losses"]),  # type: ignore[call-overload]
        validation=validation,
        thresholds=thresholds.to_json(),
        change=asdict(change) | change_facts,
        files={p.name: p.stat().st_size for p in sorted(out_dir.iterdir()) if p.is_file()},
    )


@dataclass
class ImagingEvaluation:
    """Metrics of the image models on fresh SYNTHETIC scans and pairs (never used in training)."""

    weights_version: str
    seed: int
    scans: int
    pairs: int
    baseline_scans: int
    detection: dict[str, Any]
    change: dict[str, Any]
    seconds: float
    #: the heaviest concealments (> 10 kg) the shipped thresholds missed, for "where it is weak"
    examples: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=2) + "\n", encoding="utf-8")


def _false_declaration(cargo: CargoClass, rng: np.random.Generator) -> CargoClass:
    others = [c for c in CLASS_ORDER if c is not cargo]
    return others[int(rng.integers(len(others)))]


def _truth_boxes(truth: Truth) -> list[tuple[int, int, int, int]]:
    return [box for _, _, box in truth.concealments]


def fit_baseline(n: int, *, seed: int, workers: int = 2) -> MeanImageBaseline:
    """The mean-image baseline fitted on ``n`` clean simulated scans of the evaluation seed's own split."""
    samples = generate_samples(n, seed=seed, split="validation", concealment_share=0.0, workers=workers)
    return MeanImageBaseline().fit(
        [s.p_high for s in samples],
        [s.truth.cargo for s in samples],
        [s.truth.kind.length_ft for s in samples],
    )


def evaluate_image_models(
    weights_dir: Path | None,
    *,
    scans: int = 600,
    seed: int = 1,
    pairs: int = 60,
    baseline_scans: int = 300,
    workers: int = 2,
    progress: Progress | None = None,
    keep: Callable[[Scan, Truth, Any], None] | None = None,
) -> ImagingEvaluation:
    """Detection, boxes, empty, consistency, change and seconds per scan on fresh simulated scans.

    ``keep`` sees every (scan, truth, detailed analysis), e.g. to draw a picture of one.
    """
    say = progress or (lambda message: log.info(message))
    start = time.perf_counter()
    analyzer = ImageAnalyzer.load(weights_dir)
    trained_seed = analyzer.manifest.raw.get("training", {}).get("seed")
    if trained_seed == seed:
        raise ValueError(f"evaluation seed {seed} is the training seed of {analyzer.version}: pick another")
    say(f"fitting the mean-image baseline on {baseline_scans} clean scans ...")
    baseline = fit_baseline(baseline_scans, seed=seed, workers=workers)
    rng = np.random.default_rng(seed)
    outcomes: list[ScanOutcome] = []
    say(f"analysing {scans} test scans (SYNTHETIC) ...")
    for scan, truth in iter_scans(scans, seed=seed, split="test", concealment_share=0.5, workers=workers):
        began = time.perf_counter()
        detailed = analyzer.analyze_detailed(scan, declared_class=truth.cargo)
        seconds = time.perf_counter() - began
        began = time.perf_counter()
        baseline_score = baseline.score(prepare(scan).p_high, truth.cargo, truth.kind.length_ft)
        baseline_seconds = time.perf_counter() - began
        findings = detailed.analysis.findings
        false_class = _false_declaration(truth.cargo, rng)
        probs = detailed.output.probabilities
        outcomes.append(
            ScanOutcome(
                cargo=truth.cargo,
                length_ft=truth.kind.length_ft,
                concealment=truth.concealment,
                kg=truth.kg,
                score=findings.score,
                baseline_score=baseline_score,
                alarm=findings.alarm,
                box_hit=box_hit([(b.x0, b.y0, b.x1, b.y1) for b in findings.boxes], _truth_boxes(truth)),
                empty_truth=truth.cargo is CargoClass.EMPTY,
                empty_predicted=findings.empty,
                consistency_declared_true=float(probs[class_index(truth.cargo)]),
                consistency_declared_false=float(probs[class_index(false_class)]),
                seen_class=findings.seen_class or CargoClass.EMPTY,
                seconds=seconds,
                baseline_seconds=baseline_seconds,
            )
        )
        if keep is not None:
            keep(scan, truth, detailed)
        if len(outcomes) % 100 == 0:
            say(f"  {len(outcomes)} scans")
    say(f"analysing {pairs} pre-departure / arrival pairs ...")
    changes = []
    for pre, arrival, kg, mask in iter_pairs(
        pairs, seed=seed, split="test_pairs", workers=workers, with_mask=True
    ):
        began = time.perf_counter()
        finding = analyzer.analyze(arrival, pre_departure=pre).findings.change
        seconds = time.perf_counter() - began
        assert finding is not None
        truth_box = _mask_box(mask)
        changes.append(
            ChangeOutcome(
                added_kg=kg,
                estimated_kg=finding.added_kg_estimate,
                removed_kg=finding.removed_kg_estimate,
                changed=finding.changed,
                box_hit=truth_box is not None
                and box_hit([(b.x0, b.y0, b.x1, b.y1) for b in finding.boxes], [truth_box]),
                seconds=seconds,
            )
        )
    missed = [o for o in outcomes if o.concealment is not None and not o.alarm and o.kg > 10.0]
    examples = [
        {"missed": o.concealment.value if o.concealment else "", "kg": round(o.kg, 1), "cargo": o.cargo.value,
         "length_ft": o.length_ft, "score": round(o.score, 4)}
        for o in sorted(missed, key=lambda o: -o.kg)[:10]
    ]  # fmt: skip
    return ImagingEvaluation(
        weights_version=analyzer.version,
        examples=examples,
        seed=seed,
        scans=scans,
        pairs=pairs,
        baseline_scans=baseline_scans,
        detection=summarize(outcomes),
        change=summarize_change(changes),
        seconds=round(time.perf_counter() - start, 1),
    )


def _mask_box(mask: Any) -> tuple[int, int, int, int] | None:
    where = np.argwhere(np.asarray(mask))
    if where.size == 0:
        return None
    (y0, x0), (y1, x1) = where.min(axis=0), where.max(axis=0) + 1
    return int(x0), int(y0), int(x1), int(y1)
