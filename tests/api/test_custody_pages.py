"""Custody and scan-plan pages (issue 7): cases with state, bags, weights, alerts and the destruction plan;
need-to-know (places and appointments for custody officers only); transfers under the two-person rule;
every custody read audited. The world's case went through the real custody pipeline (api_world.py)."""

from __future__ import annotations

import re

import pytest
from api_world import (
    GREEN_BOX,
    INCINERATOR,
    PASSWORD,
    PHYSICAL_BOX,
    SCAN_BOX,
    SECOND_CUSTODIAN,
    SENSOR_BOX,
    STORE_NAME,
    ClientFactory,
    World,
)

from cargoscreen.custody.redaction import WITHHELD

#: Where the transfer test moves a bag (still inside the store: the need-to-know matrix looks for its name).
STORE_SHELF = f"{STORE_NAME}, shelf 2"


def audited(world: World, actor: str, object_kind: str) -> list[str]:
    with world.database.unit_of_work() as uow:
        return [e.action for e in uow.audit.list(actor=actor, object_kind=object_kind)]


def ledger_size(world: World) -> int:
    with world.database.unit_of_work() as uow:
        return uow.custody.count()


def test_a_custody_officer_sees_cases_alerts_places_and_appointments(
    client_for: ClientFactory, world: World
) -> None:
    page = client_for("cody").get("/custody")
    assert page.status_code == 200
    cases = page.text[page.text.index('id="cases"') :]
    assert world.case_number in cases and "SCHEDULED" in cases and GREEN_BOX in cases
    assert "50.0 kg cocaine" in cases and "checks reconciled" in cases
    assert STORE_NAME in cases
    alerts = page.text[page.text.index('id="alerts"') : page.text.index('id="cases"')]
    assert "destruction overdue" in alerts  # seized on 2026-03-12 in the SYNTHETIC world, never burnt
    booked = page.text[page.text.index('id="booked"') : page.text.index('id="proposed"')]
    assert INCINERATOR in booked and re.search(r"INC1-\d{12}", booked)
    assert audited(world, "user:cody", "custody_cases")[0] == "list"


@pytest.mark.parametrize("user", ["sam", "ada"])
def test_supervisors_and_admins_see_the_cases_without_places_or_appointments(
    client_for: ClientFactory, world: World, user: str
) -> None:
    client = client_for(user)
    for path in ("/custody", f"/custody/{world.case_number}"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert world.case_number in page.text and "SCHEDULED" in page.text  # state and weights stay visible
        assert STORE_NAME not in page.text and INCINERATOR not in page.text and "INC1-" not in page.text, path
        assert WITHHELD in page.text
    case = client.get(f"/custody/{world.case_number}").text
    assert "PACKAGED" in case and "AUTHORISED" in case  # the ledger's events, redacted
    assert 'id="transfer"' not in case  # only custody officers record transfers
    assert audited(world, f"user:{user}", "custody_case")[0] == "read"


def test_an_unknown_case_is_404(client_for: ClientFactory) -> None:
    assert client_for("cody").get("/custody/AN-1999-0001").status_code == 404


def _transfer_form(client_for: ClientFactory, world: World) -> tuple[object, dict[str, str]]:
    client = client_for("cody")
    page = client.get(f"/custody/{world.case_number}").text
    bags = re.findall(r'name="bags" value="([^"]+)"', page)
    assert bags
    form = {"purpose": "to the laboratory", "to_location": STORE_SHELF, "bags": bags[0],
            "seal_condition": "intact"}  # fmt: skip
    return client, form


@pytest.mark.parametrize(
    ("second", "password", "why"),
    [
        ("", "", "needs a second person"),
        ("cody", PASSWORD, "two different people"),
        (SECOND_CUSTODIAN, "wrong-password", "password is wrong"),
        ("tara", PASSWORD, "is not a custody officer"),
    ],
)
def test_a_transfer_without_a_second_custody_officer_is_refused_and_writes_nothing(
    client_for: ClientFactory, world: World, second: str, password: str, why: str
) -> None:
    client, form = _transfer_form(client_for, world)
    before = ledger_size(world)
    refused = client.post(  # type: ignore[attr-defined]
        f"/custody/{world.case_number}/transfer",
        data=form | {"received_by": second, "witness_password": password},
        follow_redirects=False,
    )
    assert refused.status_code == 422 and why in refused.json()["detail"]
    assert ledger_size(world) == before


def test_a_witnessed_transfer_is_signed_into_the_ledger_and_audited_without_its_places(
    client_for: ClientFactory, world: World
) -> None:
    client, form = _transfer_form(client_for, world)
    before = ledger_size(world)
    done = client.post(  # type: ignore[attr-defined]
        f"/custody/{world.case_number}/transfer",
        data=form | {"received_by": SECOND_CUSTODIAN.upper(), "witness_password": PASSWORD},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    assert ledger_size(world) == before + 1
    page = client.get(f"/custody/{world.case_number}").text  # type: ignore[attr-defined]
    assert "TRANSFERRED" in page and STORE_SHELF in page and SECOND_CUSTODIAN in page
    with world.database.unit_of_work() as uow:
        (entry,) = uow.audit.list(actor="user:cody", action="custody_transferred")
    assert entry.detail["received_by"] == SECOND_CUSTODIAN and entry.detail["to_location"] == WITHHELD
    assert STORE_SHELF not in client_for("sam").get("/audit").text  # auditors never see places


def test_a_supervisor_cannot_record_a_transfer(client_for: ClientFactory, world: World) -> None:
    refused = client_for("sam").post(
        f"/custody/{world.case_number}/transfer",
        data={"purpose": "x", "received_by": SECOND_CUSTODIAN, "witness_password": PASSWORD},
    )
    assert refused.status_code == 403


@pytest.mark.parametrize("user", ["tara", "sam", "olga"])
def test_the_scan_plan_shows_each_scanners_slots(client_for: ClientFactory, user: str) -> None:
    page = client_for(user).get("/plan")
    assert page.status_code == 200
    ms1 = page.text[page.text.index('id="scanner-MS-1"') : page.text.index('id="scanner-MS-2"')]
    assert SCAN_BOX in ms1 and "06:30–06:33" in ms1 and "CUSTOMS-SCAN-EVENT-1" in ms1 and "fixed" in ms1
    ms2 = page.text[page.text.index('id="scanner-MS-2"') :]
    assert SENSOR_BOX in ms2 and "08:00–08:04" in ms2 and "4 min scan" in ms2
    assert PHYSICAL_BOX in page.text[page.text.index('id="unplanned"') :]
