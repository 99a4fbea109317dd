"""The SYNTHETIC sensor stream of a port day: deterministic, tied to the ground truth, decodable."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from cargoscreen.sensors.decode import SensorPayloadError, decode
from cargoscreen.simulate import SimulatedPort, SimulationConfig, simulate_port
from cargoscreen.simulate.sensors import read_jsonl, sensor_stream, write_jsonl

DAY = date(2026, 3, 12)


@pytest.fixture(scope="module")
def port() -> SimulatedPort:
    return simulate_port(
        SimulationConfig(seed=5, days=1, containers_per_day=400, start_date=DAY, smuggling_rate=0.05)
    )


def test_stream_is_deterministic_ordered_and_covers_every_kind(port: SimulatedPort) -> None:
    first, again = sensor_stream(port, DAY), sensor_stream(port, DAY)
    assert [m.to_json() for m in first] == [m.to_json() for m in again]
    assert [m.at for m in first] == sorted(m.at for m in first)
    kinds = Counter(m.topic.split("/")[2] for m in first)
    assert set(kinds) == {"seal", "tracker", "dcsa", "enose", "camera"}


def test_every_message_decodes_except_the_faulty_devices(port: SimulatedPort) -> None:
    rejected = []
    for message in sensor_stream(port, DAY):
        try:
            decode(message.topic, message.body())
        except SensorPayloadError as exc:
            rejected.append(exc.topic)
    assert len(rejected) == 3 and all("FAULTY" in topic for topic in rejected)


def test_true_cases_are_sniffed_and_sealed(port: SimulatedPort) -> None:
    stream = sensor_stream(port, DAY)
    about = {m.payload.get("container_number") for m in stream if isinstance(m.payload, dict)}
    high_risk_cases = [c for c in port.ground_truth.cases if c.ata and c.ata.date() == DAY]
    assert high_risk_cases and all(c.container_number in about for c in high_risk_cases)


def test_jsonl_round_trip_and_errors_name_the_line(port: SimulatedPort, tmp_path: Path) -> None:
    stream = sensor_stream(port, DAY)
    path = tmp_path / "stream.jsonl"
    assert write_jsonl(stream, path) == len(stream)
    assert [m.body() for m in read_jsonl(path)] == [m.body() for m in stream]
    path.write_text(path.read_text().splitlines()[0] + "\n{oops\n")
    with pytest.raises(ValueError, match="line 2"):
        read_jsonl(path)
