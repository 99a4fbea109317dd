"""Train the image models on SYNTHETIC scans: simulate, train, set thresholds, calibrate change, export.

The only training code that sees both the simulator (``cargoscreen.simulate.xray``, through
``pipeline.imaging_data``) and the image AI (``cargoscreen.imaging``); torch is imported only once the
simulating worker processes are done. Evaluation on fresh scans is ``pipeline.imaging_eval``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from importlib.metadata import version as package_version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from cargoscreen.domain.scans import CargoClass
from cargoscreen.imaging import change as change_mod
from cargoscreen.imaging.consistency import CLASS_ORDER, class_index
from cargoscreen.imaging.detection import scan_score
from cargoscreen.imaging.empty import EmptyConfig
from cargoscreen.imaging.evaluation import (
    roc_auc,
)
from cargoscreen.imaging.preprocess import CHANNELS, prepare
from cargoscreen.imaging.runtime import ImagingModelError, Manifest, NetworkOutput, write_manifest
from cargoscreen.imaging.thresholds import fit_thresholds
from cargoscreen.pipeline.imaging_data import (
    TEMPLATE_SEED,
    TRAIN_CONCEALMENT_WEIGHTS,
    TRAIN_MASS_WEIGHTS,
    UNTAUGHT,
    Sample,
    apply_templates,
    fit_templates,
    generate_samples,
    iter_pairs,
)
from cargoscreen.simulate.xray.specs import MASS_BUCKETS

if TYPE_CHECKING:  # torch is loaded only when training starts
    from cargoscreen.imaging.train_state import TrainState

log = logging.getLogger(__name__)

NETWORK_FILE = "scannet.onnx"
#: The torch state of the same network, which a later run can start from (``init_from``).
STATE_FILE = "scannet.pt"
#: First-layer channels of a network trained from random weights when no width is asked for.
DEFAULT_WIDTH = 16
Progress = Callable[[str], None]


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


def _check_init(folder: Path, width: int | None) -> tuple[str, int, frozenset[int]]:
    """Version, width and training seeds of the starting weights; refuses, before any work, what training
    cannot use."""
    manifest = Manifest.read(folder)  # altered files, another input schema or class order: refused here
    if STATE_FILE not in manifest.raw["files"]:
        raise ImagingModelError(
            f"{folder}: no {STATE_FILE} (a combined model, or weights trained before it was kept); "
            "training can only start from a folder written by `cargoscreen imaging train`"
        )
    trained = manifest.raw.get("training", {}).get("config", {}).get("width")
    if not isinstance(trained, int) or (width is not None and trained > width):
        raise ImagingModelError(
            f"{folder}: a network of width {trained}; training can start from it at width {trained} "
            f"or wider (it is widened), not at {width}"
        )
    return manifest.version, trained, manifest.training_seeds


def _checkpointing(
    path: Path | None, run: dict[str, Any], say: Progress
) -> tuple[TrainState | None, Callable[[TrainState], None] | None]:
    """The state to go on from (None for a fresh run) and what saves the state after each epoch."""
    if path is None:
        return None, None
    from cargoscreen.imaging import network_io  # torch: training only

    resume = None
    if path.exists():
        try:
            resume = network_io.load_checkpoint(path, run)
        except ValueError as exc:
            raise ImagingModelError(f"cannot go on from the checkpoint: {exc}") from exc
        say(f"going on from {path} after epoch {resume.epochs_done} ({resume.seconds:.0f} s of training)")

    def save(state: TrainState) -> None:
        network_io.save_checkpoint(state, path, run)

    return resume, save


def train_image_models(
    out_dir: Path,
    *,
    scans: int = 6000,
    seed: int = 0,
    epochs: int = 32,
    validation_scans: int | None = None,
    calibration_pairs: int = 60,
    width: int | None = None,
    max_train_seconds: float | None = None,
    workers: int = 2,
    progress: Progress | None = None,
    init_from: Path | None = None,
    learning_rate: float = 5e-3,
    instance_area: float = 0.0,
    hard_positive_repeat: int = 0,
    checkpoint: Path | None = None,
) -> TrainingReport:
    """Simulate, train the scan network, set thresholds and change calibration, write ONNX + manifest.

    ``init_from`` is a weights folder trained before (with its torch state): training starts from its
    network instead of from random weights. ``width`` is the first layer's channels: by default that
    network's width, or ``DEFAULT_WIDTH`` from random weights. ``learning_rate`` is the peak of the
    one-cycle schedule (the default is ``networks.TrainConfig``'s). ``instance_area`` > 0 weighs up small
    concealments in the loss (``networks.instance_weights``). ``hard_positive_repeat`` > 0 shows every
    concealment scan the network misses that many more times an epoch (``mining.mine_hard_positives``). ``checkpoint`` is a file the run's state is saved to after every
    epoch; when it exists the run goes on from it (the same arguments simulate the same scans again), and
    it is removed once the weights are written.
    """
    say = progress or (lambda message: log.info(message))
    start = time.perf_counter()
    init_version, init_width, init_seeds = (
        _check_init(init_from, width) if init_from is not None else (None, None, frozenset[int]())
    )
    width = width if width is not None else (init_width or DEFAULT_WIDTH)
    n_val = validation_scans if validation_scans is not None else max(scans // 2, 20)
    say(f"simulating {scans} training and {n_val} validation scans (SYNTHETIC) ...")
    templates = fit_templates(seed=TEMPLATE_SEED, workers=workers)
    train_samples = generate_samples(scans, seed=seed, split="train", concealment_share=0.5, workers=workers)
    val_samples = generate_samples(
        n_val, seed=seed, split="validation", concealment_share=0.2, workers=workers
    )
    apply_templates(train_samples, templates)
    apply_templates(val_samples, templates)
    generated = time.perf_counter()
    say(f"simulated in {generated - start:.0f} s; training ...")
    from cargoscreen.imaging import (  # torch: only now, after the worker processes are done
        network_io,
        networks,
    )

    config = networks.TrainConfig(
        epochs=epochs,
        width=width,
        seed=seed,
        max_seconds=max_train_seconds,
        learning_rate=learning_rate,
        instance_area=instance_area,
        hard_positive_repeat=hard_positive_repeat,
    )
    init = network_io.load_state(init_from / STATE_FILE) if init_from is not None else None
    run = {
        "scans": scans,
        "seed": seed,
        "validation_scans": n_val,
        "started_from": init_version,
        "config": asdict(config),
    }
    resume, on_epoch = _checkpointing(checkpoint, run, say)
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
        init=init,
        resume=resume,
        on_epoch=on_epoch,
    )
    trained = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    network_path = out_dir / NETWORK_FILE
    network_io.export_onnx(result.net, network_path, in_channels=len(CHANNELS))
    network_io.save_state(result.net, out_dir / STATE_FILE)
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
    training: dict[str, Any] = {
        "seed": seed,
        # the scans of the network this run started from shaped it too: evaluation must avoid their seeds
        "seeds": sorted(init_seeds | {seed}),
        "scans": scans,
        "started_from": init_version,
        "widened_from": init_width if init_width is not None and init_width < width else None,
        "validation_scans": n_val,
        "epochs": epochs,
        "concealment_weights": {kind.value: w for kind, w in TRAIN_CONCEALMENT_WEIGHTS.items()},
        "mass_buckets_kg": [list(bucket) for bucket in MASS_BUCKETS],
        "mass_weights": list(TRAIN_MASS_WEIGHTS),
        "steps": result.steps,
        "schedule_share": result.schedule_share,
        "resumed_after_epoch": resume.epochs_done if resume is not None else None,
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
        other_files=(STATE_FILE,),
        extra={
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "thresholds_at_5_percent": thresholds_5.to_json(),
            "training": training,
            "validation": validation,
            "change_calibration": change_facts,
        },
    )
    if checkpoint is not None:
        checkpoint.unlink(missing_ok=True)  # the weights hold the finished run
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
        losses=[round(x, 5) for x in result.losses],
        validation=validation,
        thresholds=thresholds.to_json(),
        change=asdict(change) | change_facts,
        files={p.name: p.stat().st_size for p in sorted(out_dir.iterdir()) if p.is_file()},
    )
