"""Evaluation of a ranking on hand-made labels, the written report, and labels from inspection outcomes."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from cargoscreen.domain.outcomes import InspectionOutcome, OutcomeResult
from cargoscreen.domain.records import Equipment
from cargoscreen.domain.targeting import Channel
from cargoscreen.risk.case import ContainerCase
from cargoscreen.risk.evaluation import evaluate, labels_from_outcomes, write_report

# Ten rows ranked by score: positives at ranks 1, 3 and 6.
SCORES = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05])
LABELS = np.array([1, 0, 1, 0, 0, 1, 0, 0, 0, 0])
KG = np.array([300.0, 0, 40, 0, 0, 1000, 0, 0, 0, 0])


def test_metrics_at_the_top_shares() -> None:
    report = evaluate(SCORES, LABELS, ks=(0.1, 0.2, 0.5))
    assert report.rows == 10 and report.positives == 3
    assert report.precision_at == {0.1: 1.0, 0.2: 0.5, 0.5: pytest.approx(2 / 5)}
    assert report.recall_at == {
        0.1: pytest.approx(1 / 3),
        0.2: pytest.approx(1 / 3),
        0.5: pytest.approx(2 / 3),
    }
    # AUC: of 3 x 7 positive-negative pairs, the positives outrank 7, 6 and 4 negatives.
    assert report.auc == pytest.approx((7 + 6 + 4) / 21)
    # Average precision: precision at each positive's rank, averaged: (1/1 + 2/3 + 3/6) / 3.
    assert report.average_precision == pytest.approx((1 + 2 / 3 + 3 / 6) / 3)
    assert report.seized_kg_at is None and report.seized_kg_total is None


def test_seized_kg_in_the_top_shares() -> None:
    report = evaluate(SCORES, LABELS, kg=KG, ks=(0.1, 0.3, 0.6))
    assert report.seized_kg_total == 1340
    assert report.seized_kg_at == {0.1: 300, 0.3: 340, 0.6: 1340}
    shares = report.to_dict()["seized_kg_share_at"]
    assert shares["10%"] == pytest.approx(300 / 1340) and shares["60%"] == 1.0


def test_pr_curve_points_from_the_top_down() -> None:
    report = evaluate(SCORES, LABELS)
    assert report.curve_precision[0] == 1.0 and report.curve_recall[0] == pytest.approx(1 / 3)
    assert report.curve_recall[-1] == 1.0 and report.curve_precision[-1] == pytest.approx(0.3)
    assert list(report.curve_threshold) == sorted(report.curve_threshold, reverse=True)
    many = evaluate(np.linspace(0, 1, 5000), np.arange(5000) % 7 == 0)
    assert len(many.curve_precision) == 200 and many.curve_recall[-1] == 1.0


def test_bad_input_is_refused_with_the_reason() -> None:
    with pytest.raises(ValueError, match="one length"):
        evaluate(SCORES, LABELS[:-1])
    with pytest.raises(ValueError, match="0/1"):
        evaluate(SCORES, LABELS * 2)
    with pytest.raises(ValueError, match="kg must be one value"):
        evaluate(SCORES, LABELS, kg=KG[:3])
    with pytest.raises(ValueError, match="share must be"):
        evaluate(SCORES, LABELS, kg=KG, ks=(0.0,))


def test_no_positive_gives_nan_auc_written_as_null(tmp_path: Path) -> None:
    report = evaluate(SCORES, np.zeros(10, dtype=int))
    assert math.isnan(report.auc) and report.recall_at[0.05] == 0.0
    json_path, _ = write_report(report, tmp_path, version="v0")
    data = json.loads(json_path.read_text())
    assert data["auc"] is None and data["average_precision"] is None


def test_write_report_writes_json_and_png(tmp_path: Path) -> None:
    report = evaluate(SCORES, LABELS, kg=KG)
    paths = write_report(report, tmp_path / "out", version="container-test")
    assert [p.name for p in paths] == ["evaluation.json", "pr_curve.png"]
    data = json.loads(paths[0].read_text())
    assert data["model_version"] == "container-test" and data["positives"] == 3
    assert data["precision_at"]["1%"] == 1.0 and data["recall_at"]["10%"] == pytest.approx(1 / 3)
    assert data["seized_kg_at"]["10%"] == 300 and len(data["pr_curve"]["precision"]) == 10
    assert paths[1].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and paths[1].stat().st_size > 5_000


def case(number: str, voyage: str = "045E") -> ContainerCase:
    return ContainerCase(
        equipment=Equipment(container_number=number, size_type="45R1"),
        imo_number="9321483",
        voyage_number=voyage,
    )


def outcome(number: str, result: OutcomeResult, kg: float = 0.0, voyage: str = "045E") -> InspectionOutcome:
    return InspectionOutcome(
        container_number=number, imo_number="9321483", voyage_number=voyage, channel=Channel.SCAN,
        result=result, substance="cocaine" if kg else "", seized_kg=kg, recorded_by="officer 7",
        recorded_at=datetime(2026, 11, 23, 12, tzinfo=UTC),
    )  # fmt: skip


def test_only_inspected_cases_get_labels() -> None:
    cases = [case("MSCU1234566"), case("TGHU9876542"), case("MSCU1234566", voyage="046E")]
    outcomes = [
        outcome("TGHU9876542", OutcomeResult.CLEAN),
        outcome("MSCU1234566", OutcomeResult.CLEAN),
        outcome("MSCU1234566", OutcomeResult.SEIZURE, kg=240.0),  # the physical inspection after the scan
    ]
    labelled = labels_from_outcomes(cases, outcomes)
    assert [c.container_number for c in labelled.cases] == ["MSCU1234566", "TGHU9876542"]
    assert labelled.labels.tolist() == [1, 0] and labelled.seized_kg.tolist() == [240.0, 0.0]
    assert labels_from_outcomes(cases, []).cases == []
