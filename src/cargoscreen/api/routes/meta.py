"""Who am I, is the service up, and the OpenAPI document."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from cargoscreen.api.schemas import MeOut
from cargoscreen.api.security import EVERYONE, Principal, allow, public

router = APIRouter(tags=["meta"])


@router.get("/api/v1/health", summary="Liveness (no credentials needed)")
def health(_: Principal | None = public()) -> dict[str, str]:
    return {"status": "ok"}


@router.get("/api/v1/me", response_model=MeOut, summary="The caller's identity and roles")
def me(principal: Principal = allow(EVERYONE)) -> MeOut:
    return MeOut(
        name=principal.name,
        roles=sorted(str(role) for role in principal.roles),
        via=principal.via,
        partner_port=principal.partner_port,
    )


@router.get("/api/openapi.json", include_in_schema=False)
def openapi(request: Request, _: Principal = allow(EVERYONE)) -> dict[str, Any]:
    document: dict[str, Any] = request.app.openapi()
    return document
