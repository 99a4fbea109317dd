"""Use cases of the workstation, shared by the REST routes and the pages: read, decide, record; audited.

Reads are audited in their own short transaction after the read; changes are audited in the transaction
that makes them, so a change and its audit entry are stored together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from cargoscreen.api.problems import Problem
from cargoscreen.api.security import Principal
from cargoscreen.api.services import Services
from cargoscreen.domain.errors import InvalidIdentifier
from cargoscreen.domain.ids import parse_container_number
from cargoscreen.domain.outcomes import InspectionOutcome
from cargoscreen.domain.scans import Rendition, StoredFindings, StoredScan
from cargoscreen.domain.targeting import RiskAssessment, SelectionDecision
from cargoscreen.store import ContainerDossier, UnitOfWork
from cargoscreen.store.repositories.decisions import AnalystDecision, OutcomePhoto, Verdict
from cargoscreen.store.repositories.users import Role


@dataclass(frozen=True, slots=True)
class ContainerCase:
    """Everything the container page and ``GET /containers/{number}`` show."""

    dossier: ContainerDossier
    assessment: RiskAssessment | None
    selection: SelectionDecision | None
    decisions: list[AnalystDecision]
    outcomes: list[InspectionOutcome]
    photos: list[OutcomePhoto]
    scans: list[StoredScan]


@dataclass(frozen=True, slots=True)
class ScanCase:
    """A scan, its current findings and the names of its renditions."""

    scan: StoredScan
    findings: StoredFindings | None
    renditions: list[str]


def container_number(value: str) -> str:
    """The compact container number, or 404 naming the bad value."""
    try:
        return parse_container_number(value)
    except InvalidIdentifier as exc:
        raise Problem(404, f"no container {value!r}: {exc}") from None


def read_container(services: Services, request: Request, principal: Principal, number: str) -> ContainerCase:
    """The container's case (404 when nothing mentions it); the read is audited."""
    number = container_number(number)
    with services.unit_of_work() as uow:
        case = load_container(uow, number)
    services.audit(request, principal, "read", "container", number)
    return case


def load_container(uow: UnitOfWork, number: str) -> ContainerCase:
    """The case of a (valid, compact) container number in the caller's unit of work; 404 when unknown.
    The caller audits the read."""
    dossier = uow.containers.show(number)
    if dossier is None:
        raise Problem(404, f"container {number} is not in the store")
    return ContainerCase(
        dossier=dossier,
        assessment=uow.assessments.latest_for(number),
        selection=uow.selections.decision_for(number),
        decisions=uow.decisions.for_container(number),
        outcomes=uow.worklist.outcomes_of(number),
        photos=uow.photos.for_container(number),
        scans=uow.scans.of_container(number),
    )


def decide(
    services: Services, request: Request, principal: Principal, number: str, verdict: Verdict, reason: str
) -> AnalystDecision:
    """Record an analyst's decision on a container and audit it in the same transaction."""
    number = container_number(number)
    if not reason.strip():
        raise Problem(422, "a decision needs a reason")
    with services.unit_of_work() as uow:
        dossier = uow.containers.show(number)
        selected_on = uow.worklist.selected_call(number)
    if dossier is None:
        raise Problem(404, f"container {number} is not in the store")
    call = _vessel_call(dossier, selected_on)
    with services.unit_of_work() as uow:
        decision = uow.decisions.add(
            number, verdict, reason=reason, decided_by=principal.actor, vessel_call=call
        )
        services.audit(
            request,
            principal,
            "decide",
            "decision",
            str(decision.id),
            {"container_number": number, "decision": str(verdict), "reason": decision.reason},
            uow=uow,
        )
    return decision


def record_outcome(
    services: Services,
    request: Request,
    principal: Principal,
    outcome: InspectionOutcome,
    photos: list[tuple[str, str, bytes]] | None = None,
) -> bool:
    """Store an inspection outcome (and photos: name, media type, bytes); False when already stored."""
    stored = [(name, media, services.blobs.put(data)) for name, media, data in photos or []]
    with services.unit_of_work() as uow:
        added = uow.outcomes.add(outcome)
        for name, media, sha256 in stored:
            uow.photos.add(
                OutcomePhoto(
                    container_number=outcome.container_number,
                    voyage_number=outcome.voyage_number,
                    filename=name,
                    media_type=media,
                    sha256=sha256,
                    added_by=principal.actor,
                    added_at=outcome.recorded_at,
                )
            )
        services.audit(
            request,
            principal,
            "record_outcome" if added else "record_outcome_repeat",
            "outcome",
            f"{outcome.container_number}/{outcome.imo_number}/{outcome.voyage_number}",
            outcome.model_dump(mode="json") | {"photos": [sha for _, _, sha in stored]},
            uow=uow,
        )
    return added


def read_scan(services: Services, request: Request, principal: Principal, scan_id: str) -> ScanCase:
    """A scan the principal may see (a partner: only its own; else 404), audited."""
    with services.unit_of_work() as uow:
        scan = visible_scan(uow.scans.get(scan_id), principal, scan_id)
        case = ScanCase(scan, uow.scans.findings(scan_id), uow.scans.rendition_names(scan_id))
    services.audit(request, principal, "read", "scan", scan_id)
    return case


def read_rendition(services: Services, principal: Principal, scan_id: str, name: str) -> tuple[bytes, str]:
    """The bytes and media type of a rendition of a scan the principal may see."""
    with services.unit_of_work() as uow:
        visible_scan(uow.scans.get(scan_id), principal, scan_id)
        rendition: Rendition | None = uow.scans.rendition(scan_id, name)
    if rendition is None:
        raise Problem(404, f"scan {scan_id} has no rendition {name!r}")
    return services.blobs.get(rendition.sha256), rendition.media_type


def visible_scan(scan: StoredScan | None, principal: Principal, scan_id: str) -> StoredScan:
    """The scan if the principal may see it; partners see only their own submissions (else 404)."""
    if scan is None or (Role.PARTNER_PORT in principal.roles and scan.submitted_by != principal.submitter):
        raise Problem(404, f"no scan {scan_id!r}")
    return scan


def _vessel_call(dossier: ContainerDossier, selected_on: tuple[str, str] | None) -> tuple[str, str] | None:
    """The vessel call a decision is about: the one it was selected on, else its latest call."""
    if selected_on is not None:
        return selected_on
    if dossier.calls:
        last = dossier.calls[-1]
        return last.imo_number, last.voyage_number
    return None
