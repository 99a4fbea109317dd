"""The app's routers: REST resources under /api/v1 and the workstation's pages."""

from __future__ import annotations

from fastapi import APIRouter

from cargoscreen.api.routes import (
    audit,
    containers,
    meta,
    pages_auth,
    pages_cases,
    pages_custody,
    pages_dashboard,
    pages_sensors,
    partner,
    scans,
    selections,
)

ROUTERS: tuple[APIRouter, ...] = (
    meta.router,
    containers.router,
    selections.router,
    scans.router,
    partner.router,
    audit.router,
    pages_auth.router,
    pages_cases.router,
    pages_dashboard.router,
    pages_sensors.router,
    pages_custody.router,
)
