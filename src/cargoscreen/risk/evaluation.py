"""Labels from inspection outcomes, and what a targeting ranking achieves on them: precision, recall and seized kg in the top shares, AUC, the PR curve.

``labels_from_outcomes`` keeps the inspected cases (only they have labels; a seizure is 1) with the kg
seized. ``evaluate(scores, labels, kg=...)`` ranks by score (ties keep input order, as :mod:`cargoscreen.risk.metrics`
does) and reports, for each share ``k`` of the rows inspected from the top, the share of positives there
(precision@k), the share of all positives found (recall@k) and, given the kg seized per row, the kg found.
``write_report`` writes ``evaluation.json`` and ``pr_curve.png`` into a folder (matplotlib, Agg canvas: no
display and no global pyplot state).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from cargoscreen.domain.outcomes import InspectionOutcome
from cargoscreen.risk.case import ContainerCase
from cargoscreen.risk.metrics import pr_curve, precision_at, recall_at, roc_auc

SHARES: tuple[float, ...] = (0.01, 0.02, 0.05, 0.10)
MAX_CURVE_POINTS = 200
JSON_FILE = "evaluation.json"
PNG_FILE = "pr_curve.png"


@dataclass(frozen=True)
class Labelled:
    """The inspected cases, their labels (1 = seizure) and the kg seized, in the order of the cases given."""

    cases: list[ContainerCase]
    labels: np.ndarray
    seized_kg: np.ndarray


@dataclass(frozen=True)
class EvaluationReport:
    """What a ranking achieves on labelled rows; ``seized_kg_at`` is None when no kg were given."""

    rows: int
    positives: int
    auc: float
    average_precision: float
    precision_at: dict[float, float]
    recall_at: dict[float, float]
    seized_kg_at: dict[float, float] | None
    seized_kg_total: float | None
    curve_precision: tuple[float, ...]
    curve_recall: tuple[float, ...]
    curve_threshold: tuple[float, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: shares as ``"5%"`` keys, NaN as None."""
        data: dict[str, Any] = {
            "rows": self.rows,
            "positives": self.positives,
            "base_rate": self.positives / self.rows,
            "auc": _finite(self.auc),
            "average_precision": _finite(self.average_precision),
            "precision_at": _by_share(self.precision_at),
            "recall_at": _by_share(self.recall_at),
            "pr_curve": {
                "precision": list(self.curve_precision),
                "recall": list(self.curve_recall),
                "threshold": list(self.curve_threshold),
            },
        }
        if self.seized_kg_at is not None and self.seized_kg_total is not None:
            total = self.seized_kg_total
            data["seized_kg_total"] = total
            data["seized_kg_at"] = _by_share(self.seized_kg_at)
            data["seized_kg_share_at"] = _by_share(
                {k: v / total if total else 0.0 for k, v in self.seized_kg_at.items()}
            )
        return data


def labels_from_outcomes(cases: Iterable[ContainerCase], outcomes: Iterable[InspectionOutcome]) -> Labelled:
    """Keep the cases with an outcome on their vessel call; several outcomes: a seizure in any of them wins."""
    found: dict[tuple[str, str, str], float] = {}
    for outcome in outcomes:
        key = (outcome.container_number, outcome.imo_number, outcome.voyage_number)
        found[key] = max(found.get(key, -1.0), outcome.seized_kg if outcome.positive else 0.0)
    kept = [c for c in cases if (c.container_number, c.imo_number, c.voyage_number) in found]
    kg = np.array(
        [found[(c.container_number, c.imo_number, c.voyage_number)] for c in kept], dtype=np.float64
    )
    return Labelled(cases=kept, labels=(kg > 0).astype(np.int64), seized_kg=kg)


