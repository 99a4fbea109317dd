"""The targeting centre's commands as an analyst runs them: rules, watch lists, tips, select, outcomes, train."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cargoscreen.cli import context
from cargoscreen.cli.main import app
from cargoscreen.ingest.edifact import parse_edifact


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("CARGOSCREEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CARGOSCREEN_DATABASE_URL", raising=False)
    for console in (context.console, context.err_console):
        monkeypatch.setattr(console, "width", 200)
    return CliRunner()


def invoke(runner: CliRunner, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


@pytest.fixture
def port_day(runner: CliRunner, tmp_path: Path) -> Path:
    """A small SYNTHETIC port day, ingested; returns its CUSCAR folder."""
    out = tmp_path / "sim"
    invoke(
        runner, "simulate", "--containers", "500", "--seed", "4", "--start", "2026-03-09", "--out", str(out)
    )
    invoke(runner, "ingest", str(out / "cuscar"))
    return out / "cuscar"


def test_a_bad_rule_profile_is_named_by_line_rule_and_field(runner: CliRunner, tmp_path: Path) -> None:
    profile = tmp_path / "rules.yaml"
    profile.write_text(
        "name: test\nrules:\n  - id: R1\n    title: t\n    owner: me\n    rationale: because\n"
        "    valid_from: 2026-01-01\n    weight: 0.3\n    when:\n      field: origin.contry\n      eq: EC\n",
        encoding="utf-8",
    )
    printed = invoke(runner, "risk", "rules", "check", str(profile), code=2)
    assert "R1" in printed and "origin.contry" in printed and "line" in printed


def test_watch_list_and_tip_force_a_container_into_the_selection(
    runner: CliRunner, port_day: Path, tmp_path: Path
) -> None:
    manifest = parse_edifact(sorted(port_day.glob("*.edi"))[0].read_bytes(), source_name="x").manifests[0]
    tipped = manifest.equipment[-1].container_number
    bad = tmp_path / "bad.csv"
    bad.write_text("list_kind,value,reason,added_by\nparty,,no name,analyst\n", encoding="utf-8")
    assert "line 2" in invoke(runner, "risk", "watchlist", "load", str(bad), code=2)
    good = tmp_path / "watch.csv"
    good.write_text(
        "list_kind,value,reason,added_by\nparty,Exportadora Fantasma S.A.,front company,analyst\n"
    )
    assert "1 watch-list entries stored" in invoke(runner, "risk", "watchlist", "load", str(good))

    invoke(runner, "risk", "tips", "add", "--id", "T-1", "--target", "container", "--value", tipped,
           "--agency", "partner agency", "--channel", "PHYSICAL")  # fmt: skip
    assert "already exists" in invoke(runner, "risk", "tips", "add", "--id", "T-1", "--target", "container",
                                      "--value", tipped, "--agency", "x", code=2)  # fmt: skip

    printed = invoke(runner, "risk", "select", "--day", "2026-03-09", "--scan", "10", "--physical", "2")
    assert re.search(r"SCAN\s*│\s*10\s*│\s*10\s*│", printed), printed
    assert tipped in printed and "tip" in printed
    assert "used 1x" in invoke(runner, "risk", "tips", "list")
    outbox = json.loads(
        next((tmp_path / "data" / "outbox").glob("customs-events-2026-03-09-run*.json")).read_text()
    )
    lanes = {e["equipmentDetails"]["equipmentReference"]: e["eventClassification"]["equipmentEventType"]
             for e in outbox["events"]}  # fmt: skip
    assert lanes[tipped] == "CUSTOMS_SELECTED_FOR_INSPECTION"
    shown = invoke(runner, "containers", "show", tipped)
    assert f"Risk of {tipped}" in shown and "lane PHYSICAL" in shown and "tip T-1" in shown
    assert sorted(set(lanes.values())) == [
        "CUSTOMS_RELEASED", "CUSTOMS_SELECTED_FOR_INSPECTION", "CUSTOMS_SELECTED_FOR_SCAN"
    ]  # fmt: skip


def test_outcomes_feed_training_with_a_clear_error_when_labels_are_too_few(
    runner: CliRunner, port_day: Path
) -> None:
    manifest = parse_edifact(sorted(port_day.glob("*.edi"))[0].read_bytes(), source_name="x").manifests[0]
    call = manifest.vessel_call
    container = manifest.equipment[0].container_number
    invoke(runner, "risk", "select", "--day", "2026-03-09")
    common = [
        "--container",
        container,
        "--imo",
        call.imo_number,
        "--voyage",
        call.voyage_number,
        "--officer",
        "o1",
    ]
    assert "needs the substance" in invoke(
        runner, "risk", "outcomes", "record", *common, "--channel", "SCAN", "--result", "SEIZURE", code=2
    )
    assert "outcome recorded" in invoke(runner, "risk", "outcomes", "record", *common, "--channel", "SCAN",
                                        "--result", "SEIZURE", "--substance", "cocaine", "--kg", "120")  # fmt: skip
    printed = invoke(runner, "risk", "train", "--format", "store", code=2)
    assert "not enough labels" in printed and "1 seizure" in printed
