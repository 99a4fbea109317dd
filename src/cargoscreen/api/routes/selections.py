"""Today's queue (the selected containers and their state), selection runs and inspection outcomes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from cargoscreen.api import cases
from cargoscreen.api.pagination import Page, decode_cursor, encode_cursor
from cargoscreen.api.problems import Problem
from cargoscreen.api.queue import QueueFilter, filtered
from cargoscreen.api.schemas import OutcomeIn, OutcomeOut, QueueItemOut
from cargoscreen.api.security import CASE_READERS, RECORDERS, Principal, allow
from cargoscreen.api.services import services_of
from cargoscreen.domain.outcomes import InspectionOutcome
from cargoscreen.domain.targeting import Channel
from cargoscreen.store.repositories.users import Role
from cargoscreen.store.repositories.worklist import QueueStatus

router = APIRouter(prefix="/api/v1", tags=["targeting"])
Limit = Annotated[int, Query(ge=1, le=500)]
SEIZURE_READERS = CASE_READERS | {Role.CUSTODY_OFFICER}


@router.get("/selections/latest", summary="The latest selection run: day, capacity and lanes used")
def latest_selection(
    request: Request, run_date: date | None = None, _: Principal = allow(CASE_READERS)
) -> dict[str, Any]:
    with services_of(request).unit_of_work() as uow:
        queue = uow.worklist.queue(run_date)
    if queue is None:
        raise Problem(404, "no selection run is stored" + (f" for {run_date}" if run_date else ""))
    by_channel: dict[str, int] = {}
    for item in queue.items:
        by_channel[item.channel] = by_channel.get(item.channel, 0) + 1
    return {"run_id": queue.run_id, "run_date": queue.run_date.isoformat(), "selected": by_channel}


@router.get("/queue", response_model=Page[QueueItemOut], summary="Selected containers with their state")
def queue(
    request: Request,
    channel: Channel | None = None,
    status: QueueStatus | None = None,
    q: Annotated[str | None, Query(max_length=40, description="container number or vessel contains")] = None,
    sort: Annotated[str, Query(pattern="^-?(rank|score|container)$")] = "rank",
    cursor: str | None = None,
    limit: Limit = 50,
    _: Principal = allow(CASE_READERS),
) -> Page[QueueItemOut]:
    services = services_of(request)
    with services.unit_of_work() as uow:
        found = uow.worklist.queue(cache=services.queue_cache)
    items = filtered(found.items if found else (), QueueFilter(channel, status, q, sort))
    start = decode_cursor(cursor) or 0
    page = items[start : start + limit]
    more = encode_cursor(start + limit) if start + limit < len(items) else None
    return Page(items=[QueueItemOut.of(item) for item in page], next_cursor=more)


@router.post("/outcomes", response_model=OutcomeOut, status_code=201, summary="Record an inspection outcome")
def add_outcome(request: Request, body: OutcomeIn, principal: Principal = allow(RECORDERS)) -> OutcomeOut:
    outcome = _outcome(body, principal)
    stored = cases.record_outcome(services_of(request), request, principal, outcome)
    return OutcomeOut(stored=stored, outcome=outcome)


@router.get("/outcomes", response_model=Page[InspectionOutcome], summary="Inspection outcomes, oldest first")
def outcomes(
    request: Request,
    cursor: str | None = None,
    limit: Limit = 50,
    principal: Principal = allow(SEIZURE_READERS),
) -> Page[InspectionOutcome]:
    services = services_of(request)
    with services.unit_of_work() as uow:
        every = uow.outcomes.all()
    start = decode_cursor(cursor) or 0
    services.audit(request, principal, "list", "outcomes", cursor or "first")
    more = encode_cursor(start + limit) if start + limit < len(every) else None
    return Page(items=every[start : start + limit], next_cursor=more)


@router.get("/seizures", response_model=Page[InspectionOutcome], summary="Seizures, newest first")
def seizures(
    request: Request,
    cursor: str | None = None,
    limit: Limit = 50,
    principal: Principal = allow(SEIZURE_READERS),
) -> Page[InspectionOutcome]:
    services = services_of(request)
    start = decode_cursor(cursor) or 0
    with services.unit_of_work() as uow:
        found = uow.worklist.seizures(offset=start, limit=limit)
    services.audit(request, principal, "list", "seizures", cursor or "first")
    more = encode_cursor(start + limit) if len(found) == limit else None
    return Page(items=found, next_cursor=more)


def _outcome(body: OutcomeIn, principal: Principal) -> InspectionOutcome:
    values = body.model_dump() | {"recorded_by": principal.actor, "recorded_at": datetime.now(UTC)}
    values["container_number"] = cases.container_number(body.container_number)
    return validated(InspectionOutcome, values)


def validated(model: type[InspectionOutcome], values: dict[str, Any]) -> InspectionOutcome:
    """The domain record, or 422 naming every field at fault."""
    from pydantic import ValidationError

    try:
        return model.model_validate(values)
    except ValidationError as exc:
        where = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'outcome'}: {e['msg']}" for e in exc.errors())
        raise Problem(422, f"invalid outcome: {where}") from None
