"""Weight reconciliation at every step, and the alerts: 48-hour clock, failed reconciliation, broken seal."""

from __future__ import annotations

import json

import pytest
from custody_samples import INCINERATOR, VAULT, at, lifecycle, session

from cargoscreen.custody.alerts import AlertKind, alerts
from cargoscreen.custody.errors import InvalidTransition, TwoPersonRuleViolation
from cargoscreen.custody.events import CustodyEvent, Packaging, Scheduling, StorageAccess, Transfer
from cargoscreen.custody.models import Allocation, BagWeight, EvidenceBag, SealCondition
from cargoscreen.custody.reconcile import Tolerance
from cargoscreen.custody.state import CaseFile, apply, replay


def run(events: list[CustodyEvent]) -> CaseFile:
    return replay(events)["CASE-2026-001"]


def test_tolerance_is_the_larger_of_absolute_and_relative() -> None:
    tolerance = Tolerance(absolute_kg=0.2, relative=0.005)
    assert tolerance.allows(10.0, 10.2) and not tolerance.allows(10.0, 10.25)
    assert tolerance.allows(1000.0, 1004.9) and not tolerance.allows(1000.0, 1005.2)


def test_a_light_packaging_fails_reconciliation_and_raises_an_alert() -> None:
    events = lifecycle()[:2]
    packaging = events[1]
    assert isinstance(packaging, Packaging)
    events[1] = packaging.model_copy(update={"bags": (EvidenceBag(bag_serial="001-BAG-1", sealed_kg=25.0),
                                                       EvidenceBag(bag_serial="001-BAG-2", sealed_kg=30.0))})  # fmt: skip
    file = run(events)
    assert file.state.value == "PACKAGED", "the event happened: it is recorded"
    [failed] = file.failed
    assert (failed.step, failed.subject, failed.expected_kg, failed.found_kg) == (
        "PACKAGED",
        "case",
        60.0,
        55.0,
    )
    [alert] = alerts([file], now=at(2))
    assert alert.kind is AlertKind.RECONCILIATION_FAILED and "-5.000 kg" in alert.message


@pytest.mark.parametrize("step", ["STORED", "SAMPLED", "DESTROYED"])
def test_every_weighing_step_is_reconciled(step: str) -> None:
    events = lifecycle()
    index = next(i for i, e in enumerate(events) if e.kind == step)
    event = events[index]
    if step == "STORED":
        events[index] = event.model_copy(update={"weighed": (BagWeight(bag_serial="001-BAG-1", kg=29.0),)})
    elif step == "SAMPLED":
        reseal = event.reseals[0].model_copy(update={"sealed_kg": 28.0})
        events[index] = event.model_copy(update={"reseals": (reseal,)})
    else:
        burnt = (BagWeight(bag_serial="001-BAG-1R", kg=30.0), BagWeight(bag_serial="001-BAG-2", kg=31.0))
        events[index] = event.model_copy(update={"burnt": burnt})
    file = run(events)
    assert file.failed[0].step == step  # (a wrong reseal weight fails again at the burning)
    assert {a.kind for a in alerts([file], now=at(33))} == {AlertKind.RECONCILIATION_FAILED}


def test_the_48_hour_clock() -> None:
    stored = run(lifecycle()[:4])
    assert alerts([stored], now=at(20)) == []
    [risk] = alerts([stored], now=at(40))
    assert risk.kind is AlertKind.DESTRUCTION_AT_RISK and risk.due_at == at(48)
    assert "8.0 h left" in risk.message and "authorisation is needed" in risk.message
    [overdue] = alerts([stored], now=at(50))
    assert (
        overdue.kind is AlertKind.DESTRUCTION_OVERDUE
        and "2.0 h after the 48-hour deadline" in overdue.message
    )
    scheduled = run(lifecycle()[:7])
    assert alerts([scheduled], now=at(40)) == [], "booked in time: no alert"
    assert alerts([run(lifecycle())], now=at(80)) == [], "destroyed: the clock stops"


def test_a_booking_after_the_deadline_is_at_risk() -> None:
    events = lifecycle()[:7]
    late = Scheduling(case_number="CASE-2026-001", occurred_at=at(9), recorded_by="c",
                      sessions=(session("SESS-0009", hours=60),),
                      allocations=(Allocation(bag_serial="001-BAG-2", session_id="SESS-0009"),))  # fmt: skip
    [alert] = alerts([run([*events, late])], now=at(10))
    assert alert.kind is AlertKind.DESTRUCTION_AT_RISK and "after the deadline" in alert.message


def test_a_broken_seal_at_a_transfer_raises_an_alert_without_naming_places() -> None:
    events = lifecycle()[:4]
    broken = Transfer(case_number="CASE-2026-001", occurred_at=at(4), recorded_by="c", bag_serials=("001-BAG-2",),
                      released_by="custodian.c", received_by="courier.g", from_location=VAULT, to_location="Lab",
                      purpose="laboratory", seal_condition=SealCondition.BROKEN)  # fmt: skip
    file = apply(run(events), broken)
    found = alerts([file], now=at(41))
    assert [a.kind for a in found] == [AlertKind.DESTRUCTION_AT_RISK, AlertKind.SEAL_BROKEN]
    text = json.dumps([a.model_dump(mode="json") for a in found])
    assert VAULT not in text and INCINERATOR not in text and "SESS-" not in text


def test_every_access_to_the_store_is_recorded_with_two_people_and_its_seals() -> None:
    access = StorageAccess(case_number="CASE-2026-001", occurred_at=at(4), recorded_by="c", location=VAULT,
                           purpose="monthly count", seal_condition=SealCondition.BROKEN, acting_officer="custodian.c",
                           witness_officer="auditor.h", weighed=(BagWeight(bag_serial="001-BAG-2", kg=29.5),))  # fmt: skip
    with pytest.raises(InvalidTransition, match="ACCESSED needs state"):
        apply(run(lifecycle()[:2]), access)
    with pytest.raises(TwoPersonRuleViolation):
        apply(run(lifecycle()[:4]), access.model_copy(update={"witness_officer": ""}))
    file = apply(run(lifecycle()[:4]), access)
    kinds = [a.kind for a in alerts([file], now=at(5))]
    assert kinds == [AlertKind.RECONCILIATION_FAILED, AlertKind.SEAL_BROKEN]
    assert VAULT not in json.dumps([a.model_dump(mode="json") for a in alerts([file], now=at(5))])
