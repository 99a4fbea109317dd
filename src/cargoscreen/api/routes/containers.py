"""Vessel calls, containers (the dossier), their risk, and analysts' decisions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from cargoscreen.api import cases
from cargoscreen.api.pagination import Page, decode_cursor, encode_cursor
from cargoscreen.api.schemas import (
    ContainerOut,
    DecisionIn,
    DecisionOut,
    RiskOut,
    ScanOut,
    VesselCallOut,
    visit_json,
)
from cargoscreen.api.security import CASE_READERS, DECIDERS, Principal, allow
from cargoscreen.api.services import services_of

router = APIRouter(prefix="/api/v1", tags=["containers"])
Limit = Annotated[int, Query(ge=1, le=500)]


@router.get("/vessel-calls", response_model=Page[VesselCallOut], summary="Vessel calls, oldest first")
def vessel_calls(
    request: Request, cursor: str | None = None, limit: Limit = 50, _: Principal = allow(CASE_READERS)
) -> Page[VesselCallOut]:
    with services_of(request).unit_of_work() as uow:
        calls = uow.worklist.vessel_calls(after_id=decode_cursor(cursor) or 0, limit=limit)
    more = encode_cursor(calls[-1].id) if len(calls) == limit else None
    return Page(items=[VesselCallOut.of(call) for call in calls], next_cursor=more)


@router.get("/containers/{number}", response_model=ContainerOut, summary="A container's dossier (audited)")
def container(request: Request, number: str, principal: Principal = allow(CASE_READERS)) -> ContainerOut:
    case = cases.read_container(services_of(request), request, principal, number)
    return ContainerOut(
        container_number=case.dossier.container_number,
        calls=[visit_json(visit) for visit in case.dossier.calls],
        events=[event.model_dump(mode="json") for event in case.dossier.events],
        assessment=case.assessment,
        selection=case.selection,
        decisions=[DecisionOut.of(d) for d in case.decisions],
        outcomes=case.outcomes,
        scans=[ScanOut.of(scan) for scan in case.scans],
    )


@router.get("/containers/{number}/risk", response_model=RiskOut, summary="Latest risk and lane (audited)")
def risk(request: Request, number: str, principal: Principal = allow(CASE_READERS)) -> RiskOut:
    services = services_of(request)
    number = cases.container_number(number)
    with services.unit_of_work() as uow:
        assessment = uow.assessments.latest_for(number)
        selection = uow.selections.decision_for(number)
    services.audit(request, principal, "read", "risk", number)
    return RiskOut(assessment=assessment, selection=selection)


@router.get(
    "/containers/{number}/decisions", response_model=list[DecisionOut], summary="Decisions, newest first"
)
def container_decisions(
    request: Request, number: str, principal: Principal = allow(CASE_READERS)
) -> list[DecisionOut]:
    services = services_of(request)
    number = cases.container_number(number)
    with services.unit_of_work() as uow:
        found = uow.decisions.for_container(number)
    services.audit(request, principal, "read", "decisions", number)
    return [DecisionOut.of(d) for d in found]


@router.post(
    "/containers/{number}/decisions",
    response_model=DecisionOut,
    status_code=201,
    summary="Release the container or send it to physical inspection (audited)",
)
def add_decision(
    request: Request, number: str, body: DecisionIn, principal: Principal = allow(DECIDERS)
) -> DecisionOut:
    decision = cases.decide(services_of(request), request, principal, number, body.decision, body.reason)
    return DecisionOut.of(decision)


@router.get("/decisions", response_model=Page[DecisionOut], summary="Every decision, newest first")
def decisions(
    request: Request, cursor: str | None = None, limit: Limit = 50, principal: Principal = allow(CASE_READERS)
) -> Page[DecisionOut]:
    services = services_of(request)
    with services.unit_of_work() as uow:
        found = uow.decisions.list(before_id=decode_cursor(cursor), limit=limit)
    services.audit(request, principal, "list", "decisions", cursor or "first")
    more = encode_cursor(found[-1].id) if len(found) == limit else None
    return Page(items=[DecisionOut.of(d) for d in found], next_cursor=more)
