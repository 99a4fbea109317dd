"""CUSTOMS_SELECTED_FOR_SCAN events carry the slot; re-plans announce moved slots and retract old ones."""

from __future__ import annotations

from datetime import timedelta

from planning_samples import T0, at, item, number, scanner

from cargoscreen.domain.events import EquipmentEventType, EventSource
from cargoscreen.ingest.dcsa import equipment_event_to_dcsa
from cargoscreen.planning.events import changed_slots, scan_events, slot_event_id
from cargoscreen.planning.greedy import plan_greedy


def test_each_slot_becomes_a_planned_customs_event_for_the_terminal() -> None:
    boxes = [item(1, ready=0), item(2, ready=0)]
    boxes[0] = boxes[0].model_copy(update={"reference": "9321483/045E"})
    plan = plan_greedy(boxes, [scanner("K1742-A")], start=T0, horizon=timedelta(hours=2))
    events = scan_events(plan.slots, {b.container_number: b for b in boxes})
    assert len(events) == 2
    first = events[0]
    assert first.event_type is EquipmentEventType.CUSTOMS_SELECTED_FOR_SCAN
    assert first.source is EventSource.CUSTOMS
    assert first.classifier == "PLN"
    assert first.event_time == plan.slots[0].start
    assert first.facility_code == "K1742"
    assert first.event_id == f"CUSS-{number(1)}-K1742-A-20260302T0600Z-20260302T0615Z"
    assert first.reference == "9321483/045E"
    dcsa = equipment_event_to_dcsa(first)
    assert dcsa["eventClassification"]["equipmentEventType"] == "CUSTOMS_SELECTED_FOR_SCAN"
    assert dcsa["eventLocation"]["facility"]["facilityCode"] == "K1742"


def test_changed_slots_announces_new_and_moved_slots_and_retracts_the_old() -> None:
    machine = scanner("S1")
    before = plan_greedy(
        [item(1, ready=0), item(2, ready=60)], [machine], start=T0, horizon=timedelta(hours=4)
    )
    after = plan_greedy(
        [item(1, ready=0), item(2, ready=120), item(3, ready=0)],
        [machine],
        start=T0,
        horizon=timedelta(hours=4),
    )
    announce, retract = changed_slots(before, after)
    assert {s.container_number for s in announce} == {number(2), number(3)}
    assert [s.container_number for s in retract] == [number(2)]
    assert slot_event_id(retract[0]) != slot_event_id(
        next(s for s in announce if s.container_number == number(2))
    )
    first, none = changed_slots(None, before)
    assert len(first) == 2 and none == []
    assert at(0) == before.slots[0].start
