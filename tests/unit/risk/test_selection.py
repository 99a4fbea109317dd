"""Selection under capacity: forced lanes and overflow, ranking, exploration shares, determinism, DCSA events."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime

import pytest

from cargoscreen.domain.events import EquipmentEventType
from cargoscreen.domain.ids import container_check_digit
from cargoscreen.domain.targeting import (
    Channel,
    DailyCapacity,
    ExplorationKind,
    Reason,
    ReasonKind,
    RiskAssessment,
    SelectionResult,
)
from cargoscreen.risk.selection import equipment_event_type, select

NOW = datetime(2026, 11, 23, 8, tzinfo=UTC)
TIP = Reason(kind=ReasonKind.TIP, code="T-1", text="tip")


def number(serial: int) -> str:
    base = f"TGHU{serial:06d}"
    return base + container_check_digit(base)


def assessment(
    serial: int,
    score: float,
    *,
    forced: Channel | None = None,
    tip: bool = False,
    p: float | None = None,
    variance: float | None = None,
) -> RiskAssessment:
    return RiskAssessment(
        container_number=number(serial),
        imo_number="9321483",
        voyage_number="1",
        score=score,
        model_probability=p,
        model_variance=variance,
        reasons=(TIP,) if tip else (),
        forced_channel=forced,
        assessed_at=NOW,
    )


def lanes(result: SelectionResult) -> dict[str, Channel]:
    return {d.container_number: d.channel for d in result.decisions}


def test_highest_scores_go_physical_then_scan_and_the_rest_green() -> None:
    day = [assessment(k, score=k / 20) for k in range(1, 21)]
    result = select(day, capacity=DailyCapacity(scan=3, physical=2), exploration_share=0.0)
    assert [d.container_number for d in result.selected(Channel.PHYSICAL)] == [number(20), number(19)]
    assert [d.container_number for d in result.selected(Channel.SCAN)] == [number(18), number(17), number(16)]
    assert result.used == {Channel.PHYSICAL: 2, Channel.SCAN: 3} and result.overflow == ()
    green = result.selected(Channel.GREEN)
    assert len(green) == 15 and green[0].rank == 6
    assert green[0].reasons[-1].code == "capacity-full" and "rank 6" in green[0].reasons[-1].text


def test_low_scores_are_scanned_not_opened() -> None:
    day = [assessment(k, score=0.3) for k in range(1, 6)] + [assessment(9, score=0.6)]
    result = select(day, capacity=DailyCapacity(scan=3, physical=4), exploration_share=0.0)
    assert [d.container_number for d in result.selected(Channel.PHYSICAL)] == [number(9)]
    assert len(result.selected(Channel.SCAN)) == 3 and result.used[Channel.PHYSICAL] == 1
    opened = select(
        day, capacity=DailyCapacity(scan=3, physical=4), exploration_share=0.0, physical_min_score=0
    )
    assert opened.used[Channel.PHYSICAL] == 4


def test_forced_items_fill_first_and_overflow_is_listed_not_dropped() -> None:
    forced = [assessment(k, 0.1, forced=Channel.PHYSICAL) for k in range(1, 4)]
    tipped = assessment(4, 0.05, forced=Channel.PHYSICAL, tip=True)
    scanned = assessment(5, 0.2, forced=Channel.SCAN)
    others = [assessment(k, 0.9) for k in range(6, 9)]
    result = select(
        [*forced, tipped, scanned, *others], capacity=DailyCapacity(scan=2, physical=2), exploration_share=0
    )
    chosen = lanes(result)
    assert all(chosen[number(k)] is Channel.PHYSICAL for k in range(1, 5))
    assert result.used[Channel.PHYSICAL] == 4
    # the tip is served first, then rule-forced by rank; two do not fit and are reported
    assert [d.container_number for d in result.overflow] == [number(2), number(3)]
    assert all(d.reasons[-1].code == "forced-over-capacity" for d in result.overflow)
    # physical capacity is exhausted: the 0.9 containers get the one scan slot left beside the forced scan
    assert chosen[number(5)] is Channel.SCAN and result.used[Channel.SCAN] == 2
    assert Counter(chosen[number(k)] for k in range(6, 9)) == {Channel.SCAN: 1, Channel.GREEN: 2}


def test_exploration_share_and_kinds() -> None:
    day = [assessment(k, score=(k % 97) / 100) for k in range(1, 1001)]
    result = select(
        day, capacity=DailyCapacity(scan=100, physical=20), exploration_share=0.1, uncertainty_share=0.5
    )
    explored = [d for d in result.decisions if d.exploration]
    by_lane = Counter((d.channel, d.exploration_kind) for d in explored)
    assert by_lane == {
        (Channel.SCAN, ExplorationKind.UNCERTAINTY): 5,
        (Channel.SCAN, ExplorationKind.RANDOM): 5,
        (Channel.PHYSICAL, ExplorationKind.UNCERTAINTY): 1,
        (Channel.PHYSICAL, ExplorationKind.RANDOM): 1,
    }
    assert result.used == {Channel.SCAN: 100, Channel.PHYSICAL: 20}
    assert all(d.reasons[-1].kind is ReasonKind.EXPLORATION for d in explored)
    assert {d.exploration for d in result.decisions if d.channel is Channel.GREEN} == {False}


def test_uncertainty_picks_prefer_variance_then_probability_near_half() -> None:
    sure = [assessment(k, 0.9, p=0.95) for k in range(1, 4)]
    middling = assessment(10, 0.2, p=0.49)
    capacity = DailyCapacity(scan=3, physical=0)
    result = select(
        [*sure, middling, assessment(11, 0.1, p=0.1)],
        capacity=capacity,
        exploration_share=0.34,
        uncertainty_share=1,
    )
    [picked] = [d for d in result.decisions if d.exploration]
    assert picked.container_number == number(10) and "close to 0.5" in picked.reasons[-1].text
    unsure = assessment(12, 0.05, p=0.1, variance=0.2)
    result = select([*sure, middling, unsure], capacity=capacity, exploration_share=0.34, uncertainty_share=1)
    [picked] = [d for d in result.decisions if d.exploration]
    assert picked.container_number == number(12) and "variance" in picked.reasons[-1].text


def test_same_seed_same_decisions_in_any_input_order() -> None:
    day = [assessment(k, score=(k * 37 % 101) / 100) for k in range(1, 501)]
    capacity = DailyCapacity(scan=50, physical=10)
    first = select(day, capacity=capacity, exploration_share=0.2, seed=7)
    shuffled = day[:]
    random.Random(3).shuffle(shuffled)
    assert select(shuffled, capacity=capacity, exploration_share=0.2, seed=7) == first
    other = select(day, capacity=capacity, exploration_share=0.2, seed=8)
    random_picks = {
        d.container_number for d in first.decisions if d.exploration_kind is ExplorationKind.RANDOM
    }
    assert random_picks != {
        d.container_number for d in other.decisions if d.exploration_kind is ExplorationKind.RANDOM
    }


def test_containers_without_any_signal_are_only_explored() -> None:
    day = [assessment(k, 0.0) for k in range(1, 101)]
    result = select(day, capacity=DailyCapacity(scan=10, physical=0), exploration_share=0.1)
    selected = result.selected(Channel.SCAN)
    assert len(selected) == 1 and selected[0].exploration  # 9 exploitation slots stay unused: nothing scored
    assert all(d.reasons == () for d in result.selected(Channel.GREEN))


def test_shares_must_be_fractions() -> None:
    with pytest.raises(ValueError, match="fractions"):
        select([], capacity=DailyCapacity(scan=1, physical=1), exploration_share=1.5)


@pytest.mark.parametrize(
    ("channel", "event"),
    [
        (Channel.GREEN, EquipmentEventType.CUSTOMS_RELEASED),
        (Channel.SCAN, EquipmentEventType.CUSTOMS_SELECTED_FOR_SCAN),
        (Channel.PHYSICAL, EquipmentEventType.CUSTOMS_SELECTED_FOR_INSPECTION),
    ],
)
def test_lanes_map_to_dcsa_customs_events(channel: Channel, event: EquipmentEventType) -> None:
    assert equipment_event_type(channel) is event
