"""Heat-map to score and boxes, thresholds at a false-alarm rate, metrics (SYNTHETIC arrays)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from cargoscreen.domain.scans import CargoClass, ConcealmentKind
from cargoscreen.imaging.detection import box_iou, boxes, centre_inside, scan_score
from cargoscreen.imaging.evaluation import (
    MeanImageBaseline,
    ScanOutcome,
    box_hit,
    mass_bucket,
    roc_auc,
    summarize,
    wilson_interval,
)
from cargoscreen.imaging.thresholds import Thresholds, fit_thresholds, margin, quantile_threshold

BRICKS = ConcealmentKind.BRICKS_IN_CARGO


def test_scan_score_is_the_peak_of_the_heat_map() -> None:
    heat = np.zeros((40, 80), dtype=np.float32)
    assert scan_score(heat) == 0.0
    heat[20:26, 40:50] = 0.9
    assert scan_score(heat) == pytest.approx(0.9, abs=1e-6)
    heat[10, 10] = 0.97  # a small object of one working pixel is not averaged away
    assert scan_score(heat) == pytest.approx(0.97, abs=1e-6)
    assert scan_score(np.zeros((0, 0), dtype=np.float32)) == 0.0


def test_every_alarm_has_a_box_even_for_a_single_pixel() -> None:
    heat = np.full((40, 80), 0.1, dtype=np.float32)
    heat[10, 10] = 0.97
    heat[11, 11] = 0.96  # a diagonal neighbour belongs to the same object
    threshold = 0.95
    assert scan_score(heat) >= threshold
    found = boxes(heat, threshold)
    assert len(found) == 1
    assert (found[0].row0, found[0].col0) == (10, 10)
    assert (found[0].row1, found[0].col1) == (12, 12)
    assert found[0].score == pytest.approx(0.97, abs=1e-6)
    # at a threshold just above the peak in float64 there is neither an alarm nor a box
    just_above = float(np.nextafter(scan_score(heat), 2.0))
    assert scan_score(heat) < just_above and boxes(heat, just_above) == []


def test_boxes_use_hysteresis_and_sort_by_peak() -> None:
    heat = np.zeros((60, 120), dtype=np.float32)
    heat[10:20, 10:30] = 0.4  # halo of the first object
    heat[13:17, 18:22] = 0.95  # its core
    heat[40:50, 80:100] = 0.7  # a second object
    heat[5:8, 100:103] = 0.35  # below the threshold: no box
    found = boxes(heat, 0.6)
    assert [round(b.score, 2) for b in found] == [0.95, 0.7]
    first = found[0]
    assert first.row0 <= 11 and first.row1 >= 19 and first.col0 <= 11 and first.col1 >= 29
    assert boxes(heat, 0.99) == []


def test_box_geometry() -> None:
    assert box_iou((0, 0, 10, 10), (5, 0, 15, 10)) == pytest.approx(50 / 150)
    assert box_iou((0, 0, 10, 10), (20, 20, 30, 30)) == 0.0
    assert centre_inside((4, 4, 6, 6), (0, 0, 10, 10))
    assert not centre_inside((40, 40, 60, 60), (0, 0, 10, 10))
    assert box_hit([(0, 0, 10, 10)], [(2, 2, 8, 8)])
    assert not box_hit([(0, 0, 10, 10)], [(50, 50, 60, 60)])


def test_quantile_threshold_holds_the_false_alarm_rate() -> None:
    scores = list(np.linspace(0.0, 1.0, 1000, endpoint=False))
    threshold = quantile_threshold(scores, 0.01)
    assert sum(s >= threshold for s in scores) == 10
    assert quantile_threshold([0.2, 0.3], 0.01) > 0.3


def test_thresholds_per_class_fall_back_to_pooled_when_few_scans() -> None:
    rng = np.random.default_rng(0)
    scores = list(rng.random(300) * 0.5) + list(rng.random(20))
    classes = [CargoClass.BANANAS] * 300 + [CargoClass.COFFEE] * 20
    fitted = fit_thresholds(scores, classes, rate=0.01)
    assert fitted.counts[CargoClass.BANANAS] == 300
    assert fitted.by_class[CargoClass.BANANAS] <= 0.5
    assert fitted.by_class[CargoClass.COFFEE] >= max(scores[300:])  # few scans: at least their maximum
    assert fitted.for_class(CargoClass.TIMBER) == fitted.default
    assert fitted.for_class(None) == fitted.default
    assert Thresholds.from_json(fitted.to_json()) == fitted
    with pytest.raises(ValueError):
        fit_thresholds([0.1], [], rate=0.01)


def test_margin_is_the_logit_distance_to_the_threshold_and_alarms_exactly_at_or_above_zero() -> None:
    assert margin(0.5, 0.5) == 0.0
    assert margin(0.9, 0.5) == pytest.approx(math.log(9.0))
    assert margin(0.1, 0.5) == pytest.approx(-math.log(9.0))
    # a float32 sigmoid reaches 1.0: held inside (0, 1), it stays finite and still above a threshold below it
    assert 0.0 < margin(1.0, 0.99) < 20.0 and margin(0.0, 0.99) > -30.0
    # the sign follows the alarm rule even where both ends are clipped to the same logit
    for score, threshold in ((0.9999999, 0.99999995), (0.99999995, 0.9999999), (1e-9, 2e-9)):
        assert (margin(score, threshold) >= 0.0) == (score >= threshold)


def test_auc_and_buckets() -> None:
    assert roc_auc([0.1, 0.2], [0.8, 0.9]) == 1.0
    assert roc_auc([0.8, 0.9], [0.1, 0.2]) == 0.0
    assert roc_auc([0.5, 0.5], [0.5, 0.5]) == 0.5
    assert roc_auc([], [1.0]) is None
    assert [mass_bucket(k) for k in (0.5, 2.0, 10.0, 10.5)] == ["<2 kg", "2-10 kg", "2-10 kg", ">10 kg"]


def _outcome(kind: ConcealmentKind | None, kg: float, score: float, alarm: bool) -> ScanOutcome:
    return ScanOutcome(
        cargo=CargoClass.BANANAS,
        length_ft=40,
        concealment=kind,
        kg=kg,
        score=score,
        baseline_score=0.0,
        alarm=alarm,
        box_hit=alarm,
        empty_truth=False,
        empty_predicted=False,
        consistency_declared_true=0.9,
        consistency_declared_false=0.1,
        seen_class=CargoClass.BANANAS,
        seconds=0.1,
    )


def test_summary_counts_detection_by_bucket_and_kind() -> None:
    clean = [_outcome(None, 0.0, s, s > 0.985) for s in np.linspace(0, 0.99, 100)]
    big = [_outcome(ConcealmentKind.BRICKS_IN_CARGO, 20.0, 0.999, True) for _ in range(5)]
    small = [_outcome(ConcealmentKind.DOOR_BAGS, 1.0, 0.5, False) for _ in range(5)]
    soaked = [_outcome(ConcealmentKind.IMPREGNATED, 50.0, 0.1, False)]
    summary = summarize(clean + big + small + soaked)
    at1 = summary["model"]["at_1%_false_alarms"]
    assert at1["false_alarm"] == 0.01
    # impregnated left out of the buckets; five of five pins the rate only to above 57 %
    assert at1["by_mass"][">10 kg"] == {"rate": 1.0, "n": 5, "ci95": [0.5655, 1.0]}
    assert at1["by_mass"]["<2 kg"]["rate"] == 0.0
    assert at1["by_kind"]["IMPREGNATED"]["rate"] == 0.0
    assert summary["model"]["shipped_thresholds"]["false_alarm"] == 0.01
    assert summary["consistency"]["auc_true_vs_false_declaration"] == 1.0
    assert summary["empty_verification"]["accuracy"] == 1.0
    assert summary["placed_elsewhere"] == {}  # no scores of moved scans
    assert at1["by_kind_and_mass"]["DOOR_BAGS"] == {"<2 kg": {"rate": 0.0, "n": 5, "ci95": [0.0, 0.4345]}}
    assert at1["by_cargo_and_mass"]["BANANAS"][">10 kg"]["n"] == 5  # impregnated left out here too
    assert "IMPREGNATED" not in at1["by_kind_and_mass"]


def test_summary_measures_moved_scans_at_the_threshold_of_the_scans_as_placed() -> None:
    clean = [
        dataclasses.replace(_outcome(None, 0.0, s, False), placed_score=s + 0.02)
        for s in np.linspace(0, 0.9, 100)
    ]
    found = _outcome(ConcealmentKind.BRICKS_IN_CARGO, 5.0, 0.99, True)
    moved = [dataclasses.replace(found, placed_score=s) for s in (0.99, 0.95, 0.5, 0.1)]
    placed = summarize(clean + moved)["placed_elsewhere"]
    assert placed["threshold"] == pytest.approx(0.8909, abs=1e-4)  # just above the second-largest clean
    assert placed["by_mass"]["2-10 kg"]["rate"] == 0.5
    assert placed["by_mass"]["2-10 kg"]["n"] == 4
    assert placed["false_alarm"] == 0.04  # as placed 1 reached it; moved up by 0.02, 4 do


def test_summary_ranks_by_the_margin_over_each_class_threshold_and_keeps_the_peak_beside() -> None:
    # fish scans score low (threshold 0.3), machinery high (threshold 0.9): one cut on the raw peak is set by
    # machinery's clean scans and misses the fish concealment; the margin puts both classes on one scale
    def scored(
        cargo: CargoClass, kind: ConcealmentKind | None, score: float, threshold: float
    ) -> ScanOutcome:
        out = dataclasses.replace(_outcome(kind, 5.0, score, score >= threshold), cargo=cargo)
        return dataclasses.replace(out, margin=margin(score, threshold))

    fish, machinery = CargoClass.FROZEN_FISH, CargoClass.MACHINERY
    clean = [scored(fish, None, s, 0.3) for s in np.linspace(0.0, 0.29, 100)]
    clean += [scored(machinery, None, s, 0.9) for s in np.linspace(0.5, 0.89, 100)]
    hidden = [scored(fish, BRICKS, 0.6, 0.3), scored(machinery, BRICKS, 0.95, 0.9)]
    model = summarize(clean + hidden)["model"]
    assert model["ranking"] == "margin over the class threshold"
    assert model["at_1%_false_alarms"]["by_mass"]["2-10 kg"]["rate"] == 1.0
    assert model["at_1%_false_alarms"]["false_alarm"] == 0.01
    assert model["one_threshold_on_peak"]["at_1%_false_alarms"]["by_mass"]["2-10 kg"]["rate"] == 0.5
    # without margins (results from before) the ranking is the peak, as it was
    plain = summarize([dataclasses.replace(o, margin=None) for o in clean + hidden])["model"]
    assert plain["ranking"] == "peak"
    assert plain["at_1%_false_alarms"] == plain["one_threshold_on_peak"]["at_1%_false_alarms"]


def test_wilson_interval_says_how_little_a_hundred_scans_pin_a_rate() -> None:
    low, high = wilson_interval(79, 101) or (0.0, 0.0)
    assert (low, high) == (0.6922, 0.8515)  # 78 % of a bench bucket: 80 % is well inside
    assert wilson_interval(0, 10) == (0.0, 0.2775)  # none found still allows up to 28 %
    narrow = wilson_interval(790, 1010) or (0.0, 1.0)
    assert narrow[0] > low and narrow[1] < high and narrow[1] - narrow[0] < 0.06
    assert wilson_interval(0, 0) is None


def test_mean_image_baseline_flags_a_dense_lump() -> None:
    rng = np.random.default_rng(3)
    clean = [(1.0 + 0.05 * rng.standard_normal((30, 60))).astype(np.float32) for _ in range(20)]
    baseline = MeanImageBaseline().fit(clean, [CargoClass.SUGAR] * 20, [20] * 20)
    lump = clean[0].copy()
    lump[10:15, 20:30] += 1.0
    assert baseline.score(lump, CargoClass.SUGAR, 20) > baseline.score(clean[1], CargoClass.SUGAR, 20) + 5
    assert baseline.score(lump, CargoClass.TIMBER, 20) == 0.0
