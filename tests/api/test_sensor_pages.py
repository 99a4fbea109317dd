"""Sensors on the workstation: the container's event timeline and lane changes, the queue's marker, and
the custody team's security incidents (issue 6). The world's sensor messages went through the real
sensor pipeline (tests/api/api_world.py)."""

from __future__ import annotations

import re

import pytest
from api_world import SCAN_BOX, SENSOR_BOX, ClientFactory, World


def test_the_container_page_shows_the_sensor_timeline_and_the_lane_change(client_for: ClientFactory) -> None:
    page = client_for("tara").get(f"/containers/{SENSOR_BOX}")
    assert page.status_code == 200
    section = page.text[page.text.index('id="sensors"') :]
    change = re.search(r'<table class="lane-changes">.*?</table>', section, re.S)
    assert change is not None
    row = change.group(0)
    assert "GREEN</span> → <span" in row and "SCAN</span>" in row
    assert "0.63" in row  # 1 - (1 - 0.08) × (1 - 0.6): the seal tamper folded into the score
    assert "forced to SCAN by a sensor signal" in row
    assert f"CUSTOMS-CUSTOMS_SELECTED_FOR_SCAN-{SENSOR_BOX}-" in row  # the DCSA event sent to the terminal
    timeline = re.search(r'<table class="sensor-timeline">.*?</table>', section, re.S)
    assert timeline is not None
    rows = re.findall(r"<tr(?: class=\"signalled\")?><td>(.*?)</td>", timeline.group(0))
    assert rows == ["2026-03-06 06:00:00", "2026-03-09 06:00:00", "2026-03-10 06:00:00"]  # by time
    assert "seal SL400 sealed at COCTG" in timeline.group(
        0
    ) and "breadcrumb at 10.390, -75.530" in timeline.group(0)
    assert timeline.group(0).count('class="signalled"') == 1
    assert "e-seal ISO-ES-0042 reports tampering (read at COCTG)" in timeline.group(0)


def test_a_container_without_sensor_data_has_no_sensor_section(client_for: ClientFactory) -> None:
    page = client_for("tara").get(f"/containers/{SCAN_BOX}")
    assert page.status_code == 200 and 'id="sensors"' not in page.text


def test_the_queue_marks_containers_retargeted_by_sensors(client_for: ClientFactory) -> None:
    page = client_for("ian").get("/queue", params={"page": 2})
    assert page.status_code == 200
    marks = re.findall(r'<span class="sensor-mark"[^>]*>([^<]+)</span>', page.text)
    assert marks == ["sensor GREEN → SCAN"] and SENSOR_BOX in page.text


@pytest.mark.parametrize("user", ["cody", "sam"])
def test_the_custody_team_sees_open_security_incidents_and_the_read_is_audited(
    client_for: ClientFactory, world: World, user: str
) -> None:
    client = client_for(user)
    page = client.get("/incidents")
    assert page.status_code == 200
    assert "custody-vault-A" in page.text and "INC-BEANR-CAM-3-5" in page.text and "93 %" in page.text
    listed = client.get("/api/v1/incidents").json()
    assert [(i["zone"], i["detected"], i["status"]) for i in listed] == [
        ("custody-vault-A", "person", "open")
    ]
    with world.database.unit_of_work() as uow:
        entries = uow.audit.list(actor=f"user:{user}", object_kind="security_incidents")
    assert len(entries) >= 2 and entries[0].action == "list"


@pytest.mark.parametrize("user", ["tara", "olga", "ada"])
def test_others_are_refused_the_incidents(client_for: ClientFactory, user: str) -> None:
    client = client_for(user)
    assert client.get("/incidents").status_code == 403
    assert client.get("/api/v1/incidents").status_code == 403
    assert 'href="/incidents"' not in client.get("/").text
