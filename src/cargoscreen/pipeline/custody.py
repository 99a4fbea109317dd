"""Custody stage: custody events checked by the state machine, signed and appended to the store's ledger.

Every write opens the stored ledger, verifies it against the anchor the store keeps apart, rebuilds the case
files from it (a tampered ledger is never extended), checks each new event against its case (state machine,
two-person rule, bags held, weight reconciliation) and appends the signed entry — all in one transaction,
so a refused event writes nothing. Reads (show, alerts) verify the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from cargoscreen.custody.alerts import DESTRUCTION_DEADLINE, WARN_BEFORE, Alert, alerts
from cargoscreen.custody.destruction import DestructionPlan, plan_destruction, scheduling_events
from cargoscreen.custody.errors import CustodyError
from cargoscreen.custody.events import CustodyEvent
from cargoscreen.custody.ledger import Anchor, Ledger, LedgerEntry, VerifyReport, verify
from cargoscreen.custody.models import IncineratorSession, SealFound
from cargoscreen.custody.reconcile import DEFAULT_TOLERANCE, Tolerance
from cargoscreen.custody.service import cases_from_ledger, record, seizure_from_outcome
from cargoscreen.custody.state import CaseFile
from cargoscreen.domain.outcomes import InspectionOutcome
from cargoscreen.domain.ports import UnitOfWork, UnitOfWorkFactory
from cargoscreen.pipeline import custody_demo


@dataclass(frozen=True)
class CustodyConfig:
    """The ledger key and the custody policy (from the settings)."""

    key: bytes
    tolerance: Tolerance = DEFAULT_TOLERANCE
    deadline: timedelta = DESTRUCTION_DEADLINE
    warn_before: timedelta = WARN_BEFORE


@dataclass(frozen=True)
class IncineratorSpec:
    """An incinerator and the daily session times (UTC) it offers."""

    name: str
    session_times: tuple[str, ...] = ("08:00", "16:00")
    capacity_kg: float = 1200.0


@dataclass
class LedgerCheck:
    """The ledger as stored, verified against the anchor; ``index_mismatches``: rows whose query columns
    disagree with their signed payload."""

    report: VerifyReport
    entries: int
    anchor: Anchor
    index_mismatches: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.report.ok and not self.index_mismatches


def stored_entries(uow: UnitOfWork) -> tuple[list[LedgerEntry], Anchor]:
    """The stored ledger entries (signed columns only) and the stored anchor."""
    rows = uow.custody.entries()
    entries = [LedgerEntry(seq=r.seq, prev_hash=r.prev_hash, payload=r.payload, hash=r.hash) for r in rows]
    head = uow.custody.head
    return entries, Anchor(seq=head.seq, hash=head.hash)


def open_cases(uow: UnitOfWork, config: CustodyConfig) -> tuple[Ledger, dict[str, CaseFile]]:
    """The verified ledger and every case rebuilt from it; raises ``LedgerError`` when it was tampered."""
    entries, anchor = stored_entries(uow)
    cases = cases_from_ledger(entries, config.key, anchor=anchor, tolerance=config.tolerance)
    return Ledger(config.key, entries), cases


def record_events(
    *, unit_of_work: UnitOfWorkFactory, config: CustodyConfig, events: Sequence[CustodyEvent]
) -> dict[str, CaseFile]:
    """Check and append ``events`` in one transaction (all or nothing); the cases they touched."""
    touched: dict[str, CaseFile] = {}
    with unit_of_work() as uow:
        ledger, cases = open_cases(uow, config)
        for event in events:
            touched[event.case_number] = record(ledger, cases, event, tolerance=config.tolerance)
            uow.custody.append(ledger.entries[-1])
    return touched


def verify_store(*, unit_of_work: UnitOfWorkFactory, key: bytes, anchor: Anchor | None = None) -> LedgerCheck:
    """Verify the stored ledger against the stored anchor, and against ``anchor`` (kept elsewhere) if given."""
    with unit_of_work() as uow:
        entries, stored_anchor = stored_entries(uow)
        mismatches = uow.custody.index_mismatches()
    report = verify(entries, key, anchor=stored_anchor)
    if report.ok and anchor is not None:
        report = verify(entries, key, anchor=anchor)
    return LedgerCheck(report=report, entries=len(entries), anchor=stored_anchor, index_mismatches=mismatches)


def next_case_number(uow: UnitOfWork, year: int, prefix: str = "AN") -> str:
    """The next free case number of the year: ``AN-2026-0001``, ``AN-2026-0002``, …"""
    taken = [n for n in uow.custody.case_numbers() if n.startswith(f"{prefix}-{year}-")]
    return f"{prefix}-{year}-{len(taken) + 1:04d}"


def seizure_outcome(uow: UnitOfWork, container_number: str) -> InspectionOutcome:
    """The latest stored inspection outcome of the container that found drugs."""
    found = [o for o in uow.outcomes.all() if o.container_number == container_number and o.positive]
    if not found:
        raise CustodyError(
            f"no inspection outcome with result SEIZURE is stored for {container_number}: record it first "
            "(cargoscreen risk outcomes record ... --result SEIZURE)"
        )
    return found[-1]


@dataclass(frozen=True)
class SeizureInput:
    """What the officers register at the seizure (the container, vessel call and substance come from the
    inspection outcome; ``gross_kg`` defaults to the weight it recorded)."""

    container_number: str
    acting_officer: str
    witness_officer: str
    place: str
    occurred_at: datetime
    package_count: int
    gross_kg: float | None = None
    seals_found: tuple[SealFound, ...] = ()
    presumptive_test: str = ""
    case_number: str | None = None


def register_seizure(
    *, unit_of_work: UnitOfWorkFactory, config: CustodyConfig, seizure: SeizureInput, recorded_by: str
) -> CaseFile:
    """Open a case from the stored inspection outcome of the container (two officers; refused otherwise)."""
    with unit_of_work() as uow:
        ledger, cases = open_cases(uow, config)
        outcome = seizure_outcome(uow, seizure.container_number)
        number = seizure.case_number or next_case_number(uow, seizure.occurred_at.year)
        event = seizure_from_outcome(
            outcome, case_number=number, occurred_at=seizure.occurred_at, recorded_by=recorded_by,
            place=seizure.place, acting_officer=seizure.acting_officer, witness_officer=seizure.witness_officer,
            package_count=seizure.package_count,
            gross_kg=outcome.seized_kg if seizure.gross_kg is None else seizure.gross_kg,
            seals_found=seizure.seals_found, presumptive_test=seizure.presumptive_test,
        )  # fmt: skip
        case = record(ledger, cases, event, tolerance=config.tolerance)
        uow.custody.append(ledger.entries[-1])
    return case


def incinerator_sessions(
    incinerators: Sequence[IncineratorSpec], *, now: datetime, days: int
) -> list[IncineratorSession]:
    """The sessions the incinerators offer from ``now`` for ``days`` days, by start."""
    sessions = []
    for number, spec in enumerate(incinerators, start=1):
        for offset in range(days + 1):
            day = now.date() + timedelta(days=offset)
            for text in spec.session_times:
                starts = datetime.combine(day, time.fromisoformat(text), now.tzinfo)
                if now <= starts < now + timedelta(days=days):
                    sessions.append(
                        IncineratorSession(session_id=f"INC{number}-{starts:%Y%m%d%H%M}", incinerator=spec.name,
                                           starts_at=starts, capacity_kg=spec.capacity_kg)
                    )  # fmt: skip
    return sorted(sessions, key=lambda s: (s.starts_at, s.session_id))


def schedule_destruction(
    *,
    unit_of_work: UnitOfWorkFactory,
    config: CustodyConfig,
    sessions: Sequence[IncineratorSession],
    now: datetime,
    recorded_by: str,
) -> DestructionPlan:
    """Book the authorised stock into incinerator sessions and record one SCHEDULED event per case."""
    with unit_of_work() as uow:
        ledger, cases = open_cases(uow, config)
        plan = plan_destruction(cases.values(), sessions, now=now, deadline=config.deadline)
        for event in scheduling_events(plan, occurred_at=now, recorded_by=recorded_by):
            record(ledger, cases, event, tolerance=config.tolerance)
            uow.custody.append(ledger.entries[-1])
    return plan


def custody_alerts(*, unit_of_work: UnitOfWorkFactory, config: CustodyConfig, now: datetime) -> list[Alert]:
    """Open alerts (48-hour clock, failed reconciliations, broken seals) of every case in the ledger."""
    with unit_of_work() as uow:
        _, cases = open_cases(uow, config)
    return alerts(cases.values(), now=now, deadline=config.deadline, warn_before=config.warn_before)


def case_history(
    *, unit_of_work: UnitOfWorkFactory, config: CustodyConfig, case_number: str
) -> tuple[CaseFile, list[LedgerEntry]]:
    """A case file and its ledger entries (the whole ledger is verified first)."""
    with unit_of_work() as uow:
        ledger, cases = open_cases(uow, config)
    if case_number not in cases:
        raise CustodyError(f"no custody case {case_number}")
    entries = [e for e in ledger.entries if e.event().case_number == case_number]
    return cases[case_number], entries


DEMO_INCINERATOR = IncineratorSpec(name="SYNTHETIC incinerator", session_times=("08:00", "16:00"))


@dataclass
class CustodyDemoReport:
    """One seizure carried through the chain: what the demo prints."""

    case_number: str
    container_number: str
    substance: str
    seized_kg: float
    states: list[str]
    bags: dict[str, float]
    reconciliations: int
    failed_reconciliations: int
    burnt_kg: float
    sessions: list[IncineratorSession]
    seized_at: datetime
    due_at: datetime
    destroyed_at: datetime | None
    ledger_entries: int
    verified: bool
    verify_detail: str

    def lines(self) -> list[str]:
        """The report as lines of text (shown to the demo operator, who holds the custody role)."""
        booked = ", ".join(f"{s.session_id} at {s.starts_at:%Y-%m-%d %H:%M} UTC ({s.incinerator})"
                           for s in self.sessions)  # fmt: skip
        done = (
            f"destroyed {self.destroyed_at:%Y-%m-%d %H:%M} UTC" if self.destroyed_at else "not yet destroyed"
        )
        in_time = self.destroyed_at is not None and self.destroyed_at <= self.due_at
        return [
            f"custody case {self.case_number}: {self.seized_kg:.1f} kg {self.substance} from {self.container_number}",
            "states: " + " → ".join(self.states),
            f"weights reconciled at every step: {self.reconciliations - self.failed_reconciliations} of "
            f"{self.reconciliations} checks within tolerance; {len(self.bags)} evidence bag(s); "
            f"{self.burnt_kg:.2f} kg burnt",
            f"incinerator session booked: {booked or 'none'}",
            f"{done}; 48-hour deadline {self.due_at:%Y-%m-%d %H:%M} UTC ({'met' if in_time else 'open'})",
            f"ledger: {self.ledger_entries} signed entries, verify {'OK' if self.verified else 'FAILED'}"
            + (f" ({self.verify_detail})" if self.verify_detail else ""),
        ]


def carry_seizure_to_destruction(
    unit_of_work: UnitOfWorkFactory,
    *,
    outcome: InspectionOutcome,
    key: bytes,
    now: datetime,
    destroy: bool = True,
    incinerator: IncineratorSpec = DEMO_INCINERATOR,
) -> CustodyDemoReport:
    """Take one seizure (a stored outcome with result SEIZURE) through SEIZED → PACKAGED → STORED → SAMPLED →
    AUTHORISED → SCHEDULED (→ DESTROYED at the booked session) with SYNTHETIC officers, each step recorded
    through the ledger as an officer would, then verify the stored ledger."""
    config = CustodyConfig(key=key)
    with unit_of_work() as uow:
        uow.outcomes.add(outcome)  # the seizure is linked to a stored inspection (no-op when stored)
    officer, witness = custody_demo.OFFICER, custody_demo.WITNESS
    seizure = SeizureInput(
        container_number=outcome.container_number, acting_officer=officer, witness_officer=witness,
        place="SYNTHETIC scanner lane", occurred_at=now, package_count=max(1, round(outcome.seized_kg)),
        presumptive_test="positive (SYNTHETIC field test)",
    )  # fmt: skip
    case = register_seizure(unit_of_work=unit_of_work, config=config, seizure=seizure, recorded_by=officer)
    states = [case.state.value]
    for events in custody_demo.chain(case, now=now):
        case = record_events(unit_of_work=unit_of_work, config=config, events=events)[case.case_number]
        states.append(case.state.value)
    scheduled_at = now + custody_demo.AUTHORISED_AFTER + timedelta(minutes=30)
    sessions = incinerator_sessions([incinerator], now=scheduled_at, days=2)
    plan = schedule_destruction(unit_of_work=unit_of_work, config=config, sessions=sessions,
                                now=scheduled_at, recorded_by=custody_demo.CUSTODIAN)  # fmt: skip
    booked = [b.session for b in plan.bookings if any(bag.case_number == case.case_number for bag in b.bags)]
    _, case = _case(unit_of_work, config, case.case_number)
    states.append(case.state.value)
    held = dict(case.bags)
    destroyed_at = None
    if destroy and booked:
        burns = custody_demo.burns(case, booked)
        case = record_events(unit_of_work=unit_of_work, config=config, events=burns)[case.case_number]
        states.append(case.state.value)
        destroyed_at = burns[-1].occurred_at
    check = verify_store(unit_of_work=unit_of_work, key=key)
    return CustodyDemoReport(
        case_number=case.case_number, container_number=outcome.container_number, substance=outcome.substance,
        seized_kg=case.seizure.gross_kg, states=states, bags=held, reconciliations=len(case.reconciliations),
        failed_reconciliations=len(case.failed), burnt_kg=sum(case.burnt.values()), sessions=booked,
        seized_at=case.seized_at, due_at=case.seized_at + config.deadline, destroyed_at=destroyed_at,
        ledger_entries=check.entries, verified=check.ok, verify_detail=check.report.detail,
    )  # fmt: skip


def _case(unit_of_work: UnitOfWorkFactory, config: CustodyConfig, number: str) -> tuple[Ledger, CaseFile]:
    with unit_of_work() as uow:
        ledger, cases = open_cases(uow, config)
    return ledger, cases[number]
