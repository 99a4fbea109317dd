"""Paired comparison of two image models on the same scans (imaging/comparison.py)."""

from __future__ import annotations

import numpy as np
import pytest

from cargoscreen.domain.scans import CargoClass, ConcealmentKind
from cargoscreen.imaging.comparison import PairedScore, compare, mcnemar_p

BRICKS = ConcealmentKind.BRICKS_IN_CARGO


def _clean(n: int = 200) -> list[PairedScore]:
    # both models score clean scans alike: the 1 % threshold sits just above the third-highest
    return [PairedScore(None, 0.0, float(s), float(s)) for s in np.linspace(0.0, 0.9, n)]


def test_a_model_that_finds_more_on_the_same_scans_is_told_apart_from_luck() -> None:
    both = [PairedScore(BRICKS, 5.0, 0.99, 0.99) for _ in range(60)]
    neither = [PairedScore(BRICKS, 5.0, 0.1, 0.1) for _ in range(20)]
    only_b = [PairedScore(BRICKS, 5.0, 0.2, 0.99) for _ in range(12)]
    only_a = [PairedScore(BRICKS, 5.0, 0.99, 0.2) for _ in range(1)]
    result = compare(_clean() + both + neither + only_b + only_a)
    group = result["by_mass"]["2-10 kg"]
    assert (group["n"], group["only_a"], group["only_b"]) == (93, 1, 12)
    assert group["a"] == round(61 / 93, 4) and group["b"] == round(72 / 93, 4)
    assert group["p_value"] is not None and group["p_value"] < 0.01
    assert group["a_ci95"][0] < group["a"] < group["a_ci95"][1]
    assert result["false_alarm"] == {"a": 0.01, "b": 0.01}
    assert result["by_mass"][">10 kg"]["n"] == 0 and result["by_mass"][">10 kg"]["p_value"] is None


def test_the_same_gain_on_a_few_scans_is_not_called_a_difference() -> None:
    split = [PairedScore(BRICKS, 20.0, 0.2, 0.99)] * 3 + [PairedScore(BRICKS, 20.0, 0.99, 0.2)]
    group = compare(_clean() + split)["by_mass"][">10 kg"]
    assert (group["only_a"], group["only_b"]) == (1, 3)
    assert group["p_value"] == 0.625  # three against one is what a fair coin gives often


def test_each_model_is_judged_at_its_own_false_alarm_threshold() -> None:
    # model b scores everything 0.05 higher: alone that must not count as finding more
    clean = [PairedScore(None, 0.0, float(s), float(s) + 0.05) for s in np.linspace(0.0, 0.9, 200)]
    bags = ConcealmentKind.DOOR_BAGS
    hidden = [PairedScore(bags, 3.0, float(s), float(s) + 0.05) for s in (0.5, 0.9, 0.95)]
    result = compare(clean + hidden)
    group = result["by_kind"]["DOOR_BAGS"]
    assert group["only_a"] == group["only_b"] == 0 and group["a"] == group["b"] == round(2 / 3, 4)
    assert result["threshold"]["b"] == pytest.approx(result["threshold"]["a"] + 0.05, abs=1e-6)


def test_impregnated_goods_stay_out_of_the_mass_buckets_but_are_reported_by_kind() -> None:
    soaked = [PairedScore(ConcealmentKind.IMPREGNATED, 30.0, 0.1, 0.1)]
    result = compare(_clean() + soaked + [PairedScore(BRICKS, 30.0, 0.99, 0.99)])
    assert result["by_mass"][">10 kg"]["n"] == 1
    assert result["by_kind"]["IMPREGNATED"]["n"] == 1
    assert result["xray_visible"]["n"] == 1


def test_a_comparison_without_clean_or_concealment_scans_or_with_a_bad_rate_is_refused() -> None:
    with pytest.raises(ValueError, match="0 concealed"):
        compare(_clean())
    with pytest.raises(ValueError, match="0 clean"):
        compare([PairedScore(BRICKS, 5.0, 0.9, 0.9)])
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        compare([*_clean(), PairedScore(BRICKS, 5.0, 0.9, 0.9)], rate=1.0)
    with pytest.raises(ValueError, match="negative"):
        mcnemar_p(-1, 2)
    assert mcnemar_p(0, 0) is None


def test_the_split_is_broken_down_by_kind_and_by_cargo_within_each_mass_bucket() -> None:
    coffee, fish = CargoClass.COFFEE, CargoClass.FROZEN_FISH
    in_coffee = [PairedScore(BRICKS, 5.0, 0.1, 0.99, coffee)] * 4 + [
        PairedScore(BRICKS, 25.0, 0.99, 0.99, coffee)
    ]
    in_fish = [PairedScore(ConcealmentKind.DOOR_BAGS, 5.0, 0.99, 0.1, fish)]
    soaked = [PairedScore(ConcealmentKind.IMPREGNATED, 5.0, 0.1, 0.1, fish)]
    result = compare(_clean() + in_coffee + in_fish + soaked)
    bricks = result["by_kind_and_mass"]["BRICKS_IN_CARGO"]
    assert (bricks["2-10 kg"]["n"], bricks["2-10 kg"]["only_b"], bricks[">10 kg"]["n"]) == (4, 4, 1)
    assert "<2 kg" not in bricks  # no scan there: left out rather than reported as an empty group
    assert result["by_cargo_and_mass"]["COFFEE"]["2-10 kg"]["b"] == 1.0
    fish_group = result["by_cargo_and_mass"]["FROZEN_FISH"]["2-10 kg"]
    assert (fish_group["n"], fish_group["only_a"]) == (1, 1)  # the impregnated scan stays out
    assert "IMPREGNATED" not in result["by_kind_and_mass"]
