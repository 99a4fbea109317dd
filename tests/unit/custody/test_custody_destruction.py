"""Destruction planning against incinerator sessions of 1 000–1 500 kg, to burn within 48 hours."""

from __future__ import annotations

from custody_samples import at, seizure, session

from cargoscreen.custody.destruction import DestructionPlan, plan_destruction, scheduling_events
from cargoscreen.custody.events import Authorisation, Packaging, Sampling, Storage
from cargoscreen.custody.models import CustodyState, EvidenceBag, Reseal, Sample
from cargoscreen.custody.state import CaseFile, apply, replay


def authorised(case: str, bag_kgs: list[float], seized_hours: float = 0) -> CaseFile:
    """A case seized ``seized_hours`` after T0 with bags of ``bag_kgs``, sampled and authorised."""
    first = seizure(case, kg=sum(bag_kgs)).model_copy(update={"occurred_at": at(seized_hours)})
    common = {"case_number": case, "recorded_by": "c"}
    people = {"acting_officer": "a", "witness_officer": "b"}
    bags = tuple(
        EvidenceBag(bag_serial=f"{case[-3:]}-B{k:03d}", sealed_kg=kg) for k, kg in enumerate(bag_kgs)
    )
    first_bag = bags[0].bag_serial
    events = [
        first,
        Packaging(**common, **people, occurred_at=at(seized_hours + 1), bags=bags),
        Storage(**common, **people, occurred_at=at(seized_hours + 2), location="vault"),
        Sampling(**common, **people, occurred_at=at(seized_hours + 3),
                 samples=(Sample(sample_id=f"{case[-3:]}-S1", bag_serial=first_bag, sample_kg=0.1, laboratory="L"),),
                 reseals=(Reseal(bag_serial=first_bag, new_bag_serial=f"{first_bag}R", sealed_kg=bags[0].sealed_kg - 0.1),)),
        Authorisation(**common, occurred_at=at(seized_hours + 4), prosecutor="P", order_reference="R"),
    ]  # fmt: skip
    return replay(events)[case]


def sessions_of(plan: DestructionPlan) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for booking in plan.bookings:
        for bag in booking.bags:
            found.setdefault(bag.case_number, set()).add(booking.session.session_id)
    return found


def test_cases_go_whole_into_the_earliest_session_that_takes_them_in_time() -> None:
    cases = [authorised("CASE-A-001", [40.0] * 20), authorised("CASE-B-002", [35.0] * 20, seized_hours=1),
             authorised("CASE-C-003", [30.0] * 10, seized_hours=2)]  # fmt: skip
    sessions = [session("SESS-0001", hours=20, capacity=1000), session("SESS-0002", hours=30, capacity=1500)]
    plan = plan_destruction(cases, sessions, now=at(10))
    assert sessions_of(plan) == {
        "CASE-A-001": {"SESS-0001"},  # 799.9 kg (0.1 kg went to the laboratory) fits the first session whole
        "CASE-B-002": {"SESS-0002"},  # 699.9 kg does not fit the 200.1 kg left in it: the next session
        "CASE-C-003": {"SESS-0002"},
    }
    assert [b.load_kg for b in plan.bookings] == [799.9, 999.8]
    assert plan.late == () and plan.unbooked == ()


def test_a_case_too_big_for_one_session_is_split_and_late_bags_are_reported() -> None:
    big = authorised("CASE-D-004", [50.0] * 40)  # 2 000 kg
    sessions = [session("SESS-0001", hours=20, capacity=1500), session("SESS-0002", hours=60, capacity=1500)]
    plan = plan_destruction([big], sessions, now=at(10))
    first, second = plan.bookings
    assert first.load_kg == 1500.0
    assert {b.late for b in first.bags} == {False} and {b.late for b in second.bags} == {True}
    assert round(first.load_kg + second.load_kg, 1) == round(big.held_kg, 1)
    assert len(plan.late) == len(second.bags)


def test_bags_that_no_session_can_take_are_left_with_a_reason() -> None:
    case = authorised("CASE-E-005", [1300.0, 400.0])
    plan = plan_destruction([case], [session("SESS-0001", hours=20, capacity=1200)], now=at(10))
    assert [(u.kg, u.reason) for u in plan.unbooked] == [(1299.9, "heavier than any session takes")]
    assert [b.kg for b in plan.bookings[0].bags] == [400.0]
    past = plan_destruction([case], [session("SESS-0001", hours=5)], now=at(10))
    assert past.bookings == (), "sessions already begun are not offered"
    assert {u.reason for u in past.unbooked} == {"no future session"}


def test_the_plan_becomes_scheduling_events_that_the_cases_accept() -> None:
    cases = [authorised("CASE-A-001", [40.0] * 5), authorised("CASE-B-002", [35.0] * 5)]
    not_yet = replay([seizure("CASE-F-006")])["CASE-F-006"]
    plan = plan_destruction([*cases, not_yet], [session("SESS-0001", hours=20)], now=at(10))
    events = scheduling_events(plan, occurred_at=at(10), recorded_by="planner")
    assert [e.case_number for e in events] == ["CASE-A-001", "CASE-B-002"]
    for case, event in zip(cases, events, strict=True):
        scheduled = apply(case, event)
        assert scheduled.state is CustodyState.SCHEDULED
        assert set(scheduled.bookings) == set(case.bags)
    again = plan_destruction([apply(c, e) for c, e in zip(cases, events, strict=True)],
                             [session("SESS-0001", hours=20)], now=at(11))  # fmt: skip
    assert again.bookings == (), "booked bags are not booked twice"
