"""Planning and custody as the officers run them: `plan` per scanner with the DCSA outbox, and the custody
chain through the CLI — a transfer without the second person refused, tampering found by `custody verify`.
All data SYNTHETIC."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError
from typer.testing import CliRunner

from cargoscreen.cli import context
from cargoscreen.cli.main import app
from cargoscreen.ingest.edifact import parse_edifact
from cargoscreen.settings import Settings


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("CARGOSCREEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CARGOSCREEN_PLANNING__CPSAT_TIME_LIMIT_S", "0.3")
    monkeypatch.delenv("CARGOSCREEN_DATABASE_URL", raising=False)
    for console in (context.console, context.err_console):
        monkeypatch.setattr(console, "width", 200)
    return CliRunner()


def invoke(runner: CliRunner, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def database(tmp_path: Path) -> Path:
    return tmp_path / "data" / "cargoscreen.db"


def seized(runner: CliRunner, tmp_path: Path) -> str:
    """A SYNTHETIC port day ingested with discharge reports; one container's inspection found cocaine."""
    out = tmp_path / "sim"
    invoke(runner, "simulate", "--containers", "300", "--seed", "4", "--start", "2026-03-09", "--out", str(out),
           "--formats", "cuscar,codeco,coarri")  # fmt: skip
    invoke(runner, "ingest", str(out / "cuscar"), str(out / "coarri"))
    manifest = parse_edifact(
        sorted((out / "cuscar").glob("*.edi"))[0].read_bytes(), source_name="x"
    ).manifests[0]
    container = manifest.equipment[0].container_number
    invoke(runner, "risk", "outcomes", "record", "--container", container, "--imo", manifest.vessel_call.imo_number,
           "--voyage", manifest.vessel_call.voyage_number, "--channel", "PHYSICAL", "--result", "SEIZURE",
           "--substance", "cocaine", "--kg", "61.2", "--officer", "SYNTH officer A")  # fmt: skip
    return container


def test_plan_prints_the_day_per_scanner_and_writes_the_slot_events(
    runner: CliRunner, tmp_path: Path
) -> None:
    seized(runner, tmp_path)
    invoke(runner, "risk", "select", "--day", "2026-03-09", "--scan", "40", "--physical", "5")
    printed = invoke(runner, "plan", "--day", "2026-03-09", "--method", "greedy")
    assert (
        "Scanner K1742-A (K1742)" in printed and "risk covered" in printed and "deadlines missed" in printed
    )
    outbox = json.loads(
        next((tmp_path / "data" / "outbox").glob("scan-slots-2026-03-09-plan*.json")).read_text()
    )
    kinds = {e["eventClassification"]["equipmentEventType"] for e in outbox["events"]}
    assert kinds == {"CUSTOMS_SELECTED_FOR_SCAN"} and len(outbox["events"]) > 5
    assert "CUSS-" in json.dumps(outbox["events"][0])
    again = invoke(runner, "plan", "--day", "2026-03-09", "--method", "fifo")
    assert "retracted" in again
    assert "no selection stored for 2026-03-10" in invoke(runner, "plan", "--day", "2026-03-10", code=2)
    assert "--method must be one of" in invoke(runner, "plan", "--method", "best", code=2)


def test_custody_chain_through_the_cli_and_tampering_found(runner: CliRunner, tmp_path: Path) -> None:
    container = seized(runner, tmp_path)
    assert "witnessing" in invoke(runner, "custody", "seize", "--container", container, "--packages", "50",
                                  "--officer", "SYNTH officer A", code=2)  # fmt: skip
    opened = invoke(runner, "custody", "seize", "--container", container, "--packages", "50",
                    "--officer", "SYNTH officer A", "--witness", "SYNTH officer B", "--seal", "FX1234567:broken")  # fmt: skip
    assert "case AN-" in opened and "61.2 kg cocaine" in opened
    case = opened.split()[1]
    packaging = tmp_path / "packaging.json"
    packaging.write_text(json.dumps({
        "kind": "PACKAGED", "case_number": case, "occurred_at": datetime.now(UTC).isoformat(),
        "recorded_by": "SYNTH officer A", "acting_officer": "SYNTH officer A", "witness_officer": "SYNTH officer B",
        "bags": [{"bag_serial": "SYN-BAG-0001", "sealed_kg": 30.6}, {"bag_serial": "SYN-BAG-0002", "sealed_kg": 30.6}],
    }))  # fmt: skip
    assert "state PACKAGED" in invoke(runner, "custody", "record", str(packaging))
    refused = invoke(runner, "custody", "transfer", "--case", case, "--released-by", "SYNTH officer A",
                     "--purpose", "to secure storage", code=2)  # fmt: skip
    assert "TRANSFERRED needs two people" in refused and "one is missing" in refused
    assert "ledger OK: 2 entries" in invoke(runner, "custody", "verify")  # the refused transfer wrote nothing
    moved = invoke(runner, "custody", "transfer", "--case", case, "--released-by", "SYNTH officer A",
                   "--received-by", "SYNTH custodian C", "--purpose", "to secure storage",
                   "--to-location", "SYNTHETIC vault 7")  # fmt: skip
    assert "2 bag(s)" in moved
    shown = invoke(runner, "custody", "show", case)
    assert "SYNTHETIC vault 7" in shown
    hidden = invoke(runner, "custody", "show", case, "--role", "supervisor")
    assert "SYNTHETIC vault 7" not in hidden and "withheld" in hidden
    assert "destruction" in invoke(runner, "custody", "alerts", "--at", "2099-12-31T00:00:00")
    assert "ledger OK: 3 entries" in invoke(runner, "custody", "verify")

    with sqlite3.connect(database(tmp_path)) as connection:  # an intruder past the trigger
        connection.execute("DROP TRIGGER custody_ledger_no_update")
        connection.execute(
            "UPDATE custody_ledger SET payload = replace(payload, '30.6', '29.6') WHERE seq = 2"
        )
    printed = invoke(runner, "custody", "verify", code=1)
    assert "TAMPERED at entry 2" in printed and "edited" in printed
    assert "fails verification at entry 2" in invoke(runner, "custody", "show", case, code=2)


def test_a_deleted_last_entry_is_found_through_the_anchor(runner: CliRunner, tmp_path: Path) -> None:
    container = seized(runner, tmp_path)
    invoke(runner, "custody", "seize", "--container", container, "--packages", "50", "--officer", "SYNTH officer A",
           "--witness", "SYNTH officer B")  # fmt: skip
    with sqlite3.connect(database(tmp_path)) as connection:
        assert "append-only" in _refused(connection, "DELETE FROM custody_ledger")
        connection.execute("DROP TRIGGER custody_ledger_no_delete")
        connection.execute("DELETE FROM custody_ledger")
    assert "TAMPERED at entry 1: truncated" in invoke(runner, "custody", "verify", code=1)


def _refused(connection: sqlite3.Connection, statement: str) -> str:
    with pytest.raises(sqlite3.DatabaseError) as caught:
        connection.execute(statement)
    return str(caught.value)


def test_production_refuses_the_default_ledger_key() -> None:
    with pytest.raises(ValidationError, match="CARGOSCREEN_CUSTODY__LEDGER_KEY"):
        Settings(environment="production", secret_key=SecretStr("a-real-secret"))
    chosen = Settings(environment="production", secret_key=SecretStr("a-real-secret"),
                      custody={"ledger_key": "a-real-ledger-key-of-32-bytes-ok"})  # fmt: skip
    assert chosen.custody.ledger_key.get_secret_value().startswith("a-real")
    assert len(Settings().planning.scanners) == 5
