"""Scans, the image AI's findings and display renditions (partners see only their own submissions)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from cargoscreen.api import cases
from cargoscreen.api.pagination import Page, decode_cursor, encode_cursor
from cargoscreen.api.schemas import ScanDetailOut, ScanOut
from cargoscreen.api.security import CASE_READERS, Principal, allow
from cargoscreen.api.services import services_of
from cargoscreen.store.repositories.users import Role

router = APIRouter(prefix="/api/v1/scans", tags=["scans"])
SCAN_READERS = CASE_READERS | {Role.PARTNER_PORT}
Limit = Annotated[int, Query(ge=1, le=500)]


@router.get("", response_model=Page[ScanOut], summary="Scans in storage order (a partner: its own)")
def scans(
    request: Request,
    flagged: bool | None = None,
    cursor: str | None = None,
    limit: Limit = 50,
    principal: Principal = allow(SCAN_READERS),
) -> Page[ScanOut]:
    services = services_of(request)
    own = principal.submitter if Role.PARTNER_PORT in principal.roles else None
    after = decode_cursor(cursor) or 0
    with services.unit_of_work() as uow:
        refs = uow.worklist.scan_refs(flagged=flagged, submitted_by=own, after_id=after, limit=limit + 1)
        found = uow.scans.list(flagged=flagged, submitted_by=own, after_id=after, limit=limit)
    services.audit(request, principal, "list", "scans", cursor or "first")
    more = encode_cursor(refs[limit - 1]) if len(refs) > limit else None
    return Page(items=[ScanOut.of(scan) for scan in found], next_cursor=more)


@router.get("/{scan_id}", response_model=ScanDetailOut, summary="A scan with its findings (audited)")
def scan(request: Request, scan_id: str, principal: Principal = allow(SCAN_READERS)) -> ScanDetailOut:
    case = cases.read_scan(services_of(request), request, principal, scan_id)
    base = ScanOut.of(case.scan)
    return ScanDetailOut(
        **base.model_dump(),
        findings=case.findings.findings if case.findings else None,
        analysed_at=case.findings.analysed_at if case.findings else None,
        renditions=case.renditions,
    )


@router.get(
    "/{scan_id}/renditions/{name:path}",
    summary="A display rendition: window/<kV>, thumbnail, heatmap, tile/<kV>/<level>/<col>_<row>",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}},
)
def rendition(
    request: Request, scan_id: str, name: str, principal: Principal = allow(SCAN_READERS)
) -> Response:
    data, media_type = cases.read_rendition(services_of(request), principal, scan_id, name)
    return Response(data, media_type=media_type, headers={"Cache-Control": "private, max-age=3600"})
