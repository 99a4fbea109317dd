"""Two sets of image models on the same fresh SYNTHETIC test scans: ``cargoscreen imaging compare``.

The scans are the bench's (split ``test`` of ``seed``, half with a concealment), simulated once and scored by
both models with the declared cargo class; ``imaging.comparison`` turns the paired scores into detection at
one false-alarm rate per model and McNemar's test on the scans only one of them finds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cargoscreen.imaging.comparison import PairedScore, compare
from cargoscreen.imaging.runtime import ImageAnalyzer
from cargoscreen.pipeline.imaging_data import iter_scans
from cargoscreen.pipeline.imaging_eval import refuse_training_seed


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
    scored: list[PairedScore] = []
    say(f"scoring {scans} test scans (SYNTHETIC, seed {seed}) with {a.version} and {b.version} ...")
    for scan, truth in iter_scans(scans, seed=seed, split="test", concealment_share=0.5, workers=workers):
        scored.append(
            PairedScore(
                concealment=truth.concealment,
                kg=truth.kg,
                score_a=a.analyze(scan, declared_class=truth.cargo).findings.score,
                score_b=b.analyze(scan, declared_class=truth.cargo).findings.score,
                cargo=truth.cargo,
            )
        )
        if len(scored) % 100 == 0:
            say(f"  {len(scored)} of {scans} scans")
    return {
        "data": "SYNTHETIC scans from cargoscreen.simulate.xray, seed never used in training",
        "a": a.version,
        "b": b.version,
        "seed": seed,
        "scans": scans,
        **compare(scored, rate),
        "seconds": round(time.perf_counter() - start, 1),
    }
