"""Security incidents (intrusion alerts in custody zones) for the custody team: page and API, audited."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from cargoscreen.api.pages import render
from cargoscreen.api.security import INCIDENT_READERS, Principal, allow
from cargoscreen.api.services import services_of
from cargoscreen.store.repositories.sensors import StoredIncident

router = APIRouter()


class IncidentOut(BaseModel):
    incident_id: str
    site: str
    zone: str
    opened_at: datetime
    detected: str
    confidence: float
    status: str


def _open_incidents(request: Request, principal: Principal) -> list[StoredIncident]:
    services = services_of(request)
    with services.unit_of_work() as uow:
        found = uow.sensors.incidents("open")
        services.audit(request, principal, "list", "security_incidents", "open", uow=uow)
    return found


@router.get("/incidents", include_in_schema=False)
def incidents_page(request: Request, principal: Principal = allow(INCIDENT_READERS)) -> Response:
    return render(request, principal, "incidents.html", incidents=_open_incidents(request, principal))


@router.get(
    "/api/v1/incidents",
    response_model=list[IncidentOut],
    tags=["sensors"],
    summary="Open security incidents: intrusions in custody zones (audited)",
)
def incidents(request: Request, principal: Principal = allow(INCIDENT_READERS)) -> list[IncidentOut]:
    return [IncidentOut.model_validate(i, from_attributes=True) for i in _open_incidents(request, principal)]
