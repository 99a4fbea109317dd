"""Targeting metrics: rank by score, inspect the top share, count what is caught.

``precision_at(y, s, 0.05)`` is the KCS / DATE papers' Pre@5 %: the share of positives among the
``round(5 % of rows)`` highest scores (at least one row). Ties keep input order (stable sort), so a constant
score gives the precision of the first rows, not a flattering one.
"""

from __future__ import annotations

import numpy as np


def _top(scores: np.ndarray, share: float) -> np.ndarray:
    if not 0 < share <= 1:
        raise ValueError(f"share must be in (0, 1], got {share}")
    count = max(1, round(len(scores) * share))
    return np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")[:count]


def _check(labels: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(labels, dtype=np.int64)
    s = np.asarray(scores, dtype=np.float64)
    if y.shape != s.shape or y.ndim != 1 or len(y) == 0:
        raise ValueError(
            f"labels and scores must be non-empty 1-D arrays of one length: {y.shape} vs {s.shape}"
        )
    return y, s


def precision_at(labels: np.ndarray, scores: np.ndarray, share: float) -> float:
    """Share of positives among the top ``share`` of rows by score."""
    y, s = _check(labels, scores)
    return float(y[_top(s, share)].mean())


def recall_at(labels: np.ndarray, scores: np.ndarray, share: float) -> float:
    """Share of all positives found in the top ``share`` of rows (0 when there are none)."""
    y, s = _check(labels, scores)
    total = int(y.sum())
    return float(y[_top(s, share)].sum() / total) if total else 0.0


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney, ties count one half); NaN with a single class."""
    y, s = _check(labels, scores)
    positives = int(y.sum())
    negatives = len(y) - positives
    if positives == 0 or negatives == 0:
        return float("nan")
    order = np.argsort(s, kind="stable")
    sorted_scores = s[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_scores)) + 1]
    ends = np.r_[starts[1:], len(s)]
    ranks = np.empty(len(s), dtype=np.float64)
    ranks[order] = np.repeat((starts + 1 + ends) / 2, ends - starts)
    return float((ranks[y == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def pr_curve(labels: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(precision, recall, threshold) at each distinct score, from the highest threshold down."""
    y, s = _check(labels, scores)
    order = np.argsort(-s, kind="stable")
    sorted_scores, sorted_labels = s[order], y[order]
    last_of_each = np.r_[np.flatnonzero(np.diff(sorted_scores)), len(s) - 1]
    caught = np.cumsum(sorted_labels)[last_of_each]
    flagged = last_of_each + 1
    total = max(int(y.sum()), 1)
    return caught / flagged, caught / total, sorted_scores[last_of_each]


def targeting_summary(labels: np.ndarray, scores: np.ndarray, shares: tuple[float, ...]) -> dict[str, float]:
    """Pre@k and Rec@k for each share (keys like ``pre@5%``) and the AUC."""
    summary: dict[str, float] = {}
    for share in shares:
        name = f"{share * 100:g}%"
        summary[f"pre@{name}"] = precision_at(labels, scores, share)
        summary[f"rec@{name}"] = recall_at(labels, scores, share)
    summary["auc"] = roc_auc(labels, scores)
    return summary
