"""The Foundation commands as a user runs them: simulate, ingest, containers show, quarantine, db, demo."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cargoscreen.cli import context
from cargoscreen.cli.main import app
from cargoscreen.ingest.edifact import parse_edifact

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "edifact"


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("CARGOSCREEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CARGOSCREEN_DATABASE_URL", raising=False)
    for console in (context.console, context.err_console):
        monkeypatch.setattr(console, "width", 200)  # wide tables: texts are not folded across rows
    return CliRunner()


def invoke(runner: CliRunner, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def test_simulate_ingest_and_look_up_a_container(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "sim"
    printed = invoke(runner, "simulate", "--containers", "300", "--seed", "3", "--out", str(out))
    assert "SYNTHETIC" in printed and (out / "ground_truth.json").exists()
    cuscar = sorted((out / "cuscar").glob("*.edi"))
    assert cuscar

    printed = invoke(runner, "ingest", str(out / "cuscar"), str(out / "codeco"))
    manifest = parse_edifact(cuscar[0].read_bytes(), source_name="x").manifests[0]
    assert re.search(rf"manifest messages stored\s*│\s*{len(cuscar)}\s*│", printed), printed
    assert re.search(r"records rejected to quarantine\s*│\s*0\s*│", printed), printed

    container = manifest.equipment[0].container_number
    shown = invoke(runner, "containers", "show", container.lower())
    assert manifest.vessel_call.voyage_number in shown and manifest.vessel_call.imo_number in shown
    bills = [c.bill_of_lading for c in manifest.consignments if container in c.container_numbers]
    assert all(bill in shown for bill in bills)

    again = invoke(runner, "ingest", str(out / "cuscar"))
    assert re.search(rf"already stored \(skipped\)\s*│\s*{len(cuscar)}\s*│", again), again


def test_bad_input_is_quarantined_naming_the_place(runner: CliRunner, tmp_path: Path) -> None:
    good = (SAMPLES / "CUSCAR_D95B_synthetic_antwerp.edi").read_bytes()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "bad_check_digit.edi").write_bytes(good.replace(b"TGHU9876542", b"TGHU9876543"))
    (inbox / "truncated.edi").write_bytes(good[: len(good) // 2])
    (inbox / "notes.txt").write_bytes(b"hello, this is not a manifest")

    printed = invoke(runner, "ingest", str(inbox))
    assert "rejected" in printed

    listed = invoke(runner, "quarantine", "list", "--limit", "20")
    assert "wrong check digit" in listed and "EQD" in listed
    assert "truncated.edi" in listed and "notes.txt" in listed

    shown = invoke(runner, "containers", "show", "MSCU1234566")
    assert "MSCUBL0000001" in shown, "the good consignment of the same message is kept"


def test_unknown_and_malformed_container_numbers(runner: CliRunner) -> None:
    assert "wrong check digit" in invoke(runner, "containers", "show", "MSCU1234567", code=2)
    assert "not in the store" in invoke(runner, "containers", "show", "MSCU1234566", code=1)


def test_db_upgrade_reports_the_revision(runner: CliRunner) -> None:
    assert "revision" in invoke(runner, "db", "upgrade")


def test_demo_walks_small_days_through_selection_and_learning(runner: CliRunner) -> None:
    printed = invoke(
        runner, "demo", "--containers", "400", "--history-days", "1", "--seed", "5", "--scans", "4"
    )
    for heading in (
        "Journey and quay sensors",
        "Re-targeted by sensors",
        "Scanner plan",
        "CUSTOMS_SELECTED_FOR_SCAN slot events",
        "Scan findings",
        "image AI",
        "Custody",
        "The analyst workstation",
        "log in as",
        "Simulate 2 port days",
        "Ingest the messages",
        "Targeting and learning, day by day",
        "Today's selection",
        "capacity use",
        "Exploration picks",
        "customs events emitted",
        "Port day summary",
        "containers show",
    ):
        assert heading in printed, heading
