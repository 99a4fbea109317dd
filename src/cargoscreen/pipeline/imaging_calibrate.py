"""Refit the alarm thresholds of trained image models on many clean SYNTHETIC scans per cargo class.

Training sets thresholds on its validation scans, about eighty clean ones per class: at a 1 % false-alarm
rate that makes each class's threshold little more than its largest clean score, and the rate they give on
fresh scans drifts well above 1 %. Calibration scores ``per_class`` fresh clean scans of every class (the
``calibration`` split, from scanners of varied pixel size and placement) and writes the new thresholds,
with a record of how they were set, into the weights' manifest; the 5 % operating point the manifest records
beside them is refitted on the same scores, so both come from the same scans. ``grid_phases`` (1, 2 or 4)
changes how many grid phases the heat-map is averaged over (``imaging.phases``) and calibrates the thresholds
for it in the same pass: scores made another way would need other thresholds. The network and templates are
untouched.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cargoscreen.domain.scans import CargoClass
from cargoscreen.imaging.phases import ALLOWED as ALLOWED_PHASES
from cargoscreen.imaging.runtime import DEFAULT_WEIGHTS, MANIFEST, ImageAnalyzer, ImagingModelError
from cargoscreen.imaging.thresholds import fit_thresholds
from cargoscreen.pipeline.imaging_data import iter_clean_scans

log = logging.getLogger(__name__)

Progress = Callable[[str], None]
#: The second operating point the manifest records (``thresholds_at_5_percent``), for reference only.
FIVE_PERCENT = 0.05


def calibrate_thresholds(
    weights_dir: Path | None = None,
    *,
    per_class: int = 300,
    seed: int | None = None,
    rate: float = 0.01,
    grid_phases: int | None = None,
    workers: int = 2,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Score clean scans of every class, refit thresholds at ``rate``, rewrite the manifest; return the record.

    ``seed`` defaults to the weights' training seed (the calibration split never meets a training scan);
    ``grid_phases`` to what the manifest already says.
    """
    say = progress or (lambda message: log.info(message))
    directory = weights_dir or DEFAULT_WEIGHTS
    analyzer = ImageAnalyzer.load(directory)  # refuses altered or mismatched weights before any work
    if grid_phases is not None:
        if grid_phases not in ALLOWED_PHASES:
            raise ImagingModelError(f"--grid-phases must be one of {ALLOWED_PHASES}, not {grid_phases}")
        analyzer = ImageAnalyzer(analyzer.session, replace(analyzer.manifest, grid_phases=grid_phases))
    phases = analyzer.manifest.grid_phases
    raw = analyzer.manifest.raw
    chosen = int(raw.get("training", {}).get("seed", 0)) if seed is None else seed
    start = time.perf_counter()
    scores: list[float] = []
    classes: list[CargoClass] = []
    total = per_class * len(CargoClass)
    say(f"scoring {total} clean SYNTHETIC scans ({per_class} per cargo class, {phases} grid phases) ...")
    for scan, cargo in iter_clean_scans(per_class, seed=chosen, workers=workers):
        scores.append(analyzer.analyze(scan, declared_class=cargo).findings.score)
        classes.append(cargo)
        if len(scores) % 200 == 0:
            say(f"  {len(scores)} of {total} scans")
    thresholds = fit_thresholds(scores, classes, rate=rate)
    at_5 = fit_thresholds(scores, classes, rate=FIVE_PERCENT)
    record = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "data": "SYNTHETIC: cargoscreen.simulate.xray, calibration split, varied pixel size and placement",
        "seed": chosen,
        "per_class": per_class,
        "false_alarm_rate": rate,
        "grid_phases": phases,
        "seconds": round(time.perf_counter() - start, 1),
        "previous_thresholds": raw.get("thresholds"),
    }
    data = dict(raw)
    data["thresholds"] = thresholds.to_json()
    data["thresholds_at_5_percent"] = at_5.to_json()
    data["calibration"] = record
    data["inference"] = {**data.get("inference", {}), "grid_phases": phases}
    files = data.pop("files")  # keep the file hashes last, as written at training
    data["files"] = files
    path = directory / MANIFEST
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    temporary.replace(path)  # the manifest is never seen half-written
    say(f"thresholds at {rate:.0%} false alarms written to {path}")
    return {**record, "thresholds": thresholds.to_json()}
