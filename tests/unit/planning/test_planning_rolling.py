"""Rolling horizon: begun slots stay put, changes are planned around, expired boxes are dropped."""

from __future__ import annotations

from datetime import timedelta

import pytest
from planning_samples import T0, at, item, number, scanner

from cargoscreen.planning.cpsat import SolverOptions
from cargoscreen.planning.models import Downtime
from cargoscreen.planning.rolling import Method, RollingPlanner

OPTIONS = SolverOptions(time_limit_seconds=0.5, workers=2)


def planner(method: Method = "cpsat") -> RollingPlanner:
    scanners = [scanner("S1"), scanner("S2", scan=5, move=15)]
    return RollingPlanner(scanners, method=method, horizon=timedelta(hours=4), options=OPTIONS)


@pytest.mark.parametrize("method", ["fifo", "greedy", "cpsat"])
def test_replan_keeps_begun_slots_and_plans_new_boxes_around_them(method: Method) -> None:
    rolling = planner(method)
    rolling.select(item(k, ready=0, risk=0.1) for k in range(1, 7))
    first = rolling.replan(T0)
    begun = {s.container_number: s for s in first.slots if s.start < at(10)}
    assert len(begun) == 2, "one scan under way on each scanner"
    rolling.select([item(50, ready=20, risk=0.95)])
    assert rolling.changed
    second = rolling.replan(at(10))
    assert not rolling.changed
    for number_, slot in begun.items():
        assert second.slot_of(number_) == slot.model_copy(update={"fixed": True})
    risky = second.slot_of(number(50))
    assert risky is not None and not risky.fixed
    new = [s for s in second.slots if not s.fixed]
    for fixed in (s for s in second.slots if s.fixed):
        assert all(s.scanner_id != fixed.scanner_id or s.start >= fixed.end for s in new)
    third = rolling.replan(at(30))
    assert all(third.slot_of(n) is None or third.slot_of(n).fixed for n in begun)  # type: ignore[union-attr]
    assert {s.container_number for s in rolling.begun} >= set(begun), "finished scans stay on record"
    assert len(rolling.begun) + len(rolling.open_items) == 7


def test_the_riskiest_new_box_goes_first_once_a_scanner_is_free() -> None:
    rolling = planner("greedy")
    rolling.select(item(k, ready=0, risk=0.1) for k in range(1, 9))
    rolling.replan(T0)
    rolling.select([item(50, ready=20, risk=0.95)])
    plan = rolling.replan(at(20))
    earliest_new = min((s for s in plan.slots if not s.fixed), key=lambda s: s.start)
    assert earliest_new.container_number == number(50)


def test_a_delayed_discharge_moves_the_slot() -> None:
    rolling = planner("greedy")
    rolling.select([item(1, ready=60)])
    slot = rolling.replan(T0).slot_of(number(1))
    assert slot is not None and slot.start == at(60)
    rolling.arrival_changed(number(1), at(180))
    moved = rolling.replan(at(30)).slot_of(number(1))
    assert moved is not None and moved.start == at(180)


def test_a_scanner_down_gets_no_new_work_while_down() -> None:
    rolling = planner("cpsat")
    rolling.select(item(k, ready=0) for k in range(1, 13))
    rolling.replan(T0)
    rolling.scanner_down(Downtime(scanner_id="S1", start=at(30), end=at(150)))
    plan = rolling.replan(at(30))
    for slot in plan.slots:
        if slot.scanner_id == "S1" and not slot.fixed:
            assert slot.end <= at(30) or slot.start >= at(150)
    assert any(s.scanner_id == "S2" and not s.fixed for s in plan.slots)
    with pytest.raises(KeyError):
        rolling.scanner_down(Downtime(scanner_id="nope", start=at(30), end=at(60)))


def test_unavailable_scanner_and_withdrawn_box() -> None:
    rolling = planner("greedy")
    rolling.select(item(k, ready=0) for k in range(1, 5))
    rolling.set_available("S1", False)
    rolling.withdraw(number(4))
    plan = rolling.replan(T0)
    assert {s.scanner_id for s in plan.slots} == {"S2"}
    assert plan.slot_of(number(4)) is None
    assert number(4) not in {i.container_number for i in rolling.open_items}


def test_boxes_past_their_deadline_are_dropped_but_mandatory_ones_kept() -> None:
    rolling = planner("greedy")
    rolling.select([item(1, ready=-120, deadline=10), item(2, ready=-120, deadline=10, mandatory=True)])
    rolling.replan(at(20))
    assert [i.container_number for i in rolling.dropped] == [number(1)]
    assert [i.container_number for i in rolling.open_items] == [number(2)]
