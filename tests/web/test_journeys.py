"""The analyst's journeys in a real browser (Debian's Chromium, headless) against uvicorn on loopback.

Set CARGOSCREEN_SCREENSHOTS to a folder (docs/img) to save a screenshot of each main page.
"""

from __future__ import annotations

import os
import re
import struct
import zlib
from pathlib import Path
from typing import Any

from api_world import PASSWORD, PHYSICAL_BOX, SCAN_BOX, SENSOR_BOX, STORE_NAME, World

SHOTS = os.environ.get("CARGOSCREEN_SCREENSHOTS")


def shot(page: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"web-{name}.png"), full_page=True)


def log_in(page: Any, server: str, user: str, path: str = "/queue") -> None:
    page.goto(f"{server}{path}")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    shot(page, "login") if user == "tara" else None
    page.click("button[type=submit]")


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"\x00\xff\x00\x00"
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def test_an_analyst_reads_the_queue_a_container_and_a_scan_and_decides(
    page: Any, server: str, web_world: World
) -> None:
    log_in(page, server, "tara")
    page.wait_for_url(re.compile(r"/queue$"))
    rows = page.locator("table.queue tbody tr")
    assert rows.count() == 2  # page size 2 in the test world
    assert PHYSICAL_BOX in rows.nth(0).inner_text() and "PHYSICAL" in rows.nth(0).inner_text()
    page.select_option("select[name=sort]", "-score")
    page.click("form.filters button")
    page.wait_for_url(re.compile(r"sort=-score"))
    by_score = page.locator("table.queue tbody tr")
    assert PHYSICAL_BOX in by_score.nth(0).inner_text()
    assert SENSOR_BOX in by_score.nth(1).inner_text()  # re-scored by its seal's tamper report
    assert by_score.nth(1).locator(".sensor-mark").inner_text() == "sensor GREEN → SCAN"
    shot(page, "queue")
    page.click(f"text={SENSOR_BOX}")
    page.wait_for_url(re.compile(f"/containers/{SENSOR_BOX}$"))
    sensors = page.inner_text("#sensors")
    assert "GREEN → SCAN" in sensors and "forced to SCAN by a sensor signal" in sensors
    assert "reports tampering" in page.inner_text("table.sensor-timeline tr.signalled")
    assert page.locator("table.sensor-timeline tbody tr").count() == 3  # seal, tracker, seal
    shot(page, "sensors")
    page.goto(f"{server}/containers/{SCAN_BOX}")
    page.wait_for_url(re.compile(f"/containers/{SCAN_BOX}$"))
    assert "Exportadora Sintética S.A." in page.content() and "Reefer from a source port" in page.content()
    overlay = page.locator("img.overlay")
    assert overlay.count() == 1
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", overlay.element_handle())
    shot(page, "container")
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url.rsplit("/renditions/", 1)[-1]))
    page.click(f"a[href='/scans/{web_world.arrival_scan}']")
    page.wait_for_selector("canvas#viewer[data-ready='1']")
    assert page.is_checked("#overlay")
    # Deep zoom: the 120×500 test scan fits at full resolution, so level 0's two tiles are drawn; the
    # full-resolution window image is never fetched. Zoomed out below half size, level 1 takes over.
    page.wait_for_function("() => document.querySelector('#viewer').dataset.tilesShown === '2'")
    assert {"tile/6000/0/0_0", "tile/6000/0/1_0"} <= set(requested) and "window/6000" not in requested
    box = page.locator("canvas#viewer").bounding_box()
    page.mouse.move(box["x"] + 600, box["y"] + 200)
    for _ in range(8):
        page.mouse.wheel(0, 300)  # zoom out
    page.wait_for_function("() => document.querySelector('#viewer').dataset.level === '1'")
    page.wait_for_function("() => document.querySelector('#viewer').dataset.tilesShown === '1'")
    assert "tile/6000/1/0_0" in requested
    page.click("#reset")
    page.mouse.move(box["x"] + 200, box["y"] + 100)
    page.mouse.wheel(0, -300)  # zoom
    page.keyboard.down("Shift")
    page.mouse.move(box["x"] + 300, box["y"] + 120)
    page.mouse.down()
    page.mouse.move(box["x"] + 420, box["y"] + 220, steps=4)
    page.mouse.up()
    page.keyboard.up("Shift")
    assert page.inner_text("#roi").startswith("Region x")
    page.select_option("#channel", "ratio")
    page.fill("#level", "100")
    shot(page, "scan")
    page.go_back()
    page.check("input[name=decision][value=RELEASE]")
    page.fill("textarea[name=reason]", "image consistent with bananas; AI mark is the reefer unit")
    page.click("#decisions button[type=submit]")
    page.wait_for_url(re.compile(f"/containers/{SCAN_BOX}"))
    assert "RELEASE" in page.inner_text("#decisions") and "user:tara" in page.inner_text("#decisions")
    with web_world.database.unit_of_work() as uow:
        entries = uow.audit.list(action="decide", actor="user:tara")
    assert entries and entries[0].detail["container_number"] == SCAN_BOX


def test_an_officer_records_a_seizure_with_a_photo(page: Any, server: str, tmp_path: Path) -> None:
    log_in(page, server, "olga", f"/containers/{PHYSICAL_BOX}")
    page.wait_for_url(re.compile(f"/containers/{PHYSICAL_BOX}$"))
    assert page.locator("#decisions form").count() == 0  # officers record, they do not decide
    photo = tmp_path / "door-end.png"
    photo.write_bytes(tiny_png())
    page.check("input[name=result][value=SEIZURE]")
    page.fill("input[name=substance]", "cocaine")
    page.fill("input[name=seized_kg]", "48.5")
    page.fill("input[name=location]", "door end, behind the pallets")
    page.set_input_files("input[name=photos]", str(photo))
    page.click("#outcomes button[type=submit]")
    page.wait_for_url(re.compile(f"/containers/{PHYSICAL_BOX}"))
    text = page.inner_text("#outcomes")
    assert "SEIZURE" in text and "48.5 kg cocaine" in text and "user:olga" in text
    assert page.locator("#outcomes img.photo").count() == 1


def test_a_custody_officer_is_refused_the_queue_and_the_dashboard_draws(page: Any, server: str) -> None:
    log_in(page, server, "cody")
    page.wait_for_url(re.compile(r"/queue$"))
    assert "403" in page.inner_text("h1") and "may not GET /queue" in page.content()
    page.goto(f"{server}/custody")
    assert STORE_NAME in page.inner_text("#cases") and "destruction overdue" in page.inner_text("#alerts")
    shot(page, "custody")
    page.click("header nav >> text=Incidents")
    assert "custody-vault-A" in page.inner_text("table.incidents")
    page.click("header .who button")  # log out
    page.wait_for_url(re.compile(r"/login$"))
    log_in(page, server, "sam", "/dashboard")
    page.wait_for_url(re.compile(r"/dashboard$"))
    images = page.locator(".plots img")
    assert images.count() == 3
    page.wait_for_function(
        "() => [...document.querySelectorAll('.plots img')].every(i => i.complete && i.naturalWidth > 0)"
    )
    shot(page, "dashboard")
