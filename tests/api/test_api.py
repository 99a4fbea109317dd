"""The REST API against a real SQLite store: reads, decisions, outcomes, pagination, problems, audit."""

from __future__ import annotations

import pytest
from api_world import GREEN_BOX, PASSWORD, PHYSICAL_BOX, SCAN_BOX, SENSOR_BOX, ClientFactory, World, login
from fastapi.testclient import TestClient
from sqlalchemy.exc import DBAPIError

PROBLEM = "application/problem+json"


def audit(world: World, **filters: str) -> list[dict[str, object]]:
    with world.database.unit_of_work() as uow:
        return [
            {
                "actor": e.actor,
                "action": e.action,
                "object_id": e.object_id,
                "detail": dict(e.detail),
                "request_id": e.request_id,
            }
            for e in uow.audit.list(**filters)  # type: ignore[arg-type]
        ]


def test_the_queue_lists_the_selected_containers_by_rank_with_cursor_pages(client_for: ClientFactory) -> None:
    client = client_for("tara")
    first = client.get("/api/v1/queue", params={"limit": 1}).json()
    assert [i["container_number"] for i in first["items"]] == [PHYSICAL_BOX]
    second = client.get("/api/v1/queue", params={"limit": 1, "cursor": first["next_cursor"]}).json()
    assert [i["container_number"] for i in second["items"]] == [SCAN_BOX]
    assert second["items"][0]["score"] == pytest.approx(0.62)
    assert second["items"][0]["reasons"][0]["text"] == "Reefer from a source port of cocaine"
    third = client.get("/api/v1/queue", params={"limit": 1, "cursor": second["next_cursor"]}).json()
    assert [i["container_number"] for i in third["items"]] == [SENSOR_BOX]  # moved from GREEN by its seal
    assert third["items"][0]["sensor_change"] == "GREEN → SCAN"
    assert third["next_cursor"] is None  # GREEN containers are not in the queue
    assert second["items"][0]["sensor_change"] is None
    physical = client.get("/api/v1/queue", params={"channel": "PHYSICAL"}).json()["items"]
    assert [i["container_number"] for i in physical] == [PHYSICAL_BOX]
    by_score = client.get("/api/v1/queue", params={"sort": "score"}).json()["items"]
    assert [i["container_number"] for i in by_score] == [SCAN_BOX, SENSOR_BOX, PHYSICAL_BOX]


def test_a_bad_cursor_and_bad_parameters_are_problems(client_for: ClientFactory) -> None:
    client = client_for("tara")
    bad = client.get("/api/v1/queue", params={"cursor": "not-ours"})
    assert bad.status_code == 400 and bad.headers["content-type"] == PROBLEM
    invalid = client.get("/api/v1/queue", params={"sort": "drop table"})
    assert invalid.status_code == 422 and invalid.json()["detail"].startswith("invalid request: query.sort")


def test_reading_a_container_returns_the_dossier_and_is_audited(
    client_for: ClientFactory, world: World
) -> None:
    response = client_for("ian").get(
        f"/api/v1/containers/{SCAN_BOX}", headers={"X-Request-ID": "req-dossier-1"}
    )
    assert response.status_code == 200
    body = response.json()
    consignment = body["calls"][0]["consignments"][0]
    assert consignment["consignor"]["name"] == "Exportadora Sintética S.A."
    assert consignment["goods"][0]["hs_code"] == "080390"
    assert body["calls"][0]["seals"][0]["seal_number"] == "SL100"
    assert body["selection"]["channel"] == "SCAN"
    assert {s["meta"]["origin"] for s in body["scans"]} == {"ARRIVAL", "PRE_DEPARTURE"}
    entries = audit(world, object_id=SCAN_BOX, action="read")
    assert any(e["actor"] == "user:ian" and e["request_id"] == "req-dossier-1" for e in entries)


def test_an_unknown_container_is_a_404_problem(client_for: ClientFactory) -> None:
    response = client_for("tara").get("/api/v1/containers/MSCU0000001")
    assert response.status_code == 404 and response.headers["content-type"] == PROBLEM
    assert "MSCU0000001" in response.json()["detail"]


def test_every_decision_is_stored_and_in_the_audit_log(client_for: ClientFactory, world: World) -> None:
    client = client_for("tara")
    made = client.post(
        f"/api/v1/containers/{PHYSICAL_BOX}/decisions",
        json={"decision": "PHYSICAL_INSPECTION", "reason": "tip confirmed by the liaison officer"},
    )
    assert made.status_code == 201, made.text
    decision = made.json()
    assert (decision["decided_by"], decision["voyage_number"]) == ("user:tara", "045E")
    listed = client.get(f"/api/v1/containers/{PHYSICAL_BOX}/decisions").json()
    assert listed[0]["id"] == decision["id"]
    entry = next(e for e in audit(world, action="decide") if e["object_id"] == str(decision["id"]))
    assert entry["actor"] == "user:tara"
    assert entry["detail"]["decision"] == "PHYSICAL_INSPECTION"
    assert entry["detail"]["reason"] == "tip confirmed by the liaison officer"
    status = {i["container_number"]: i["status"] for i in client.get("/api/v1/queue").json()["items"]}
    assert status[PHYSICAL_BOX] in {"TO_INSPECT", "INSPECTED"}
    with world.database.unit_of_work() as uow:
        decisions = uow.decisions.count()
    assert len([e for e in audit(world, action="decide", limit=1000)]) == decisions


