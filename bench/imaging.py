"""bench/imaging: the image models on fresh SYNTHETIC scans from the X-ray simulator.

Measures, in one run on scans and pairs of a seed never used in training: concealment detection at 1 % and
5 % false alarms per clean scan (by concealment kind and mass bucket), box hits, empty verification,
declared-versus-seen consistency AUC, pre-departure versus arrival change detection, seconds per scan, and
detection on the same scans with the container moved 10 mm in the frame; beside a non-learned baseline
measured in the same run (per-class mean-image residual; its seconds too).

    python bench/imaging.py [--weights DIR] [--scans 600] [--pairs 60] [--seed 101] [--name imaging]

A second test set (another seed, another ``--name``) shows how much of a change is the luck of one set: the
1 % threshold rests on the few highest clean scores.

Targets (issue: image AI): >= 95 % detection at 1 % false alarms for > 10 kg, >= 80 % for 2-10 kg, empty
verification >= 99.5 %, <= 0.5 s per 20 ft scan on 2 cores. Writes bench/results/imaging.json and the
picture docs/img/scan-heatmap.png.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np

from _common import write_result
from cargoscreen.domain.scans import ConcealmentKind, Scan
from cargoscreen.imaging.runtime import DEFAULT_WEIGHTS, Detailed, Manifest
from cargoscreen.pipeline.imaging_data import Truth
from cargoscreen.pipeline.imaging_eval import evaluate_image_models

PICTURE = Path(__file__).resolve().parents[1] / "docs" / "img" / "scan-heatmap.png"


class Picker:
    """Keeps one telling example: a 20 ft scan with 2-30 kg hidden that alarmed with a box on it, bricks
    among the cargo if one was found (the hardest kind), else the first such scan."""

    def __init__(self) -> None:
        self.first: tuple[Scan, Truth, Detailed] | None = None
        self.bricks: tuple[Scan, Truth, Detailed] | None = None

    @property
    def chosen(self) -> tuple[Scan, Truth, Detailed] | None:
        return self.bricks or self.first

    def __call__(self, scan: Scan, truth: Truth, detailed: Detailed) -> None:
        findings = detailed.analysis.findings
        if not findings.alarm or not 2.0 <= truth.kg <= 30.0 or truth.kind.length_ft != 20:
            return
        if not findings.boxes:
            return
        if self.first is None:
            self.first = (scan, truth, detailed)
        if self.bricks is None and truth.concealment is ConcealmentKind.BRICKS_IN_CARGO:
            self.bricks = (scan, truth, detailed)


def draw(scan: Scan, truth: Truth, detailed: Detailed, path: Path) -> None:
    """High-energy image with true (dashed) and found (solid) boxes, and the heat-map over it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    findings = detailed.analysis.findings
    image = scan.attenuation()
    fig, axes = plt.subplots(2, 1, figsize=(11, 6.4), constrained_layout=True)
    for ax, title in zip(axes, ("high-energy attenuation P", "heat-map"), strict=True):
        ax.imshow(image, cmap="gray_r", vmin=0.0, vmax=float(np.percentile(image, 99.5)), aspect="equal")
        ax.set_title(title, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    overlay = np.ma.masked_less(detailed.analysis.heatmap, 0.05)
    axes[1].imshow(overlay, cmap="inferno", vmin=0.0, vmax=1.0, alpha=0.65, aspect="equal")
    for kind, kg, (x0, y0, x1, y1) in truth.concealments:
        for ax in axes:
            ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, ec="lime", ls="--", lw=1.2))
        axes[0].text(x0, max(0, y0 - 8), f"truth: {kind.value} {kg:.1f} kg", color="lime", fontsize=8)
    for box in findings.boxes:
        axes[0].add_patch(
            Rectangle((box.x0, box.y0), box.x1 - box.x0, box.y1 - box.y0, fill=False, ec="red", lw=1.5)
        )
        axes[0].text(box.x1 + 4, box.y1, f"{box.score:.2f}", color="red", fontsize=8)
    fig.suptitle(
        f"SYNTHETIC {truth.kind.value} declared {truth.cargo.value}: score {findings.score:.3f} "
        f"(threshold {findings.threshold:.3f}), consistency {findings.consistency or 0:.2f}",
        fontsize=10,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--weights", type=Path, default=None, help="weights folder (default: the shipped)")
    parser.add_argument("--scans", type=int, default=600)
    parser.add_argument("--pairs", type=int, default=60)
    parser.add_argument("--baseline-scans", type=int, default=300)
    parser.add_argument("--seed", type=int, default=101)
    parser.add_argument(
        "--name", default="imaging", help="writes bench/results/<name>.json; the picture only for 'imaging'"
    )
    args = parser.parse_args()
    picker = Picker()
    evaluation = evaluate_image_models(
        args.weights,
        scans=args.scans,
        seed=args.seed,
        pairs=args.pairs,
        baseline_scans=args.baseline_scans,
        progress=print,
        keep=picker,
    )
    manifest = Manifest.read(args.weights or DEFAULT_WEIGHTS).raw
    result: dict[str, Any] = {
        "data": "SYNTHETIC scans from cargoscreen.simulate.xray, seed never used in training",
        "weights": {
            "version": manifest["version"],
            "training": manifest.get("training", {}),
            "validation": manifest.get("validation", {}),
        },
        **evaluation.to_json(),
        "targets": targets(evaluation.detection),
    }
    path = write_result(args.name, result)
    print(f"wrote {path}")
    if picker.chosen is not None and args.name == "imaging":
        draw(*picker.chosen, PICTURE)
        print(f"wrote {PICTURE}")


def targets(detection: dict[str, Any]) -> dict[str, Any]:
    # at 1 % false alarms: the one cut on the margin over each class threshold that 1 % of this run's clean
    # scans reach (the alarm rule's operating point at exactly that rate; the shipped thresholds as they are,
    # and one threshold on the raw peak as measured before 2026-12-06, are reported beside it)
    at1 = detection["model"]["at_1%_false_alarms"]["by_mass"]
    seconds = detection["seconds_per_scan"].get("20ft", {}).get("mean")
    checks = {
        "detection_over_10kg_at_1pct": (at1[">10 kg"]["rate"], 0.95),
        "detection_2_to_10kg_at_1pct": (at1["2-10 kg"]["rate"], 0.80),
        "empty_verification_accuracy": (detection["empty_verification"]["accuracy"], 0.995),
    }
    out: dict[str, Any] = {
        name: {"measured": value, "target": goal, "met": value is not None and value >= goal}
        for name, (value, goal) in checks.items()
    }
    # how far the measured rate could be from the model's true rate on this many scans (95 % Wilson)
    out["detection_over_10kg_at_1pct"]["ci95"] = at1[">10 kg"].get("ci95")
    out["detection_2_to_10kg_at_1pct"]["ci95"] = at1["2-10 kg"].get("ci95")
    out["seconds_per_20ft_scan"] = {
        "measured": seconds,
        "target": 0.5,
        "met": seconds is not None and seconds <= 0.5,
    }
    return out


if __name__ == "__main__":
    main()
