"""DCSA Track & Trace 3.0 events: models, mapping to domain EquipmentEvent, writer. Samples are synthetic."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cargoscreen.domain.batch import ParseResult
from cargoscreen.domain.errors import ParseError
from cargoscreen.domain.events import EquipmentEvent, EquipmentEventType, EventSource
from cargoscreen.domain.records import FullEmpty, Seal, SealSource
from cargoscreen.ingest.dcsa import equipment_event_to_dcsa, parse_dcsa_events
from cargoscreen.ingest.dcsa.models import IotEvent, validate_event
from cargoscreen.ingest.dcsa.reader import IOT_REASON

FIXTURES = Path(__file__).parents[2] / "fixtures" / "dcsa"


def _sample(name: str) -> dict[str, Any]:
    sample: dict[str, Any] = json.loads((FIXTURES / f"dcsa_tnt3_{name}.json").read_bytes())
    return sample


def _scan() -> dict[str, Any]:
    return copy.deepcopy(_sample("customs_scan_event"))


def _parse(document: object) -> ParseResult:
    return parse_dcsa_events(json.dumps(document).encode(), source_name="events.json")


def _rejection(document: object) -> tuple[str, str]:
    result = _parse(document)
    assert result.events == [] and [r.scope for r in result.rejections] == ["event"], result
    return result.rejections[0].locator, result.rejections[0].reason


def test_customs_scan_sample_becomes_an_equipment_event() -> None:
    result = parse_dcsa_events((FIXTURES / "dcsa_tnt3_customs_scan_event.json").read_bytes(), source_name="s")

    assert result.rejections == [] and result.source_format == "dcsa"
    (event,) = result.events
    assert event.event_id == "BEANR-CUSS-MSCU1234566-2026-03-14T15:10:00Z"
    assert event.source is EventSource.DCSA
    assert event.event_type is EquipmentEventType.CUSTOMS_SELECTED_FOR_SCAN
    assert event.classifier == "ACT"
    assert event.event_time == datetime(2026, 3, 14, 15, 10, tzinfo=UTC)
    assert (event.container_number, event.size_type, event.full_empty) == (
        "MSCU1234566",
        "45G1",
        FullEmpty.FULL,
    )
    assert (event.un_locode, event.facility_code, event.transport_phase) == ("BEANR", "K1742", "IMPORT")
    assert event.seals == (Seal(seal_number="SH7781234", source=SealSource.SHIPPER),)
    assert json.loads(event.raw) == _sample("customs_scan_event")


def test_iot_sample_is_validated_then_rejected_for_the_sensors_capability() -> None:
    iot = _sample("iot_door_opened_event")

    model = validate_event(iot)
    locator, reason = _rejection(iot)

    assert isinstance(model, IotEvent)
    assert model.iotDetails is not None and model.iotDetails.iotEquipmentTechnology == "SMART_CONTAINER"
    assert model.eventLocation is not None and model.eventLocation.geoCoordinate is not None
    assert (locator, reason) == ("events[0].eventClassification.eventType", IOT_REASON)


def test_invalid_iot_event_is_rejected_with_its_validation_reason() -> None:
    iot = _sample("iot_door_opened_event")
    iot["eventLocation"]["geoCoordinate"]["latitude"] = "north"

    locator, reason = _rejection([iot])

    assert locator == "events[0].eventLocation.geoCoordinate.latitude"
    assert "not decimal degrees" in reason


@pytest.mark.parametrize("wrap", [lambda e: e, lambda e: [e], lambda e: {"events": [e]}])
def test_single_list_and_wrapped_documents(wrap: Any) -> None:
    assert len(_parse(wrap(_scan())).events) == 1


def test_mixed_list_keeps_good_events_and_names_the_bad_ones_by_index() -> None:
    bad = _scan()
    bad["equipmentDetails"]["equipmentReference"] = "MSCU1234567"
    document = {"events": [_scan(), _sample("iot_door_opened_event"), "text", bad]}

    result = _parse(document)

    assert len(result.events) == 1
    assert [r.locator for r in result.rejections] == [
        "events[1].eventClassification.eventType",
        "events[2]",
        "events[3].equipmentDetails.equipmentReference",
    ]
    assert "wrong check digit (expected 6)" in result.rejections[2].reason
    assert result.rejections[2].message_key == bad["eventID"]


def test_unknown_locode_is_named() -> None:
    event = _scan()
    event["eventLocation"]["UNLocationCode"] = "ZZQQQ"

    locator, reason = _rejection(event)

    assert locator == "events[0].eventLocation.UNLocationCode"
    assert "not in the curated port list" in reason


@pytest.mark.parametrize(
    ("change", "locator", "reason"),
    [
        (lambda e: e.update(eventDateTime="2026-03-14T15:10:00"), "events[0].eventDateTime", "timezone"),
        (lambda e: e.pop("equipmentDetails"), "events[0].equipmentDetails", "Field required"),
        (
            lambda e: e["eventClassification"].pop("equipmentEventType"),
            "events[0].eventClassification",
            "equipmentEventType is required when eventType is EQUIPMENT",
        ),
        (
            lambda e: e["eventClassification"].update(eventClassifier="GUESSED"),
            "events[0].eventClassification.eventClassifier",
            "'GUESSED'",
        ),
        (
            lambda e: e["equipmentDetails"].update(emptyIndicator=5),
            "events[0].equipmentDetails.emptyIndicator",
            "Input should be",
        ),
        (
            lambda e: e["equipmentDetails"]["seals"][0].update(source="VETERINARY"),
            "events[0].equipmentDetails.seals[0].source",
            "VETERINARY has no cargoscreen equivalent",
        ),
        (
            lambda e: e["equipmentDetails"]["seals"][0].pop("source"),
            "events[0].equipmentDetails.seals[0].source",
            "seal source is required",
        ),
        (
            lambda e: e["eventClassification"].update(equipmentEventType="CROSSED"),
            "events[0].eventClassification.equipmentEventType",
            "CROSSED has no cargoscreen type",
        ),
        (lambda e: e.update(isRetracted=True), "events[0].isRetracted", "retracted events are not supported"),
        (lambda e: e.update(eventID="x" * 501), "events[0].eventID", "at most 500 characters"),
    ],
)
def test_bad_events_are_rejected_naming_the_field(change: Any, locator: str, reason: str) -> None:
    event = _scan()
    change(event)

    found_locator, found_reason = _rejection([event])

    assert found_locator == locator
    assert reason in found_reason


def test_transport_events_are_rejected() -> None:
    event = {
        "eventID": "T1",
        "eventDateTime": "2026-03-14T06:00:00Z",
        "eventClassification": {
            "eventType": "TRANSPORT",
            "eventClassifier": "ACTUAL",
            "transportEventType": "ARRIVED",
        },
    }

    locator, reason = _rejection(event)

    assert locator == "events[0].eventClassification.eventType"
    assert "TRANSPORT events are not ingested" in reason


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("CUSS", EquipmentEventType.CUSTOMS_SELECTED_FOR_SCAN),
        ("CUSR", EquipmentEventType.CUSTOMS_RELEASED),
        ("PICKED_UP", EquipmentEventType.PICK_UP),
        ("DROPPED_OFF", EquipmentEventType.DROP_OFF),
        ("GTIN", EquipmentEventType.GATED_IN),
    ],
)
def test_spec_and_older_codes_map_to_domain_types(code: str, expected: EquipmentEventType) -> None:
    event = _scan()
    event["eventClassification"]["equipmentEventType"] = code

    assert _parse(event).events[0].event_type is expected


@pytest.mark.parametrize(("name", "code"), [("ACTUAL", "ACT"), ("PLANNED", "PLN"), ("ESTIMATED", "EST")])
def test_classifier_codes(name: str, code: str) -> None:
    event = _scan()
    event["eventClassification"]["eventClassifier"] = name

    (parsed,) = _parse(event).events

    assert parsed.classifier == code
    assert equipment_event_to_dcsa(parsed)["eventClassification"]["eventClassifier"] == name


def _domain_event(event_type: EquipmentEventType, **changes: Any) -> EquipmentEvent:
    fields: dict[str, Any] = {
        "event_id": f"cs-{event_type.value}",
        "source": EventSource.DCSA,
        "event_type": event_type,
        "classifier": "PLN",
        "event_time": datetime(2026, 3, 15, 9, 30, tzinfo=UTC),
        "container_number": "TGHU9876542",
        "size_type": "22G1",
        "full_empty": FullEmpty.EMPTY,
        "un_locode": "BEANR",
        "facility_code": "K1742",
        "transport_phase": "TRANSSHIPMENT",
        "seals": (
            Seal(seal_number="CU123", source=SealSource.CUSTOMS),
            Seal(seal_number="T9", source=SealSource.TERMINAL),
        ),
        "latitude": 51.2667,
        "longitude": 4.3833,
        "reference": "MEDUEC123456",
    }
    return EquipmentEvent(**(fields | changes))


@pytest.mark.parametrize("event_type", list(EquipmentEventType))
def test_writer_round_trips_every_event_type(event_type: EquipmentEventType) -> None:
    event = _domain_event(event_type)

    written = equipment_event_to_dcsa(event)
    (parsed,) = _parse(written).events

    assert parsed == event.model_copy(update={"raw": parsed.raw})
    assert json.loads(parsed.raw) == written


def test_writer_round_trips_a_minimal_event() -> None:
    event = _domain_event(
        EquipmentEventType.CUSTOMS_RELEASED,
        size_type=None,
        full_empty=None,
        un_locode=None,
        facility_code=None,
        transport_phase=None,
        seals=(),
        latitude=None,
        longitude=None,
        reference="",
    )

    written = equipment_event_to_dcsa(event)
    (parsed,) = _parse(written).events

    assert "eventLocation" not in written and "shipmentDetails" not in written
    assert parsed == event.model_copy(update={"raw": parsed.raw})


def test_writer_output_for_the_sample_keeps_what_the_domain_holds() -> None:
    (event,) = _parse(_scan()).events

    written = equipment_event_to_dcsa(event)

    expected = _scan()
    del expected["eventUpdatedDateTime"], expected["eventLocation"]["facilityType"]
    del (
        expected["equipmentDetails"]["seals"][0]["type"],
        expected["equipmentDetails"]["seals"][0]["placement"],
    )
    assert written == expected


def test_writer_refuses_values_the_spec_does_not_allow() -> None:
    event = _domain_event(
        EquipmentEventType.RESEALED, seals=(Seal(seal_number="S" * 16, source=SealSource.CUSTOMS),)
    )

    with pytest.raises(ValueError, match="at most 15 characters"):
        equipment_event_to_dcsa(event)


@pytest.mark.parametrize("document", [b"42", b'{"foo": 1}', b'{"events": 3}'])
def test_documents_without_events_raise(document: bytes) -> None:
    with pytest.raises(ParseError, match="expected a DCSA event"):
        parse_dcsa_events(document, source_name="e.json")


def test_truncated_document_raises_with_line_and_column() -> None:
    with pytest.raises(ParseError) as caught:
        parse_dcsa_events(
            (FIXTURES / "dcsa_tnt3_customs_scan_event.json").read_bytes()[:200], source_name="e"
        )

    assert caught.value.locator.startswith("line ")
