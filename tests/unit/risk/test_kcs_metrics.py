"""Precision/recall at the top share, AUC and the PR curve on hand-checked cases."""

from __future__ import annotations

import numpy as np
import pytest

from cargoscreen.risk.metrics import pr_curve, precision_at, recall_at, roc_auc, targeting_summary

LABELS = np.array([1, 0, 1, 0, 0, 0, 0, 0, 0, 1])
SCORES = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05])


def test_precision_and_recall_at_top_share() -> None:
    assert precision_at(LABELS, SCORES, 0.1) == 1.0  # one row: the 0.9
    assert precision_at(LABELS, SCORES, 0.3) == pytest.approx(2 / 3)
    assert recall_at(LABELS, SCORES, 0.3) == pytest.approx(2 / 3)
    assert recall_at(LABELS, SCORES, 1.0) == 1.0
    assert precision_at(LABELS, SCORES, 0.01) == 1.0  # at least one row is inspected


def test_ties_keep_input_order_not_the_best_case() -> None:
    labels = np.array([0, 0, 1, 1])
    assert precision_at(labels, np.zeros(4), 0.5) == 0.0


def test_auc_counts_ties_as_half() -> None:
    # positives at 0.9, 0.7, 0.05 vs 7 negatives: 7 + 6 + 0 pairs won out of 21
    assert roc_auc(LABELS, SCORES) == pytest.approx(13 / 21)
    assert roc_auc(np.array([0, 1]), np.array([0.5, 0.5])) == 0.5
    assert np.isnan(roc_auc(np.zeros(3), np.arange(3.0)))


def test_pr_curve_steps_down_the_ranking() -> None:
    precision, recall, thresholds = pr_curve(LABELS, SCORES)
    assert thresholds[0] == 0.9 and thresholds[-1] == 0.05
    assert precision[0] == 1.0 and recall[-1] == 1.0
    assert precision[2] == pytest.approx(2 / 3) and recall[2] == pytest.approx(2 / 3)


def test_summary_and_bad_input() -> None:
    summary = targeting_summary(LABELS, SCORES, (0.1, 0.5))
    assert set(summary) == {"pre@10%", "rec@10%", "pre@50%", "rec@50%", "auc"}
    with pytest.raises(ValueError, match="one length"):
        precision_at(LABELS, SCORES[:3], 0.1)
    with pytest.raises(ValueError, match="share"):
        precision_at(LABELS, SCORES, 0.0)
