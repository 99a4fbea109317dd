"""Workstation pages of the custody team (cases, alerts, destruction plan, transfers) and the scan plan."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from cargoscreen.api import custody_view
from cargoscreen.api.pages import render
from cargoscreen.api.problems import Problem
from cargoscreen.api.security import CUSTODY_READERS, PLAN_READERS, Principal, allow
from cargoscreen.api.services import Services, services_of
from cargoscreen.custody.events import Transfer
from cargoscreen.custody.models import BagWeight, SealCondition
from cargoscreen.store.repositories.users import Role

router = APIRouter(include_in_schema=False)
CASE_PATH = "/custody/{case_number}"


@router.get("/custody")
def custody_page(request: Request, principal: Principal = allow(CUSTODY_READERS)) -> Response:
    view = custody_view.overview(services_of(request), request, principal)
    return render(request, principal, "custody.html", view=view)


@router.get(CASE_PATH)
def custody_case_page(
    request: Request, case_number: str, principal: Principal = allow(CUSTODY_READERS)
) -> Response:
    view = custody_view.read_case(services_of(request), request, principal, case_number)
    return render(request, principal, "custody_case.html", view=view, conditions=list(SealCondition))


@router.post(CASE_PATH + "/transfer")
async def transfer_form(
    request: Request,
    case_number: str,
    received_by: Annotated[str, Form(max_length=64)] = "",
    witness_password: Annotated[str, Form(max_length=256)] = "",
    purpose: Annotated[str, Form(max_length=200)] = "",
    seal_condition: Annotated[SealCondition, Form()] = SealCondition.INTACT,
    from_location: Annotated[str, Form(max_length=200)] = "",
    to_location: Annotated[str, Form(max_length=200)] = "",
    bags: Annotated[list[str] | None, Form()] = None,
    weights: Annotated[str, Form(max_length=2000)] = "",
    principal: Principal = allow(Role.CUSTODY_OFFICER),
) -> Response:
    services = services_of(request)
    second = await run_in_threadpool(_second_person, services, principal, received_by, witness_password)
    event = _transfer(case_number, principal, second, purpose, seal_condition, from_location, to_location,
                      bags, weights)  # fmt: skip
    detail = event.model_dump(mode="json")
    await run_in_threadpool(custody_view.record, services, request, principal, event, detail)
    return RedirectResponse(f"/custody/{case_number}#ledger", status_code=303)


@router.get("/plan")
def plan_page(request: Request, principal: Principal = allow(PLAN_READERS)) -> Response:
    with services_of(request).unit_of_work() as uow:
        plan = uow.planning.latest_plan()
        scanners = uow.planning.scanners()
    by_scanner: dict[str, list[object]] = {s["scanner_id"]: [] for s in scanners}
    for slot in plan.slots if plan else ():
        by_scanner.setdefault(slot.scanner_id, []).append(slot)
    return render(request, principal, "plan.html", plan=plan, scanners=scanners, by_scanner=by_scanner)


def _second_person(services: Services, principal: Principal, name: str, password: str) -> str:
    """The receiving custody officer, who confirms with their own password: the two-person rule."""
    name = name.strip().lower()
    if not name or not password:
        raise Problem(422, "a transfer needs a second person: the receiving officer and their password")
    if name == principal.name.lower():
        raise Problem(422, "a transfer needs two different people; the receiving officer is you")
    with services.unit_of_work() as uow:
        user = uow.users.authenticate(name, password)
    if user is None or Role.CUSTODY_OFFICER not in user.roles:
        raise Problem(
            422, f"the receiving officer {name!r} is not a custody officer or the password is wrong"
        )
    return user.username


def _transfer(
    case_number: str,
    principal: Principal,
    second: str,
    purpose: str,
    seal: SealCondition,
    from_location: str,
    to_location: str,
    bags: list[str] | None,
    weights: str,
) -> Transfer:
    try:
        weighed = tuple(
            BagWeight(bag_serial=serial.strip(), kg=float(kg))
            for serial, _, kg in (line.partition("=") for line in weights.split() if line.strip())
        )
        return Transfer(
            case_number=case_number, occurred_at=datetime.now(UTC), recorded_by=principal.actor,
            bag_serials=tuple(bags or ()), released_by=principal.name, received_by=second,
            from_location=from_location.strip(), to_location=to_location.strip(), purpose=purpose.strip(),
            seal_condition=seal, weighed=weighed,
        )  # fmt: skip
    except ValueError as exc:
        raise Problem(422, f"invalid transfer: {exc}") from None
