"""`cargoscreen users ...` as an administrator runs it, and `cargoscreen serve` answering on loopback."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from cargoscreen.cli import context
from cargoscreen.cli.main import app
from cargoscreen.settings import Settings
from cargoscreen.store import Database


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("CARGOSCREEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CARGOSCREEN_DATABASE_URL", raising=False)
    monkeypatch.delenv("CARGOSCREEN_WEB__DEMO_PASSWORD", raising=False)
    for console in (context.console, context.err_console):
        monkeypatch.setattr(console, "width", 200)
    return CliRunner()


def invoke(runner: CliRunner, *args: str, code: int = 0, stdin: str | None = None) -> str:
    result = runner.invoke(app, list(args), input=stdin)
    assert result.exit_code == code, result.output
    return result.output


def test_add_list_disable_users_and_issue_a_partner_token(runner: CliRunner) -> None:
    printed = invoke(runner, "users", "add", "alice", "-r", "targeting_analyst", "-r", "supervisor",
                     "--password-stdin", stdin="a long enough password\n")  # fmt: skip
    assert "alice" in printed and "supervisor" in printed
    refused = invoke(
        runner,
        "users",
        "add",
        "bob",
        "-r",
        "janitor",
        "--password-stdin",
        stdin="a long enough password\n",
        code=2,
    )
    assert "unknown role" in refused
    invoke(runner, "users", "disable", "alice")
    assert re.search(r"alice .*disabled", invoke(runner, "users", "list"))
    assert "no user" in invoke(runner, "users", "disable", "nobody", code=1)
    token = invoke(
        runner, "users", "token", "Guayaquil gateway", "-r", "partner_port", "--partner-port", "ECGYE"
    )
    secret = token.strip().splitlines()[-1]
    assert secret.startswith("cst_")
    with Database(Settings().resolved_database_url).unit_of_work() as uow:
        resolved = uow.tokens.resolve(secret)
        actions = [e.action for e in uow.audit.list()]
    assert resolved is not None and resolved.partner_port == "ECGYE"
    assert {"add_user", "disable_user", "issue_token"} <= set(actions)


def test_demo_users_get_the_configured_password(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARGOSCREEN_WEB__DEMO_PASSWORD", "demo-password-123")
    printed = invoke(runner, "users", "demo")
    assert "analyst" in printed and "demo-password-123" in printed
    with Database(Settings().resolved_database_url).unit_of_work() as uow:
        assert uow.users.authenticate("analyst", "demo-password-123") is not None


def test_serve_answers_on_loopback(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = os.environ | {"CARGOSCREEN_DATA_DIR": str(tmp_path / "data")}
    env.pop("CARGOSCREEN_DATABASE_URL", None)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "cargoscreen"), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1)
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline, "serve did not start"
                time.sleep(0.2)
        assert health.json() == {"status": "ok"}
        assert httpx.get(f"http://127.0.0.1:{port}/api/v1/queue").status_code == 401
    finally:
        server.terminate()
        server.wait(timeout=10)
