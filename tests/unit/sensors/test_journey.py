"""Seal and journey analytics on hand-made journeys (SYNTHETIC)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from payload_samples import body, container, seal

from cargoscreen.domain.targeting import Channel
from cargoscreen.sensors.decode import decode
from cargoscreen.sensors.seals import Journey, JourneyFacts, JourneyMonitor
from cargoscreen.sensors.signals import SignalCode
from cargoscreen.sensors.topics import topic

NUMBER = container(123456)
FACTS = JourneyFacts(
    NUMBER,
    "9321483",
    "045E",
    "BEANR",
    ("FX1234567",),
    ("ECGYE", "PAMIT"),
    ("ECGYE",),
    ("ECGYE",),
    ("PAMIT",),
    ("080390",),
)
JOURNEY = Journey.of(FACTS, lambda p: p in {"PAMIT", "ECGYE"})


def _seal(sequence: int, **fields: object) -> list[SignalCode]:
    reading = decode(topic("seal", str(fields.get("device", "RDR-PAMIT-1"))), body(seal(sequence, **fields)))  # type: ignore[arg-type]
    return [s.code for s in MONITOR.observe(reading, JOURNEY)]


MONITOR = JourneyMonitor()


def test_journey_allows_doors_at_origin_and_destination_only() -> None:
    assert JOURNEY.door_places == {"ECGYE", "BEANR"}
    assert "PAMIT" in JOURNEY.route and "PAMIT" in JOURNEY.risky_ports


def test_seal_opened_at_the_transhipment_hub_is_forced_to_scan_once() -> None:
    global MONITOR
    MONITOR = JourneyMonitor()
    opened = {"status": "opened", "opened_at": "2026-03-02T01:00:00Z"}
    reading = decode(topic("seal", "RDR-PAMIT-1"), body(seal(1, **opened)))
    found = MONITOR.observe(reading, JOURNEY)
    assert [s.code for s in found] == [SignalCode.SEAL_OPENED_OUTSIDE]
    assert found[0].forced_channel is Channel.SCAN and "PAMIT" in found[0].text
    assert _seal(2, **opened) == []  # reported once per container


def test_seal_opened_at_origin_is_not_flagged_but_a_new_seal_number_is() -> None:
    global MONITOR
    MONITOR = JourneyMonitor()
    assert (
        _seal(1, device="RDR-ECGYE-1", un_locode="ECGYE", status="opened", opened_at="2026-03-01T00:00:00Z")
        == []
    )
    assert _seal(2, device="RDR-BEANR-1", un_locode="BEANR", seal_number="FX7654321") == [
        SignalCode.SEAL_MISMATCH
    ]


def test_tamper_is_flagged_anywhere() -> None:
    global MONITOR
    MONITOR = JourneyMonitor()
    assert _seal(1, device="RDR-BEANR-1", un_locode="BEANR", status="tamper") == [SignalCode.SEAL_TAMPER]


def _fix(sequence: int, at: datetime, lat: float, lon: float) -> list[SignalCode]:
    payload = {
        "version": 1, "device_id": "TRK-1", "sequence": sequence, "kind": "tracker", "container_number": NUMBER,
        "event_type": "BREADCRUMB", "event_time": at.isoformat(), "latitude": lat, "longitude": lon,
    }  # fmt: skip
    return [s.code for s in MONITOR.observe(decode(topic("tracker", "TRK-1"), body(payload)), JOURNEY)]


def test_a_long_stop_at_sea_is_unscheduled_but_one_in_port_is_not() -> None:
    global MONITOR
    MONITOR = JourneyMonitor()
    start = datetime(2026, 3, 1, tzinfo=UTC)
    assert _fix(1, start, 9.37, -79.88) == []  # Manzanillo: a port of the rotation
    assert _fix(2, start + timedelta(hours=8), 9.37, -79.88) == []
    assert _fix(3, start + timedelta(hours=20), 20.0, -60.0) == []
    assert _fix(4, start + timedelta(hours=28), 20.01, -60.01) == [SignalCode.UNSCHEDULED_STOP]


def test_a_silence_after_a_fix_near_a_risky_port_is_flagged() -> None:
    global MONITOR
    MONITOR = JourneyMonitor()
    start = datetime(2026, 3, 1, tzinfo=UTC)
    assert _fix(1, start, 9.5, -79.5) == []
    assert _fix(2, start + timedelta(hours=48), 15.0, -70.0) == [SignalCode.SILENCE_NEAR_RISKY_PORT]


def test_the_silence_sweep_finds_a_box_that_never_reports_again() -> None:
    global MONITOR
    MONITOR = JourneyMonitor()
    start = datetime(2026, 3, 1, tzinfo=UTC)
    _fix(1, start, 9.5, -79.5)
    assert MONITOR.silences(start + timedelta(hours=10), [JOURNEY]) == []
    late = MONITOR.silences(start + timedelta(hours=40), [JOURNEY])
    assert [s.code for s in late] == [SignalCode.SILENCE_NEAR_RISKY_PORT]
