"""Rendering helpers of the workstation pages (templates live in ``cargoscreen/web/templates``)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from cargoscreen.api.security import (
    AUDITORS,
    CASE_READERS,
    CUSTODY_READERS,
    DECIDERS,
    INCIDENT_READERS,
    PLAN_READERS,
    RECORDERS,
    Principal,
)
from cargoscreen.api.services import services_of
from cargoscreen.store.repositories.users import Role

DASHBOARD_ROLES = frozenset({Role.SUPERVISOR, Role.TARGETING_ANALYST, Role.IMAGE_ANALYST, Role.ADMIN})


def render(
    request: Request, principal: Principal, template: str, status_code: int = 200, **context: Any
) -> Response:
    """A page with the layout's context: who is logged in, what they may open, the CSRF token."""
    services = services_of(request)
    may = {
        "queue": principal.has_any(CASE_READERS),
        "decide": principal.has_any(DECIDERS),
        "record": principal.has_any(RECORDERS),
        "dashboard": principal.has_any(DASHBOARD_ROLES),
        "audit": principal.has_any(AUDITORS),
        "incidents": principal.has_any(INCIDENT_READERS),
        "custody": principal.has_any(CUSTODY_READERS),
        "plan": principal.has_any(PLAN_READERS),
        "transfer": Role.CUSTODY_OFFICER in principal.roles,
    }
    values = {"principal": principal, "csrf": principal.csrf, "may": may, **context}
    response: Response = services.templates.TemplateResponse(
        request, template, values, status_code=status_code
    )
    response.headers["Cache-Control"] = "no-store"
    return response
