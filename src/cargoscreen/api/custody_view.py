"""Custody on the workstation: cases, alerts and the destruction plan as the reader's role may see them.

Every view passes through the custody package's need-to-know functions (``case_view``, ``entry_view``,
``plan_view``): storage locations and incinerator appointments reach custody officers only, whatever other
roles the reader holds besides. Every read is audited in the transaction that reads the ledger, and a
ledger that fails verification is never shown (503).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import Request

from cargoscreen.api.problems import Problem
from cargoscreen.api.security import Principal
from cargoscreen.api.services import Services
from cargoscreen.custody.alerts import alerts
from cargoscreen.custody.destruction import BookedBag, Booking, DestructionPlan, plan_destruction
from cargoscreen.custody.errors import CustodyError, LedgerError
from cargoscreen.custody.events import CustodyEvent
from cargoscreen.custody.ledger import LedgerEntry
from cargoscreen.custody.models import Role as CustodyRole
from cargoscreen.custody.reconcile import Reconciliation, Tolerance
from cargoscreen.custody.redaction import case_view, entry_view, plan_view, redact, sees_secrets
from cargoscreen.custody.service import record as record_event
from cargoscreen.custody.state import CaseFile
from cargoscreen.pipeline.custody import (
    CustodyConfig,
    IncineratorSpec,
    incinerator_sessions,
    open_cases,
)
from cargoscreen.settings import Settings
from cargoscreen.store import UnitOfWork


@dataclass(frozen=True, slots=True)
class CustodyOverview:
    """The custody list page: cases, open alerts, the plan in force and the proposed one (all redacted)."""

    secrets: bool
    cases: list[dict[str, Any]]
    alerts: list[dict[str, Any]]
    booked: dict[str, Any]
    proposed: dict[str, Any]


@dataclass(frozen=True, slots=True)
class CustodyCase:
    """One case: its state, its ledger entries, its weight checks and alerts (all redacted)."""

    secrets: bool
    case: dict[str, Any]
    entries: list[dict[str, Any]]
    reconciliations: list[Reconciliation]
    alerts: list[dict[str, Any]]
    bags: list[str]


def custody_config(settings: Settings) -> CustodyConfig:
    """The ledger key and custody policy of the settings."""
    policy = settings.custody
    return CustodyConfig(
        key=policy.ledger_key.get_secret_value().encode("utf-8"),
        tolerance=Tolerance(absolute_kg=policy.tolerance_kg, relative=policy.tolerance_share),
        deadline=timedelta(hours=policy.destruction_hours),
        warn_before=timedelta(hours=policy.warn_hours),
    )


def viewer_role(principal: Principal) -> CustodyRole:
    """The role custody data is redacted for: custody officer if the principal is one, else another role."""
    if CustodyRole.CUSTODY_OFFICER.value in {str(role) for role in principal.roles}:
        return CustodyRole.CUSTODY_OFFICER
    return CustodyRole(str(min(principal.roles)))


def overview(services: Services, request: Request, principal: Principal) -> CustodyOverview:
    """Every case with alerts and destruction plans, audited."""
    config, role, now = custody_config(services.settings), viewer_role(principal), datetime.now(UTC)
    with services.unit_of_work() as uow:
        cases = _cases(uow, config)
        services.audit(request, principal, "list", "custody_cases", "all", {"cases": len(cases)}, uow=uow)
    policy = services.settings.custody
    specs = [IncineratorSpec(i.name, tuple(i.session_times), i.capacity_kg) for i in policy.incinerators]
    sessions = incinerator_sessions(specs, now=now, days=policy.session_days)
    proposed = plan_destruction(cases.values(), sessions, now=now, deadline=config.deadline)
    ordered = sorted(cases.values(), key=lambda c: c.seized_at, reverse=True)
    return CustodyOverview(
        secrets=sees_secrets(role),
        cases=[_case_line(c, role, config) for c in ordered],
        alerts=_alerts(cases.values(), config, now, role),
        booked=plan_view(booked_plan(cases.values(), config), role),
        proposed=plan_view(proposed, role),
    )


def read_case(services: Services, request: Request, principal: Principal, case_number: str) -> CustodyCase:
    """One case and its ledger entries (404 when unknown), audited."""
    config, role = custody_config(services.settings), viewer_role(principal)
    with services.unit_of_work() as uow:
        cases = _cases(uow, config)
        case = cases.get(case_number)
        if case is None:
            raise Problem(404, f"no custody case {case_number!r}")
        services.audit(request, principal, "read", "custody_case", case_number, uow=uow)
        entries = uow.custody.entries(case_number)
    signed = [LedgerEntry(seq=e.seq, prev_hash=e.prev_hash, payload=e.payload, hash=e.hash) for e in entries]
    return CustodyCase(
        secrets=sees_secrets(role),
        case=_case_line(case, role, config),
        entries=[entry_view(e, role) for e in signed],
        reconciliations=list(case.reconciliations),
        alerts=_alerts([case], config, datetime.now(UTC), role),
        bags=sorted(case.bags),
    )


def record(
    services: Services, request: Request, principal: Principal, event: CustodyEvent, detail: dict[str, Any]
) -> CaseFile:
    """Record a custody event (checked, signed, appended) and audit it in the same transaction; a refused
    event writes nothing and answers 422 with the custody rule it broke."""
    config = custody_config(services.settings)
    try:
        with services.unit_of_work() as uow:
            ledger, cases = open_cases(uow, config)
            case = record_event(ledger, cases, event, tolerance=config.tolerance)
            uow.custody.append(ledger.entries[-1])
            services.audit(request, principal, "custody_" + event.kind.lower(), "custody_case",
                           event.case_number, redact(detail, CustodyRole.SUPERVISOR), uow=uow)  # fmt: skip
    except LedgerError as exc:
        raise Problem(503, f"custody data withheld: {exc}") from None
    except CustodyError as exc:
        raise Problem(422, str(exc)) from None
    return case


def booked_plan(cases: Any, config: CustodyConfig) -> DestructionPlan:
    """The destruction plan in force: the sessions the cases' held bags are booked into, by start."""
    by_session: dict[str, list[tuple[Any, BookedBag]]] = {}
    for case in cases:
        due = case.seized_at + config.deadline
        for serial, session in case.bookings.items():
            late = session.starts_at > due
            bag = BookedBag(case_number=case.case_number, bag_serial=serial, kg=case.bags[serial], due_at=due,
                            late=late)  # fmt: skip
            by_session.setdefault(session.session_id, []).append((session, bag))
    bookings = [
        Booking(
            session=found[0][0],
            bags=tuple(b for _, b in found),
            load_kg=round(sum(b.kg for _, b in found), 6),
        )
        for found in by_session.values()
    ]
    return DestructionPlan(bookings=tuple(sorted(bookings, key=lambda b: b.session.starts_at)))


def _cases(uow: UnitOfWork, config: CustodyConfig) -> dict[str, CaseFile]:
    try:
        return open_cases(uow, config)[1]
    except LedgerError as exc:
        raise Problem(503, f"custody data withheld: {exc}") from None


def _case_line(case: CaseFile, role: CustodyRole, config: CustodyConfig) -> dict[str, Any]:
    extra = {"due_at": case.seized_at + config.deadline, "checks": len(case.reconciliations)}
    return case_view(case, role) | extra


def _alerts(cases: Any, config: CustodyConfig, now: datetime, role: CustodyRole) -> list[dict[str, Any]]:
    found = alerts(cases, now=now, deadline=config.deadline, warn_before=config.warn_before)
    return [redact(a.model_dump(mode="json"), role) for a in found]
