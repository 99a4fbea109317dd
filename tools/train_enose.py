"""Train the shipped e-nose marker classifier on SYNTHETIC samples and write it as package data.

The samples come from the simulated array (``cargoscreen.simulate.enose``, whose sensitivities, noise and
drift are derived from the UCI gas sensor array data); the fitted model goes to
``src/cargoscreen/sensors/models/enose_marker.json``. Run: ``python tools/train_enose.py [SAMPLES] [SEED]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from cargoscreen.sensors.enose import EnoseInput, MarkerClassifier
from cargoscreen.simulate.enose import training_samples

OUT = Path(__file__).resolve().parents[1] / "src" / "cargoscreen" / "sensors" / "models" / "enose_marker.json"


def main(argv: list[str]) -> int:
    count = int(argv[1]) if len(argv) > 1 else 8000
    seed = int(argv[2]) if len(argv) > 2 else 20260312
    samples, labels = training_samples(count, seed=seed)
    model = MarkerClassifier(seed=seed).fit([EnoseInput.of(s) for s in samples], labels.tolist())
    OUT.parent.mkdir(parents=True, exist_ok=True)
    model.save(OUT)
    print(f"{OUT}: trained on {count} synthetic samples ({int(labels.sum())} with the marker)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
