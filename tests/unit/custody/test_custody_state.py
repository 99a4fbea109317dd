"""The custody state machine: the only way forward, two people at every hand-over, bags that exist."""

from __future__ import annotations

import pytest
from custody_samples import at, lifecycle, seizure, session

from cargoscreen.custody.errors import CustodyError, InvalidTransition, TwoPersonRuleViolation, UnknownBag
from cargoscreen.custody.events import Authorisation, Destruction, Sampling, Scheduling, Transfer
from cargoscreen.custody.models import Allocation, BagWeight, CustodyState, Sample, SealCondition
from cargoscreen.custody.state import CaseFile, apply, replay


def upto(kind: str, case: str = "CASE-2026-001") -> CaseFile:
    """The case file after the lifecycle events up to and including the first of ``kind``."""
    file = None
    for event in lifecycle(case):
        file = apply(file, event)
        if event.kind == kind:
            return file
    raise AssertionError(kind)


def test_the_lifecycle_walks_every_state_to_destruction() -> None:
    states = []
    file = None
    for event in lifecycle():
        file = apply(file, event)
        states.append(file.state)
    assert states == [
        CustodyState.SEIZED, CustodyState.PACKAGED, CustodyState.PACKAGED, CustodyState.STORED,
        CustodyState.SAMPLED, CustodyState.AUTHORISED, CustodyState.SCHEDULED, CustodyState.DESTROYED,
    ]  # fmt: skip
    assert file is not None and file.bags == {} and file.failed == ()
    assert sum(file.burnt.values()) == pytest.approx(60.01)
    assert [s.sample_id for s in file.samples] == ["001-S-1"]
    assert len(file.reconciliations) == 5 and file.events == 8
    assert replay(lifecycle())["CASE-2026-001"] == file


def test_steps_cannot_be_skipped_or_repeated() -> None:
    stored = upto("STORED")
    order = Authorisation(case_number="CASE-2026-001", occurred_at=at(4), recorded_by="x", prosecutor="P",
                          order_reference="R1")  # fmt: skip
    with pytest.raises(InvalidTransition, match="AUTHORISED needs state SAMPLED; the case is STORED"):
        apply(stored, order)
    with pytest.raises(InvalidTransition, match="already seized"):
        apply(stored, seizure())
    with pytest.raises(InvalidTransition, match="before the seizure was registered"):
        apply(None, order)
    destroyed = replay(lifecycle())["CASE-2026-001"]
    with pytest.raises(InvalidTransition, match="the case is DESTROYED"):
        apply(destroyed, order.model_copy(update={"occurred_at": at(40)}))


def transfer(**changes: object) -> Transfer:
    fields: dict[str, object] = {
        "case_number": "CASE-2026-001", "occurred_at": at(4), "recorded_by": "custodian.c",
        "bag_serials": ("001-BAG-1",), "released_by": "custodian.c", "received_by": "courier.g",
        "purpose": "to the laboratory", "seal_condition": SealCondition.INTACT,
    }  # fmt: skip
    return Transfer.model_validate(fields | changes)


def test_a_transfer_without_a_second_person_is_refused() -> None:
    stored = upto("STORED")
    with pytest.raises(TwoPersonRuleViolation, match="needs two people"):
        apply(stored, transfer(received_by=""))
    with pytest.raises(TwoPersonRuleViolation, match="two different people"):
        apply(stored, transfer(received_by=" Custodian.C "))
    assert apply(stored, transfer()).state is CustodyState.STORED


def test_seizure_and_destruction_need_two_people() -> None:
    with pytest.raises(TwoPersonRuleViolation):
        apply(None, seizure().model_copy(update={"witness_officer": "officer.a"}))
    scheduled = upto("SCHEDULED")
    burn = lifecycle()[-1]
    assert isinstance(burn, Destruction)
    with pytest.raises(TwoPersonRuleViolation, match="at least two different witnesses, got 1"):
        apply(scheduled, burn.model_copy(update={"witnesses": ("custodian.c", "CUSTODIAN.C")}))


def test_bags_must_be_held_and_booked() -> None:
    stored = upto("STORED")
    with pytest.raises(UnknownBag, match="001-BAG-9"):
        apply(stored, transfer(bag_serials=("001-BAG-9",)))
    scheduled = upto("SCHEDULED")
    burn = lifecycle()[-1]
    assert isinstance(burn, Destruction)
    with pytest.raises(CustodyError, match="not booked into session SESS-0002"):
        apply(scheduled, burn.model_copy(update={"session_id": "SESS-0002"}))
    with pytest.raises(UnknownBag, match="001-BAG-1"):  # resealed as 001-BAG-1R: the old bag is gone
        apply(scheduled, transfer(occurred_at=at(10)))


def test_events_out_of_time_order_are_refused() -> None:
    with pytest.raises(CustodyError, match="before the last event"):
        apply(upto("STORED"), transfer(occurred_at=at(2.5)))


def test_a_sampled_bag_must_be_resealed() -> None:
    sampling = Sampling(case_number="CASE-2026-001", occurred_at=at(5), recorded_by="c", acting_officer="c",
                        witness_officer="d",
                        samples=(Sample(sample_id="S-0001", bag_serial="001-BAG-2", sample_kg=0.1, laboratory="L"),))  # fmt: skip
    with pytest.raises(CustodyError, match="opened for sampling but not resealed: 001-BAG-2"):
        apply(upto("STORED"), sampling)


def test_a_partial_burning_keeps_the_case_scheduled() -> None:
    scheduled = upto("SCHEDULED")
    burn = Destruction(case_number="CASE-2026-001", occurred_at=at(31), recorded_by="c", session_id="SESS-0001",
                       witnesses=("a", "b"), certificate_number="C-1",
                       burnt=(BagWeight(bag_serial="001-BAG-2", kg=30.0),))  # fmt: skip
    file = apply(scheduled, burn)
    assert file.state is CustodyState.SCHEDULED and list(file.bags) == ["001-BAG-1R"]
    rebook = Scheduling(case_number="CASE-2026-001", occurred_at=at(32), recorded_by="c",
                        sessions=(session("SESS-0002", hours=40),),
                        allocations=(Allocation(bag_serial="001-BAG-1R", session_id="SESS-0002"),))  # fmt: skip
    assert apply(file, rebook).bookings["001-BAG-1R"].session_id == "SESS-0002"