def evaluate(
    scores: np.ndarray,
    labels: np.ndarray,
    kg: np.ndarray | None = None,
    ks: tuple[float, ...] = SHARES,
) -> EvaluationReport:
    """Metrics of the ranking by ``scores`` against 0/1 ``labels`` (and the kg seized per row, if given)."""
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    if s.ndim != 1 or y.shape != s.shape or len(s) == 0:
        raise ValueError(
            f"scores and labels must be non-empty 1-D arrays of one length: {s.shape} vs {y.shape}"
        )
    if not np.isin(y, (0, 1)).all() or not np.isfinite(s).all():
        raise ValueError("labels must be 0/1 and scores finite")
    precision, recall, threshold = pr_curve(y, s)
    seized, total = None, None
    if kg is not None:
        weights = np.asarray(kg, dtype=np.float64)
        if weights.shape != s.shape or (weights < 0).any():
            raise ValueError(f"kg must be one value >= 0 per row: {weights.shape} vs {s.shape}")
        order = np.argsort(-s, kind="stable")
        seized = {k: float(weights[order[: _count(len(s), k)]].sum()) for k in ks}
        total = float(weights.sum())
    points = _thin(len(precision))
    return EvaluationReport(
        rows=len(y),
        positives=int(y.sum()),
        auc=roc_auc(y, s),
        average_precision=_average_precision(precision, recall) if y.any() else math.nan,
        precision_at={k: precision_at(y, s, k) for k in ks},
        recall_at={k: recall_at(y, s, k) for k in ks},
        seized_kg_at=seized,
        seized_kg_total=total,
        curve_precision=tuple(float(v) for v in precision[points]),
        curve_recall=tuple(float(v) for v in recall[points]),
        curve_threshold=tuple(float(v) for v in threshold[points]),
    )


def write_report(report: EvaluationReport, folder: Path, *, version: str) -> list[Path]:
    """Write ``evaluation.json`` and ``pr_curve.png`` (model ``version`` in both); returns their paths."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    folder.mkdir(parents=True, exist_ok=True)
    created = datetime.now(UTC).isoformat(timespec="seconds")
    data = {"model_version": version, "created": created, **report.to_dict()}
    json_path = folder / JSON_FILE
    json_path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")

    figure = Figure(figsize=(6.0, 4.5), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    label = f"AUC {report.auc:.3f}, AP {report.average_precision:.3f}"
    axes.step(report.curve_recall, report.curve_precision, where="post", label=label)
    axes.axhline(report.positives / report.rows, color="grey", linestyle=":", label="base rate")
    axes.set(xlabel="recall", ylabel="precision", xlim=(0, 1), ylim=(0, 1.02))
    axes.set_title(f"Precision-recall, model {version} ({report.rows} rows, {report.positives} positives)")
    axes.title.set_fontsize(9)
    axes.legend(loc="upper right")
    axes.grid(alpha=0.3)
    png_path = folder / PNG_FILE
    figure.savefig(png_path)
    return [json_path, png_path]


def _count(rows: int, share: float) -> int:
    """Rows in the top ``share``, as :func:`cargoscreen.risk.metrics.precision_at` counts them."""
    if not 0 < share <= 1:
        raise ValueError(f"share must be in (0, 1], got {share}")
    return max(1, round(rows * share))


def _average_precision(precision: np.ndarray, recall: np.ndarray) -> float:
    """Sum of precision times the recall gained at each threshold (step-wise area, no interpolation)."""
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def _thin(points: int) -> np.ndarray:
    """At most ``MAX_CURVE_POINTS`` indices, evenly spread, always keeping the first and the last."""
    if points <= MAX_CURVE_POINTS:
        return np.arange(points)
    return np.unique(np.linspace(0, points - 1, MAX_CURVE_POINTS).round().astype(np.int64))


def _by_share(values: dict[float, float]) -> dict[str, float | None]:
    return {f"{share * 100:g}%": _finite(value) for share, value in values.items()}


def _finite(value: float) -> float | None:
    return None if math.isnan(value) else float(value)
