"""Workstation pages: the dashboard (plots rendered server-side) and the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from cargoscreen.api.pages import DASHBOARD_ROLES, render
from cargoscreen.api.plots import PLOTS, plot_png
from cargoscreen.api.problems import Problem
from cargoscreen.api.security import AUDITORS, Principal, allow
from cargoscreen.api.services import services_of

router = APIRouter(include_in_schema=False)


@router.get("/dashboard")
def dashboard(request: Request, principal: Principal = allow(DASHBOARD_ROLES)) -> Response:
    with services_of(request).unit_of_work() as uow:
        days = uow.worklist.daily_counts()
        models = uow.models.list()
    return render(request, principal, "dashboard.html", days=days, models=models, plots=PLOTS)


@router.get("/dashboard/{name}.png")
async def dashboard_plot(request: Request, name: str, _: Principal = allow(DASHBOARD_ROLES)) -> Response:
    if name not in PLOTS:
        raise Problem(404, f"no plot {name!r}; plots: {', '.join(PLOTS)}")
    services = services_of(request)

    def draw() -> bytes:
        with services.unit_of_work() as uow:
            return plot_png(name, uow.worklist.daily_counts())

    png = await run_in_threadpool(draw)
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})


@router.get("/audit")
def audit_page(
    request: Request,
    actor: Annotated[str | None, Query(max_length=80)] = None,
    object_id: Annotated[str | None, Query(max_length=160)] = None,
    principal: Principal = allow(AUDITORS),
) -> Response:
    services = services_of(request)
    with services.unit_of_work() as uow:
        entries = uow.audit.list(actor=actor or None, object_id=object_id or None, limit=200)
    services.audit(request, principal, "read", "audit_log", "page")
    return render(
        request, principal, "audit.html", entries=entries, actor=actor or "", object_id=object_id or ""
    )
