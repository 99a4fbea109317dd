"""Alerts on custody: the 48-hour destruction clock, failed weight reconciliations, broken seals.

Seized drugs are a target (gangs have attacked customs sites to take them back): stock is to be burnt within
48 hours of the seizure. A case is *at risk* when the clock has less than ``warn_before`` left and no
destruction is booked, or when a booked session starts after the deadline; it is *overdue* once the deadline
has passed with drugs still held. Alert texts name the case and the numbers, never a place or an appointment.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import Field

from cargoscreen.custody.events import StorageAccess, Transfer
from cargoscreen.custody.models import CustodyState
from cargoscreen.custody.state import CaseFile
from cargoscreen.domain.records import Record

DESTRUCTION_DEADLINE = timedelta(hours=48)
WARN_BEFORE = timedelta(hours=12)
_BEFORE_AUTHORISATION = frozenset(
    {CustodyState.SEIZED, CustodyState.PACKAGED, CustodyState.STORED, CustodyState.SAMPLED}
)


class AlertKind(StrEnum):
    """What the alert is about."""

    DESTRUCTION_OVERDUE = "destruction_overdue"
    DESTRUCTION_AT_RISK = "destruction_at_risk"
    RECONCILIATION_FAILED = "reconciliation_failed"
    SEAL_BROKEN = "seal_broken"


class Alert(Record):
    """Something a custody supervisor has to act on."""

    kind: AlertKind
    case_number: str
    message: str = Field(min_length=1)
    due_at: datetime | None = None


def alerts(
    cases: Iterable[CaseFile],
    *,
    now: datetime,
    deadline: timedelta = DESTRUCTION_DEADLINE,
    warn_before: timedelta = WARN_BEFORE,
) -> list[Alert]:
    """Every open alert of ``cases`` at ``now``, clock alerts first, then by case number."""
    found: list[Alert] = []
    for case in sorted(cases, key=lambda c: c.case_number):
        clock = _clock(case, now, deadline, warn_before)
        if clock is not None:
            found.append(clock)
        found += [
            Alert(
                kind=AlertKind.RECONCILIATION_FAILED,
                case_number=case.case_number,
                message=f"{r.step}: {r.subject} weighed {r.found_kg:.3f} kg, expected {r.expected_kg:.3f} kg "
                f"({r.difference_kg:+.3f} kg)",
            )
            for r in case.failed
        ]
        found += [
            Alert(kind=AlertKind.SEAL_BROKEN, case_number=case.case_number, message=_broken(event))
            for event in case.broken_seals
        ]
    order = {AlertKind.DESTRUCTION_OVERDUE: 0, AlertKind.DESTRUCTION_AT_RISK: 1}
    return sorted(found, key=lambda a: order.get(a.kind, 2))


def _broken(event: Transfer | StorageAccess) -> str:
    when = event.occurred_at.isoformat()
    if isinstance(event, Transfer):
        return (f"seal found broken at a transfer on {when} (bags {', '.join(event.bag_serials)}; "
                f"{event.released_by} to {event.received_by})")  # fmt: skip
    return f"seal found broken at an access to the store on {when} ({event.acting_officer}, {event.witness_officer})"


def _clock(case: CaseFile, now: datetime, deadline: timedelta, warn_before: timedelta) -> Alert | None:
    if case.state is CustodyState.DESTROYED:
        return None
    due = case.seized_at + deadline
    held = (
        f"{case.held_kg:.1f} kg in {len(case.bags)} bag(s)"
        if case.bags
        else f"{case.seizure.gross_kg:.1f} kg"
    )
    if now > due:
        late = (now - due).total_seconds() / 3600
        message = (
            f"{held} still held {late:.1f} h after the {deadline.total_seconds() / 3600:.0f}-hour deadline"
        )
        return Alert(
            kind=AlertKind.DESTRUCTION_OVERDUE, case_number=case.case_number, message=message, due_at=due
        )
    needs_booking = not case.bags or any(serial not in case.bookings for serial in case.bags)
    late_sessions = [s for s in case.bookings.values() if s.starts_at >= due]
    if late_sessions:
        message = f"{len(late_sessions)} bag(s) booked into a burning after the deadline; {held} held"
    elif needs_booking and now >= due - warn_before:
        left = (due - now).total_seconds() / 3600
        message = f"{left:.1f} h left on the destruction clock; {held} not all booked for burning"
        if case.state in _BEFORE_AUTHORISATION:
            message += f" (case still {case.state}: the prosecutor's authorisation is needed)"
    else:
        return None
    return Alert(
        kind=AlertKind.DESTRUCTION_AT_RISK, case_number=case.case_number, message=message, due_at=due
    )
