"""`cargoscreen sensors simulate | replay | status` as a user runs them (SYNTHETIC port day)."""

from __future__ import annotations

from pathlib import Path

import pytest
from broker_process import Broker
from typer.testing import CliRunner

from cargoscreen.cli.main import app
from cargoscreen.store import Database


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CARGOSCREEN_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def test_simulate_then_replay_direct_then_status(env: Path) -> None:
    runner = CliRunner()
    stream = env / "day.jsonl"
    made = runner.invoke(app, ["sensors", "simulate", str(stream), "--containers", "300", "--seed", "2"])
    assert made.exit_code == 0, made.output
    replayed = runner.invoke(app, ["sensors", "replay", str(stream), "--direct"])
    assert replayed.exit_code == 0, replayed.output
    assert "quarantined: 3" in replayed.output and "stored:" in replayed.output
    again = runner.invoke(app, ["sensors", "replay", str(stream), "--direct"])
    assert "stored:" not in again.output and "duplicate:" in again.output
    status = runner.invoke(app, ["sensors", "status"])
    assert "OPEN incident" in status.output and "3 quarantined" in status.output


def test_replay_publishes_to_the_broker(env: Path, broker: Broker) -> None:
    runner = CliRunner()
    stream = env / "day.jsonl"
    runner.invoke(app, ["sensors", "simulate", str(stream), "--containers", "200", "--seed", "4"])
    lines = len(stream.read_text().splitlines())
    result = runner.invoke(app, ["sensors", "replay", str(stream), "--broker", broker.url])
    assert result.exit_code == 0, result.output
    assert f"{lines:,} of {lines:,} messages published" in result.output


def test_replay_refuses_a_broken_file(env: Path) -> None:
    bad = env / "bad.jsonl"
    bad.write_text("not json\n")
    result = CliRunner().invoke(app, ["sensors", "replay", str(bad), "--direct"])
    assert result.exit_code == 2 and "line 1" in result.output
    assert Database  # the store is only created by commands that need it
