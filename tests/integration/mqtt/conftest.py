"""MQTT integration fixtures: our own Mosquitto (from deploy/mosquitto/cargoscreen.conf, on a free port, with
persistence in a temporary folder) and a migrated SQLite database. No mocks: the broker and the database
are real; a machine without mosquitto skips these tests with a clear message."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "unit" / "sensors"))

from broker_process import Broker, mosquitto_available

from cargoscreen.store import Database


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    if not mosquitto_available():
        pytest.skip("the MQTT tests need the mosquitto binary (apt-get install mosquitto)")
    process = Broker(tmp_path / "broker")
    process.start()
    yield process
    process.stop()


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 'sensors.db'}")
    db.upgrade()
    yield db
    db.dispose()
