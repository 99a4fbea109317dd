"""Decoding sensor messages: every kind, DCSA IoT events, and errors that name the topic and the field."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from payload_samples import body, container, enose, gate, intrusion, seal

from cargoscreen.sensors.decode import SensorPayloadError, decode
from cargoscreen.sensors.payloads import EnoseSample, GateRead, IntrusionAlert, SealEvent, TrackerEvent
from cargoscreen.sensors.schemas import schema_documents, shipped_schema
from cargoscreen.sensors.topics import TopicKind, parse_topic, topic

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "dcsa"


def test_each_kind_decodes_with_its_identity() -> None:
    cases = [
        (topic("seal", "RDR-PAMIT-1"), seal(7), SealEvent),
        (topic("enose", "QC01"), enose(3), EnoseSample),
        (topic("camera", "K1742"), gate(2), GateRead),
        (topic("camera", "BEANR-CUSTOMS"), intrusion(5), IntrusionAlert),
    ]
    for name, payload, model in cases:
        reading = decode(name, body(payload))
        assert isinstance(reading.payload, model)
        assert (reading.device_id, reading.sequence) == (payload["device_id"], payload["sequence"])


def test_dcsa_iot_door_event_maps_to_a_tracker_event_with_a_stable_sequence() -> None:
    raw = (FIXTURES / "dcsa_tnt3_iot_door_opened_event.json").read_bytes()
    first, again = decode(topic("dcsa", "TRK-1"), raw), decode(topic("dcsa", "TRK-1"), raw)
    assert isinstance(first.payload, TrackerEvent)
    assert first.payload.event_type == "DOOR_OPENED"
    assert first.container_number == "MSCU1234566"
    assert first.payload.latitude == pytest.approx(2.2631)
    assert first.sequence == again.sequence


def test_dcsa_errors_name_the_dcsa_field() -> None:
    document = json.loads((FIXTURES / "dcsa_tnt3_iot_door_opened_event.json").read_text())
    document["equipmentDetails"]["equipmentReference"] = "MSCU1234567"
    with pytest.raises(SensorPayloadError) as caught:
        decode(topic("dcsa", "TRK-1"), json.dumps(document))
    assert caught.value.field == "equipmentDetails.equipmentReference"
    assert "check digit" in str(caught.value)


@pytest.mark.parametrize(
    ("name", "payload", "field", "words"),
    [
        ("cargoscreen/v1/seal/RDR-PAMIT-1", b"{not json", "", "not JSON"),
        ("cargoscreen/v1/seal/RDR-PAMIT-1", body(seal(status="broken")), "status", "sealed"),
        ("cargoscreen/v1/seal/RDR-PAMIT-1", body(seal(status="opened")), "", "opened_at"),
        (
            "cargoscreen/v1/seal/RDR-PAMIT-1",
            body(seal(event_time="2026-03-02T03:12:44")),
            "event_time",
            "UTC",
        ),
        ("cargoscreen/v1/seal/OTHER", body(seal()), "device_id", "not the topic"),
        ("cargoscreen/v2/seal/RDR-PAMIT-1", body(seal()), "", "not supported"),
        ("cargoscreen/v1/radar/X", body(seal()), "", "unknown sensor kind"),
        ("cargoscreen/v1/seal/RDR-PAMIT-1", body(seal(colour="red")), "colour", "Extra inputs"),
        (
            "cargoscreen/v1/seal/RDR-PAMIT-1",
            body(seal(number="MSCU1234567")),
            "container_number",
            "check digit",
        ),
    ],
)
def test_bad_messages_name_topic_and_field(name: str, payload: bytes, field: str, words: str) -> None:
    with pytest.raises(SensorPayloadError) as caught:
        decode(name, payload)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"topic {name}")
    assert words in str(caught.value)


def test_topics_round_trip() -> None:
    parsed = parse_topic(topic("enose", "QC07"))
    assert (parsed.kind, parsed.source, str(parsed)) == (TopicKind.ENOSE, "QC07", "cargoscreen/v1/enose/QC07")


def test_shipped_schemas_match_the_models_and_accept_valid_payloads() -> None:
    for name, document in schema_documents().items():
        assert shipped_schema(name) == json.loads(json.dumps(document)), f"regenerate {name}"
    samples = {"seal": seal(), "enose": enose(), "camera": gate()}
    for kind, payload in samples.items():
        jsonschema.validate(payload, shipped_schema(f"{kind}.v1.schema.json"))
    jsonschema.validate(intrusion(), shipped_schema("camera.v1.schema.json"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(seal(status="broken"), shipped_schema("seal.v1.schema.json"))


def test_container_sample_numbers_are_valid() -> None:
    assert decode(
        topic("seal", "RDR-PAMIT-1"), body(seal(number=container(42)))
    ).container_number == container(42)
