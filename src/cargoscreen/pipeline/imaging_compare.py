"""Two sets of image models on the same fresh SYNTHETIC test scans: ``cargoscreen imaging compare``.

The scans are the bench's (split ``test`` of ``seed``, half with a concealment), simulated once and scored by
both models with the declared cargo class; ``imaging.comparison`` turns the paired scores into detection at
one false-alarm rate per model and McNemar's test on the scans only one of them finds. Each model ranks the
scans by their margin over its own threshold for the declared class (the alarm rule it ships with, so its
calibration counts: calibrate a candidate before comparing it); the same comparison on the raw peak, one
threshold for every class as before 2026-12-06, is kept under ``one_threshold_on_peak``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cargoscreen.domain.scans import ScanFindings
from cargoscreen.imaging.comparison import PairedScore, compare
from cargoscreen.imaging.runtime import ImageAnalyzer
from cargoscreen.pipeline.imaging_data import iter_scans
from cargoscreen.pipeline.imaging_eval import refuse_training_seed

#: What the raw-peak comparison keeps: enough to set a result beside those from before 2026-12-06.
PEAK_KEYS = ("threshold", "false_alarm", "auroc_xray_visible", "xray_visible", "by_mass", "by_kind")


def compare_image_models(
    weights_a: Path | None,
    weights_b: Path | None,
    *,
    scans: int = 1000,
    seed: int = 101,
    rate: float = 0.01,
    workers: int = 2,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Score ``scans`` fresh test scans with both models (None: the shipped weights) and compare them."""
    say = progress or (lambda _message: None)
    start = time.perf_counter()
    a, b = ImageAnalyzer.load(weights_a), ImageAnalyzer.load(weights_b)
    for analyzer in (a, b):
        refuse_training_seed(analyzer, seed)
    by_margin: list[PairedScore] = []
    by_peak: list[PairedScore] = []
    say(f"scoring {scans} test scans (SYNTHETIC, seed {seed}) with {a.version} and {b.version} ...")
    for scan, truth in iter_scans(scans, seed=seed, split="test", concealment_share=0.5, workers=workers):
        found_a = a.analyze(scan, declared_class=truth.cargo).findings
        found_b = b.analyze(scan, declared_class=truth.cargo).findings
        kind, kg, cargo = truth.concealment, truth.kg, truth.cargo
        by_margin.append(PairedScore(kind, kg, _margin(found_a), _margin(found_b), cargo))
        by_peak.append(PairedScore(kind, kg, found_a.score, found_b.score, cargo))
        if len(by_margin) % 100 == 0:
            say(f"  {len(by_margin)} of {scans} scans")
    peak = compare(by_peak, rate)
    return {
        "data": "SYNTHETIC scans from cargoscreen.simulate.xray, seed never used in training",
        "a": a.version,
        "b": b.version,
        "seed": seed,
        "scans": scans,
        "ranking": "margin over the class threshold",
        **compare(by_margin, rate),
        "one_threshold_on_peak": {key: peak[key] for key in PEAK_KEYS},
        "seconds": round(time.perf_counter() - start, 1),
    }


def _margin(findings: ScanFindings) -> float:
    if findings.margin is None:  # the runtime always sets it; stored findings from before may not
        raise ValueError(f"findings of scan {findings.scan_id} carry no margin over their threshold")
    return findings.margin
