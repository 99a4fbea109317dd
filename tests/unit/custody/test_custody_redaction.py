"""Need-to-know: storage locations and destruction appointments are for custody officers only."""

from __future__ import annotations

import json

import pytest
from custody_samples import INCINERATOR, KEY, VAULT, at, lifecycle, session

from cargoscreen.custody.destruction import plan_destruction
from cargoscreen.custody.ledger import Ledger
from cargoscreen.custody.models import Role
from cargoscreen.custody.redaction import WITHHELD, case_view, entry_view, event_view, plan_view, sees_secrets
from cargoscreen.custody.state import replay

OTHERS = [r for r in Role if r is not Role.CUSTODY_OFFICER]


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_never_see_locations_or_appointments(role: Role) -> None:
    book = Ledger(KEY)
    for event in lifecycle():
        book.append(event)
    shown = json.dumps(
        [event_view(e, role) for e in lifecycle()] + [entry_view(e, role) for e in book.entries]
    )
    assert VAULT not in shown and INCINERATOR not in shown and "SESS-0001" not in shown
    assert session().starts_at.isoformat() not in shown
    assert WITHHELD in shown
    assert "001-BAG-2" in shown and "custodian.c" in shown, "bags and people stay visible"
    assert not sees_secrets(role) and not sees_secrets(role.value)


def test_the_custody_role_sees_everything() -> None:
    storage = lifecycle()[3]
    assert event_view(storage, Role.CUSTODY_OFFICER)["location"] == VAULT
    assert event_view(storage, "custody_officer") == storage.model_dump(mode="json")
    assert event_view(storage, "inspection_officer")["location"] == WITHHELD


def test_case_and_plan_views_are_redacted() -> None:
    scheduled = replay(lifecycle()[:7])["CASE-2026-001"]
    assert case_view(scheduled, Role.CUSTODY_OFFICER)["location"] == VAULT
    custody = json.dumps(case_view(scheduled, Role.CUSTODY_OFFICER))
    assert INCINERATOR in custody
    analyst = case_view(scheduled, Role.TARGETING_ANALYST)
    assert analyst["location"] == WITHHELD
    assert INCINERATOR not in json.dumps(analyst) and analyst["held_kg"] == pytest.approx(60.02)
    authorised = replay(lifecycle()[:6])["CASE-2026-001"]
    plan = plan_destruction([authorised], [session()], now=at(10))
    assert INCINERATOR in json.dumps(plan_view(plan, Role.CUSTODY_OFFICER))
    hidden = json.dumps(plan_view(plan, Role.SUPERVISOR))
    assert INCINERATOR not in hidden and "001-BAG-2" in hidden


def test_unknown_roles_are_refused() -> None:
    with pytest.raises(ValueError):
        sees_secrets("janitor")
