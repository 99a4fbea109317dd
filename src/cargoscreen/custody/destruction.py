"""Destruction planning: book authorised stock into incinerator sessions so that it burns within 48 hours.

Licensed incinerators take 1 000–1 500 kg a session, by appointment. Cases are served by their deadline
(seizure + 48 h), earliest first. A case goes whole into the earliest session that can take it in time —
one transport, fewer hand-overs, less exposure on the road; when none can, its bags (heaviest first) go
into the earliest sessions with room in time; what cannot burn in time is booked into the earliest session
with room all the same and reported as late; what no session can take is left unbooked with the reason.
A session is *in time* when it starts at least ``burning_time`` before the deadline. Bags already booked
into a future session stay there and use up its room; bags whose session has passed are booked again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from pydantic import Field

from cargoscreen.custody.alerts import DESTRUCTION_DEADLINE
from cargoscreen.custody.events import Scheduling
from cargoscreen.custody.models import Allocation, CustodyState, IncineratorSession
from cargoscreen.custody.state import CaseFile
from cargoscreen.domain.records import Record

BURNING_TIME = timedelta(hours=2)


class BookedBag(Record):
    """A bag booked into a session; ``late`` when the session does not burn it by the case's deadline."""

    case_number: str
    bag_serial: str
    kg: float = Field(gt=0)
    due_at: datetime
    late: bool = False


class Booking(Record):
    """One session and the bags booked into it by this plan."""

    session: IncineratorSession
    bags: tuple[BookedBag, ...]
    load_kg: float = Field(ge=0, description="everything booked into the session, earlier bookings included")


class Unbooked(Record):
    """A bag no session could take."""

    case_number: str
    bag_serial: str
    kg: float
    reason: str


class DestructionPlan(Record):
    """Bookings by session start, and the bags left unbooked."""

    bookings: tuple[Booking, ...] = ()
    unbooked: tuple[Unbooked, ...] = ()

    @property
    def late(self) -> tuple[BookedBag, ...]:
        """Bags booked after their case's deadline."""
        return tuple(b for booking in self.bookings for b in booking.bags if b.late)


def plan_destruction(
    cases: Iterable[CaseFile],
    sessions: Sequence[IncineratorSession],
    *,
    now: datetime,
    deadline: timedelta = DESTRUCTION_DEADLINE,
    burning_time: timedelta = BURNING_TIME,
) -> DestructionPlan:
    """Book the bags of authorised (and re-bookable scheduled) cases into the future ``sessions``."""
    future = sorted((s for s in sessions if s.starts_at >= now), key=lambda s: (s.starts_at, s.session_id))
    load = {s.session_id: 0.0 for s in future}
    open_cases = sorted(cases, key=lambda c: (c.seized_at, c.case_number))
    todo: list[tuple[CaseFile, list[tuple[str, float]]]] = []
    for case in open_cases:
        pending = []
        for serial, kg in case.bags.items():
            existing = case.bookings.get(serial)
            if existing is not None and existing.session_id in load:
                load[existing.session_id] += kg
            elif case.state in (CustodyState.AUTHORISED, CustodyState.SCHEDULED):
                pending.append((serial, kg))
        if pending:
            todo.append((case, sorted(pending, key=lambda bag: (-bag[1], bag[0]))))
    booked: dict[str, list[BookedBag]] = {s.session_id: [] for s in future}
    unbooked: list[Unbooked] = []
    for case, bags in todo:
        due = case.seized_at + deadline
        in_time = [s for s in future if s.starts_at + burning_time <= due]
        whole = sum(kg for _, kg in bags)
        session = next((s for s in in_time if s.capacity_kg - load[s.session_id] >= whole), None)
        for serial, kg in bags:
            chosen = session or _first_with_room(in_time, load, kg) or _first_with_room(future, load, kg)
            if chosen is None:
                why = _why_unbooked(future, kg)
                unbooked.append(Unbooked(case_number=case.case_number, bag_serial=serial, kg=kg, reason=why))
                continue
            load[chosen.session_id] += kg
            late = chosen.starts_at + burning_time > due
            booked[chosen.session_id].append(
                BookedBag(case_number=case.case_number, bag_serial=serial, kg=kg, due_at=due, late=late)
            )
    bookings = tuple(
        Booking(session=s, bags=tuple(booked[s.session_id]), load_kg=round(load[s.session_id], 6))
        for s in future
        if booked[s.session_id]
    )
    return DestructionPlan(bookings=bookings, unbooked=tuple(unbooked))


def _why_unbooked(sessions: Sequence[IncineratorSession], kg: float) -> str:
    if not sessions:
        return "no future session"
    if all(kg > s.capacity_kg for s in sessions):
        return "heavier than any session takes"
    return "no room left in any session"


def _first_with_room(
    sessions: Sequence[IncineratorSession], load: dict[str, float], kg: float
) -> IncineratorSession | None:
    return next((s for s in sessions if s.capacity_kg - load[s.session_id] >= kg), None)


def scheduling_events(plan: DestructionPlan, *, occurred_at: datetime, recorded_by: str) -> list[Scheduling]:
    """One SCHEDULED event per case of the plan, listing its sessions and bag allocations."""
    by_case: dict[str, tuple[dict[str, IncineratorSession], list[Allocation]]] = {}
    for booking in plan.bookings:
        for bag in booking.bags:
            sessions, allocations = by_case.setdefault(bag.case_number, ({}, []))
            sessions[booking.session.session_id] = booking.session
            allocations.append(Allocation(bag_serial=bag.bag_serial, session_id=booking.session.session_id))
    return [
        Scheduling(
            case_number=case_number,
            occurred_at=occurred_at,
            recorded_by=recorded_by,
            sessions=tuple(sessions.values()),
            allocations=tuple(allocations),
        )
        for case_number, (sessions, allocations) in sorted(by_case.items())
    ]
