"""The audit log, for supervisors and administrators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from cargoscreen.api.pagination import Page, decode_cursor, encode_cursor
from cargoscreen.api.schemas import AuditOut
from cargoscreen.api.security import AUDITORS, Principal, allow
from cargoscreen.api.services import services_of

router = APIRouter(prefix="/api/v1", tags=["audit"])


@router.get("/audit", response_model=Page[AuditOut], summary="Audit entries, newest first (filterable)")
def audit_log(
    request: Request,
    actor: str | None = None,
    action: str | None = None,
    object_kind: str | None = None,
    object_id: str | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    principal: Principal = allow(AUDITORS),
) -> Page[AuditOut]:
    services = services_of(request)
    with services.unit_of_work() as uow:
        entries = uow.audit.list(
            actor=actor,
            action=action,
            object_kind=object_kind,
            object_id=object_id,
            before_id=decode_cursor(cursor),
            limit=limit,
        )
    services.audit(request, principal, "read", "audit_log", cursor or "first")
    more = encode_cursor(entries[-1].id) if len(entries) == limit else None
    return Page(items=[AuditOut.of(entry) for entry in entries], next_cursor=more)
