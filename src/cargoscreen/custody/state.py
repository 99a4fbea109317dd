"""The custody state machine: a case file built event by event, refusing what breaks the chain.

:func:`apply` checks, for each event, that the case's state allows it, that two different people signed
(seizure, packaging, storage, transfer, sampling: acting and witnessing officers, or releasing and
receiving ones; destruction: two witnesses), that the bags it names are held, and reconciles the weights it
carries. Refusals raise a :class:`CustodyError`; failed reconciliations are kept on the case file (they
become alerts) because the event did happen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from cargoscreen.custody import reconcile
from cargoscreen.custody.errors import CustodyError, InvalidTransition, TwoPersonRuleViolation, UnknownBag
from cargoscreen.custody.events import (
    Authorisation,
    CustodyEvent,
    Destruction,
    Packaging,
    Sampling,
    Scheduling,
    Seizure,
    Storage,
    StorageAccess,
    Transfer,
)
from cargoscreen.custody.models import CustodyState, IncineratorSession, Sample, SealCondition
from cargoscreen.custody.reconcile import DEFAULT_TOLERANCE, Reconciliation, Tolerance

S = CustodyState
#: event kind → states it may be recorded in
ALLOWED: dict[str, frozenset[CustodyState]] = {
    "PACKAGED": frozenset({S.SEIZED}),
    "STORED": frozenset({S.PACKAGED, S.STORED, S.SAMPLED, S.AUTHORISED, S.SCHEDULED}),
    "TRANSFERRED": frozenset({S.PACKAGED, S.STORED, S.SAMPLED, S.AUTHORISED, S.SCHEDULED}),
    "ACCESSED": frozenset({S.STORED, S.SAMPLED, S.AUTHORISED, S.SCHEDULED}),
    "SAMPLED": frozenset({S.STORED}),
    "AUTHORISED": frozenset({S.SAMPLED}),
    "SCHEDULED": frozenset({S.AUTHORISED, S.SCHEDULED}),
    "DESTROYED": frozenset({S.SCHEDULED}),
}


@dataclass(frozen=True)
class CaseFile:
    """Everything the chain says about one seizure, after its events so far."""

    case_number: str
    state: CustodyState
    seizure: Seizure
    bags: dict[str, float] = field(default_factory=dict)  # bag serial → sealed kg, bags still held
    burnt: dict[str, float] = field(default_factory=dict)  # bag serial → kg weighed before burning
    samples: tuple[Sample, ...] = ()
    location: str = ""
    bookings: dict[str, IncineratorSession] = field(default_factory=dict)  # bag serial → session
    reconciliations: tuple[Reconciliation, ...] = ()
    broken_seals: tuple[Transfer | StorageAccess, ...] = ()
    last_at: datetime | None = None
    events: int = 0

    @property
    def seized_at(self) -> datetime:
        """When the drugs were seized: the 48-hour clock starts here."""
        return self.seizure.occurred_at

    @property
    def held_kg(self) -> float:
        """Sealed weight of the bags still held."""
        return sum(self.bags.values())

    @property
    def failed(self) -> tuple[Reconciliation, ...]:
        """Reconciliations that failed."""
        return tuple(r for r in self.reconciliations if not r.ok)


def apply(
    case: CaseFile | None, event: CustodyEvent, *, tolerance: Tolerance = DEFAULT_TOLERANCE
) -> CaseFile:
    """The case file after ``event``; raises :class:`CustodyError` when the event is not allowed."""
    if case is None:
        if not isinstance(event, Seizure):
            raise InvalidTransition(
                f"case {event.case_number}: {event.kind} before the seizure was registered"
            )
        _two_people(event, event.acting_officer, event.witness_officer, "acting and witnessing officers")
        return CaseFile(
            case_number=event.case_number, state=S.SEIZED, seizure=event, last_at=event.occurred_at, events=1
        )
    _admissible(case, event)
    match event:
        case Packaging():
            updated = _packaged(case, event, tolerance)
        case Storage():
            updated = _stored(case, event, tolerance)
        case Transfer():
            updated = _transferred(case, event, tolerance)
        case StorageAccess():
            updated = _accessed(case, event, tolerance)
        case Sampling():
            updated = _sampled(case, event, tolerance)
        case Authorisation():
            updated = replace(case, state=S.AUTHORISED)
        case Scheduling():
            updated = _scheduled(case, event)
        case Destruction():
            updated = _destroyed(case, event, tolerance)
        case _:  # a second seizure: refused by _admissible
            raise InvalidTransition(f"case {case.case_number}: {event.kind} is not allowed")
    return replace(updated, last_at=event.occurred_at, events=case.events + 1)


def replay(
    events: Iterable[CustodyEvent], *, tolerance: Tolerance = DEFAULT_TOLERANCE
) -> dict[str, CaseFile]:
    """Case files of a stream of events (as stored in the ledger), by case number."""
    cases: dict[str, CaseFile] = {}
    for event in events:
        cases[event.case_number] = apply(cases.get(event.case_number), event, tolerance=tolerance)
    return cases


def _admissible(case: CaseFile, event: CustodyEvent) -> None:
    where = f"case {case.case_number}"
    if event.case_number != case.case_number:
        raise CustodyError(f"{where}: event of case {event.case_number}")
    if isinstance(event, Seizure):
        raise InvalidTransition(f"{where}: already seized (state {case.state})")
    if event.kind not in ALLOWED or case.state not in ALLOWED[event.kind]:
        allowed = ", ".join(sorted(ALLOWED.get(event.kind, ())))
        raise InvalidTransition(f"{where}: {event.kind} needs state {allowed}; the case is {case.state}")
    if case.last_at is not None and event.occurred_at < case.last_at:
        raise CustodyError(
            f"{where}: {event.kind} at {event.occurred_at.isoformat()} is before the last event "
            f"({case.last_at.isoformat()})"
        )


def _two_people(event: CustodyEvent, first: str, second: str, who: str) -> None:
    if not first.strip() or not second.strip():
        raise TwoPersonRuleViolation(
            f"case {event.case_number}: {event.kind} needs two people ({who}); one is missing"
        )
    if first.strip().casefold() == second.strip().casefold():
        raise TwoPersonRuleViolation(
            f"case {event.case_number}: {event.kind} needs two different people ({who}); both are {first!r}"
        )


def _held(case: CaseFile, event: CustodyEvent, serials: Iterable[str]) -> None:
    missing = sorted(s for s in serials if s not in case.bags)
    if missing:
        raise UnknownBag(
            f"case {case.case_number}: {event.kind} names bags the case does not hold: {', '.join(missing)}"
        )


def _packaged(case: CaseFile, event: Packaging, tolerance: Tolerance) -> CaseFile:
    _two_people(event, event.acting_officer, event.witness_officer, "acting and witnessing officers")
    serials = [b.bag_serial for b in event.bags]
    if len(set(serials)) != len(serials):
        raise CustodyError(f"case {case.case_number}: a bag serial appears twice in the packaging")
    check = reconcile.packaging(
        case.case_number, case.seizure.gross_kg, event.bags, event.occurred_at, tolerance
    )
    bags = {b.bag_serial: b.sealed_kg for b in event.bags}
    return replace(case, state=S.PACKAGED, bags=bags, reconciliations=(*case.reconciliations, check))


def _stored(case: CaseFile, event: Storage, tolerance: Tolerance) -> CaseFile:
    _two_people(event, event.acting_officer, event.witness_officer, "acting and witnessing officers")
    _held(case, event, (w.bag_serial for w in event.weighed))
    checks = reconcile.weighed(
        case.case_number, event.kind, case.bags, event.weighed, event.occurred_at, tolerance
    )
    state = S.STORED if case.state is S.PACKAGED else case.state
    return replace(
        case, state=state, location=event.location, reconciliations=(*case.reconciliations, *checks)
    )


def _transferred(case: CaseFile, event: Transfer, tolerance: Tolerance) -> CaseFile:
    _two_people(event, event.released_by, event.received_by, "releasing and receiving people")
    _held(case, event, event.bag_serials)
    _held(case, event, (w.bag_serial for w in event.weighed))
    checks = reconcile.weighed(
        case.case_number, event.kind, case.bags, event.weighed, event.occurred_at, tolerance
    )
    broken = (event,) if event.seal_condition is SealCondition.BROKEN else ()
    location = event.to_location or case.location
    return replace(
        case,
        location=location,
        reconciliations=(*case.reconciliations, *checks),
        broken_seals=(*case.broken_seals, *broken),
    )


def _accessed(case: CaseFile, event: StorageAccess, tolerance: Tolerance) -> CaseFile:
    _two_people(event, event.acting_officer, event.witness_officer, "acting and witnessing officers")
    _held(case, event, (w.bag_serial for w in event.weighed))
    checks = reconcile.weighed(
        case.case_number, event.kind, case.bags, event.weighed, event.occurred_at, tolerance
    )
    broken = (event,) if event.seal_condition is SealCondition.BROKEN else ()
    return replace(
        case, reconciliations=(*case.reconciliations, *checks), broken_seals=(*case.broken_seals, *broken)
    )


def _sampled(case: CaseFile, event: Sampling, tolerance: Tolerance) -> CaseFile:
    _two_people(event, event.acting_officer, event.witness_officer, "acting and witnessing officers")
    _held(case, event, {s.bag_serial for s in event.samples} | {r.bag_serial for r in event.reseals})
    unsealed = sorted({s.bag_serial for s in event.samples} - {r.bag_serial for r in event.reseals})
    if unsealed:
        raise CustodyError(
            f"case {case.case_number}: bags opened for sampling but not resealed: {', '.join(unsealed)}"
        )
    new = [r.new_bag_serial for r in event.reseals]
    if len(set(new)) != len(new) or set(new) & (set(case.bags) - {r.bag_serial for r in event.reseals}):
        raise CustodyError(f"case {case.case_number}: a new bag serial is already in use")
    checks = reconcile.sampling(
        case.case_number, case.bags, event.samples, event.reseals, event.occurred_at, tolerance
    )
    bags = dict(case.bags)
    for r in event.reseals:
        del bags[r.bag_serial]
    bags.update({r.new_bag_serial: r.sealed_kg for r in event.reseals})
    return replace(
        case,
        state=S.SAMPLED,
        bags=bags,
        samples=(*case.samples, *event.samples),
        reconciliations=(*case.reconciliations, *checks),
    )


def _scheduled(case: CaseFile, event: Scheduling) -> CaseFile:
    sessions = {s.session_id: s for s in event.sessions}
    _held(case, event, (a.bag_serial for a in event.allocations))
    unknown = sorted({a.session_id for a in event.allocations} - set(sessions))
    if unknown:
        raise CustodyError(
            f"case {case.case_number}: allocations to sessions not listed: {', '.join(unknown)}"
        )
    bookings = dict(case.bookings)
    bookings.update({a.bag_serial: sessions[a.session_id] for a in event.allocations})
    return replace(case, state=S.SCHEDULED, bookings=bookings)


def _destroyed(case: CaseFile, event: Destruction, tolerance: Tolerance) -> CaseFile:
    witnesses = list(dict.fromkeys(w.strip().casefold() for w in event.witnesses if w.strip()))
    if len(witnesses) < 2:
        raise TwoPersonRuleViolation(
            f"case {case.case_number}: destruction needs at least two different "
            f"witnesses, got {len(witnesses)}"
        )
    _held(case, event, (w.bag_serial for w in event.burnt))
    elsewhere = sorted(
        w.bag_serial
        for w in event.burnt
        if w.bag_serial not in case.bookings or case.bookings[w.bag_serial].session_id != event.session_id
    )
    if elsewhere:
        raise CustodyError(
            f"case {case.case_number}: bags not booked into session {event.session_id}: "
            f"{', '.join(elsewhere)}"
        )
    checks = reconcile.weighed(
        case.case_number, event.kind, case.bags, event.burnt, event.occurred_at, tolerance
    )
    bags = {s: kg for s, kg in case.bags.items() if s not in {w.bag_serial for w in event.burnt}}
    burnt = {**case.burnt, **{w.bag_serial: w.kg for w in event.burnt}}
    bookings = {s: b for s, b in case.bookings.items() if s in bags}
    state = S.DESTROYED if not bags else S.SCHEDULED
    return replace(
        case,
        state=state,
        bags=bags,
        burnt=burnt,
        bookings=bookings,
        reconciliations=(*case.reconciliations, *checks),
    )
