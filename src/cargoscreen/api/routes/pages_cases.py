"""Workstation pages: today's queue, the container page with its forms, and the scan viewer."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from cargoscreen.api import cases
from cargoscreen.api.pages import render
from cargoscreen.api.problems import Problem
from cargoscreen.api.queue import QueueFilter, filtered
from cargoscreen.api.routes.selections import validated
from cargoscreen.api.security import CASE_READERS, DECIDERS, RECORDERS, Principal, allow
from cargoscreen.api.sensor_view import sensor_panel
from cargoscreen.api.services import services_of
from cargoscreen.domain.outcomes import InspectionOutcome
from cargoscreen.domain.scans import ScanOrigin
from cargoscreen.domain.targeting import Channel
from cargoscreen.ingest.images.derivatives import TILE_SIZE
from cargoscreen.store.repositories.decisions import Verdict
from cargoscreen.store.repositories.worklist import QueueStatus

router = APIRouter(include_in_schema=False)
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}


@router.get("/queue")
def queue_page(
    request: Request,
    channel: Annotated[str, Query(pattern="^(|SCAN|PHYSICAL)$")] = "",
    status: Annotated[str, Query(pattern="^(|PENDING|SCANNED|RELEASED|TO_INSPECT|INSPECTED)$")] = "",
    q: Annotated[str | None, Query(max_length=40)] = None,
    sort: Annotated[str, Query(pattern="^-?(rank|score|container)$")] = "rank",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    principal: Principal = allow(CASE_READERS),
) -> Response:
    services = services_of(request)
    with services.unit_of_work() as uow:
        found = uow.worklist.queue(cache=services.queue_cache)
    wanted = QueueFilter(
        Channel(channel) if channel else None, QueueStatus(status) if status else None, q, sort
    )
    items = services.queue_views.get(found, wanted, lambda: filtered(found.items if found else (), wanted))
    size = services.settings.web.page_size
    pages = max(1, -(-len(items) // size))
    filters = {"channel": channel, "status": status, "q": q or "", "sort": sort}
    rows = services.queue_views.get(
        found,
        (wanted, page, size),
        lambda: services.templates.env.get_template("queue_rows.html").render(
            items=items[(page - 1) * size : page * size], page=page, pages=pages, filters=filters
        ),
    )
    return render(
        request,
        principal,
        "queue.html",
        queue=found,
        rows=Markup(rows),
        total=len(items),
        filters=filters,
        channels=[Channel.SCAN, Channel.PHYSICAL],
        statuses=list(QueueStatus),
    )


@router.get("/containers/{number}")
def container_page(request: Request, number: str, principal: Principal = allow(CASE_READERS)) -> Response:
    services, number = services_of(request), cases.container_number(number)
    with services.unit_of_work() as uow:  # one read transaction for the whole page
        case = cases.load_container(uow, number)
        heatmaps = {s.meta.scan_id for s in case.scans if uow.scans.rendition(s.meta.scan_id, "heatmap")}
        sensors = sensor_panel(uow, number)
    services.audit(request, principal, "read", "container", number)
    pre = [s for s in case.scans if s.meta.origin is ScanOrigin.PRE_DEPARTURE]
    arrival = [s for s in case.scans if s.meta.origin is ScanOrigin.ARRIVAL]
    return render(
        request,
        principal,
        "container.html",
        case=case,
        pre_departure=pre[-1] if pre else None,
        arrival=arrival[-1] if arrival else None,
        verdicts=list(Verdict),
        heatmaps=heatmaps,
        sensors=sensors,
        last_call=case.dossier.calls[-1] if case.dossier.calls else None,
    )


@router.post("/containers/{number}/decision")
def decision_form(
    request: Request,
    number: str,
    decision: Annotated[Verdict, Form()],
    reason: Annotated[str, Form(max_length=2000)],
    principal: Principal = allow(DECIDERS),
) -> Response:
    cases.decide(services_of(request), request, principal, number, decision, reason)
    return RedirectResponse(f"/containers/{cases.container_number(number)}#decisions", status_code=303)


@router.post("/containers/{number}/outcome")
async def outcome_form(
    request: Request,
    number: str,
    imo_number: Annotated[str, Form(max_length=10)],
    voyage_number: Annotated[str, Form(max_length=32)],
    result: Annotated[str, Form(max_length=10)],
    channel: Annotated[str, Form(max_length=10)] = "PHYSICAL",
    substance: Annotated[str, Form(max_length=60)] = "",
    seized_kg: Annotated[float, Form(ge=0, le=100_000)] = 0.0,
    location: Annotated[str, Form(max_length=60)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
    photos: Annotated[list[UploadFile] | None, File()] = None,
    principal: Principal = allow(RECORDERS),
) -> Response:
    values = {
        "container_number": cases.container_number(number),
        "imo_number": imo_number,
        "voyage_number": voyage_number,
        "channel": channel,
        "result": result,
        "substance": substance.strip(),
        "seized_kg": seized_kg,
        "location": location.strip(),
        "note": note.strip(),
        "recorded_by": principal.actor,
        "recorded_at": datetime.now(UTC),
    }
    outcome = validated(InspectionOutcome, values)
    images = []
    for photo in photos or []:
        if not photo.filename:
            continue
        if photo.content_type not in PHOTO_TYPES:
            raise Problem(422, f"photo {photo.filename}: {photo.content_type} is not JPEG, PNG or WebP")
        images.append((photo.filename, photo.content_type, await photo.read()))
    from starlette.concurrency import run_in_threadpool

    await run_in_threadpool(cases.record_outcome, services_of(request), request, principal, outcome, images)
    return RedirectResponse(f"/containers/{outcome.container_number}#outcomes", status_code=303)


@router.get("/containers/{number}/photos/{sha256}")
def photo(request: Request, number: str, sha256: str, principal: Principal = allow(CASE_READERS)) -> Response:
    services = services_of(request)
    number = cases.container_number(number)
    with services.unit_of_work() as uow:
        found = next((p for p in uow.photos.for_container(number) if p.sha256 == sha256), None)
    if found is None:
        raise Problem(404, f"container {number} has no photo {sha256}")
    services.audit(request, principal, "read", "photo", sha256, {"container_number": number})
    return Response(services.blobs.get(sha256), media_type=found.media_type)


@router.get("/scans/{scan_id}")
def scan_page(request: Request, scan_id: str, principal: Principal = allow(CASE_READERS)) -> Response:
    case = cases.read_scan(services_of(request), request, principal, scan_id)
    tiled = {name.split("/")[1] for name in case.renditions if name.startswith("tile/")}
    channels = [
        (
            f"window/{kv}",
            f"{kv / 1000:g} MV" if kv >= 1000 else f"{kv} kV",
            f"tile/{kv}" if str(kv) in tiled else "",
        )
        for kv in (c.energy_kv for c in case.scan.channels)
    ]
    if "ratio" in case.renditions:
        channels.append(("ratio", "high/low ratio", ""))
    return render(
        request,
        principal,
        "scan.html",
        case=case,
        channels=[c for c in channels if c[0] in case.renditions or c[2]],
        tile_size=TILE_SIZE,
        boxes=[box.as_list() for box in case.findings.findings.boxes] if case.findings else [],
    )