def test_a_decision_without_a_reason_or_without_csrf_is_refused(client_for: ClientFactory) -> None:
    client = client_for("tara")
    empty = client.post(
        f"/api/v1/containers/{SCAN_BOX}/decisions", json={"decision": "RELEASE", "reason": ""}
    )
    assert empty.status_code == 422 and empty.headers["content-type"] == PROBLEM
    del client.headers["X-CSRF-Token"]
    forged = client.post(
        f"/api/v1/containers/{SCAN_BOX}/decisions", json={"decision": "RELEASE", "reason": "x"}
    )
    assert forged.status_code == 403 and "CSRF" in forged.json()["detail"]


def test_an_officer_records_a_seizure_and_a_custody_officer_sees_it(
    client_for: ClientFactory, world: World
) -> None:
    outcome = {
        "container_number": "TGHU 987654 2",
        "imo_number": "9321483",
        "voyage_number": "045E",
        "channel": "PHYSICAL",
        "result": "SEIZURE",
        "substance": "cocaine",
        "seized_kg": 212.5,
        "location": "door end, behind the last pallet row",
    }
    made = client_for("olga").post("/api/v1/outcomes", json=outcome)
    assert made.status_code == 201, made.text
    assert made.json()["outcome"]["recorded_by"] == "user:olga"
    seizures = client_for("cody").get("/api/v1/seizures").json()["items"]
    assert any(s["container_number"] == PHYSICAL_BOX and s["seized_kg"] == 212.5 for s in seizures)
    assert any(e["actor"] == "user:olga" for e in audit(world, action="record_outcome"))
    bad = client_for("olga").post("/api/v1/outcomes", json=outcome | {"seized_kg": 0})
    assert bad.status_code == 422 and "seizure needs the substance" in bad.json()["detail"]


def test_scans_findings_and_renditions(client_for: ClientFactory, world: World) -> None:
    client = client_for("ian")
    detail = client.get(f"/api/v1/scans/{world.arrival_scan}").json()
    assert detail["findings"]["alarm"] is True and detail["findings"]["boxes"][0]["x0"] == 300
    assert {"heatmap", "thumbnail", "window/6000", "ratio"} <= set(detail["renditions"])
    tile = next(name for name in detail["renditions"] if name.startswith("tile/"))
    png = client.get(f"/api/v1/scans/{world.arrival_scan}/renditions/{tile}")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    missing = client.get(f"/api/v1/scans/{world.arrival_scan}/renditions/tile/1/2/3_4")
    assert missing.status_code == 404
    page = client.get("/api/v1/scans", params={"limit": 1}).json()
    rest = client.get("/api/v1/scans", params={"limit": 1, "cursor": page["next_cursor"]}).json()
    assert {page["items"][0]["meta"]["scan_id"], rest["items"][0]["meta"]["scan_id"]} >= {world.arrival_scan}


def test_request_bodies_above_the_limit_are_refused(client_for: ClientFactory) -> None:
    client = client_for("tara")
    response = client.post(
        f"/api/v1/containers/{SCAN_BOX}/decisions",
        content=b"{" + b" " * (2 << 20) + b"}",
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413 and response.headers["content-type"] == PROBLEM


def test_wrong_passwords_bad_tokens_and_disabled_users_are_refused(
    anonymous: TestClient, client_for: ClientFactory, world: World
) -> None:
    with pytest.raises(AssertionError):
        login(anonymous, "tara", "not-the-password")
    assert any(e["object_id"] == "tara" for e in audit(world, action="login_failed"))
    forged = anonymous.get("/api/v1/me", headers={"Authorization": "Bearer cst_forged"})
    assert forged.status_code == 401 and forged.headers["www-authenticate"].startswith("Bearer")
    with world.database.unit_of_work() as uow:
        uow.users.add("leaver", PASSWORD, ["image_analyst"])
    client = client_for("leaver")
    assert client.get("/api/v1/me").json()["roles"] == ["image_analyst"]
    with world.database.unit_of_work() as uow:
        uow.users.set_disabled("leaver")
    assert client.get("/api/v1/me").status_code == 401


def test_a_tampered_session_cookie_is_refused(client_for: ClientFactory) -> None:
    client = client_for("tara")
    cookie = client.cookies.get("cargoscreen_session")
    assert cookie
    body, _, signature = cookie.partition(".")
    client.cookies.clear()
    client.cookies.set("cargoscreen_session", body + "x." + signature)
    assert client.get("/api/v1/me").status_code == 401
    client.cookies.clear()
    client.cookies.set("cargoscreen_session", cookie)
    assert client.get("/api/v1/me").status_code == 200


def test_the_audit_log_is_append_only(world: World) -> None:
    from sqlalchemy import text

    with pytest.raises(DBAPIError, match="append-only"), world.database.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET actor = 'someone else'"))


def test_pages_render_for_a_logged_in_analyst(client_for: ClientFactory, world: World) -> None:
    client = client_for("tara")
    queue = client.get("/queue")
    assert queue.status_code == 200 and PHYSICAL_BOX in queue.text and GREEN_BOX not in queue.text
    page = client.get(f"/containers/{SCAN_BOX}")
    assert "Exportadora Sintética S.A." in page.text and "080390" in page.text and "SL100" in page.text
    assert (
        "Pre-departure" in page.text and f"/api/v1/scans/{world.arrival_scan}/renditions/heatmap" in page.text
    )
    viewer = client.get(f"/scans/{world.arrival_scan}")
    assert "/static/viewer.js" in viewer.text and "window/6000" in viewer.text
    assert client.get("/dashboard/hit_rate.png").content.startswith(b"\x89PNG")
    assert "default-src 'self'" in queue.headers["content-security-policy"]
