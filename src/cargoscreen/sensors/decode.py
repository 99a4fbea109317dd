"""Decode one MQTT message into a :class:`SensorReading`, or fail naming the topic and the field.

``decode(topic, payload)`` checks the topic, parses the JSON, validates it against the payload model of the
topic's kind (DCSA T&T 3.0 IoT events are mapped to a :class:`~.payloads.TrackerEvent`), and checks that the
device, crane or site in the topic is the one in the payload. Any failure raises
:class:`SensorPayloadError`; the listener quarantines the message with that text as the reason.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from cargoscreen.domain.errors import CargoscreenError
from cargoscreen.sensors.payloads import (
    CAMERA_ADAPTER,
    EnoseSample,
    GateRead,
    IntrusionAlert,
    SealEvent,
    SensorPayload,
    TrackerEvent,
)
from cargoscreen.sensors.topics import Topic, TopicKind, parse_topic

MAX_PAYLOAD_BYTES = 64 * 1024
#: Tracker payload fields and the DCSA T&T 3.0 fields they are read from (errors name the DCSA field).
DCSA_FIELDS = {
    "container_number": "equipmentDetails.equipmentReference",
    "event_type": "eventClassification.iotEventType",
    "event_time": "eventDateTime",
    "latitude": "eventLocation.geoCoordinate.latitude",
    "longitude": "eventLocation.geoCoordinate.longitude",
    "un_locode": "eventLocation.UNLocationCode",
}


class SensorPayloadError(CargoscreenError, ValueError):
    """A sensor message that cannot be accepted; ``field`` is the dotted path of the fault, if any."""

    def __init__(self, topic: str, message: str, *, field: str = "") -> None:
        self.topic = topic
        self.field = field
        self.detail = message
        where = f"topic {topic}" + (f", field {field}" if field else "")
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True, slots=True)
class SensorReading:
    """A decoded sensor message: its identity (device, sequence), kind and validated payload."""

    topic: str
    kind: TopicKind
    device_id: str
    sequence: int
    payload: SensorPayload

    @property
    def container_number(self) -> str | None:
        """The container the reading is about (camera events name none, or only as OCR text)."""
        number = getattr(self.payload, "container_number", None)
        return number if isinstance(number, str) else None


def decode(topic: str, payload: bytes | str) -> SensorReading:
    """The reading in one message; raises :class:`SensorPayloadError` naming topic and field."""
    try:
        parsed = parse_topic(topic)
    except ValueError as exc:
        raise SensorPayloadError(topic, str(exc)) from None
    document = _json(topic, payload)
    if parsed.kind is TopicKind.DCSA:
        mapped = dcsa_iot_to_tracker(topic, parsed.source, document)
        reading = _validated(topic, TrackerEvent, mapped, names=DCSA_FIELDS)
    elif parsed.kind is TopicKind.CAMERA:
        reading = _validated_camera(topic, document)
    else:
        model: dict[TopicKind, type[SensorPayload]] = {
            TopicKind.SEAL: SealEvent,
            TopicKind.TRACKER: TrackerEvent,
            TopicKind.ENOSE: EnoseSample,
        }
        reading = _validated(topic, model[parsed.kind], document)
    _check_source(topic, parsed, reading)
    return SensorReading(topic, parsed.kind, reading.device_id, reading.sequence, reading)


def _json(topic: str, payload: bytes | str) -> dict[str, Any]:
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise SensorPayloadError(topic, f"payload of {len(payload)} bytes is over {MAX_PAYLOAD_BYTES}")
    try:
        document = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SensorPayloadError(topic, f"not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise SensorPayloadError(topic, f"expected a JSON object, got {type(document).__name__}")
    return document


def _validated(
    topic: str, model: type[SensorPayload], document: dict[str, Any], names: dict[str, str] | None = None
) -> SensorPayload:
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        error = _payload_error(topic, exc)
        if names and error.field in names:
            error = SensorPayloadError(topic, error.detail, field=names[error.field])
        raise error from None


def _validated_camera(topic: str, document: dict[str, Any]) -> SensorPayload:
    try:
        return CAMERA_ADAPTER.validate_python(document)
    except ValidationError as exc:
        raise _payload_error(topic, exc) from None


def _payload_error(topic: str, exc: ValidationError) -> SensorPayloadError:
    first = exc.errors()[0]
    field = ".".join(str(part) for part in first["loc"])
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return SensorPayloadError(topic, f"{first['msg']}{more}", field=field)


def _check_source(topic: str, parsed: Topic, payload: SensorPayload) -> None:
    if isinstance(payload, EnoseSample):
        field, value = "crane_id", payload.crane_id
    elif isinstance(payload, GateRead | IntrusionAlert):
        field, value = "site", payload.site
    else:
        field, value = "device_id", payload.device_id
    if value != parsed.source:
        raise SensorPayloadError(topic, f"{value!r} is not the topic's {parsed.source!r}", field=field)


def dcsa_iot_to_tracker(topic: str, device_id: str, event: dict[str, Any]) -> dict[str, Any]:
    """A DCSA T&T 3.0 IoT event as a version-1 tracker payload (the sequence is derived from ``eventID``).

    The DCSA event has no per-device counter; its ``eventID`` is unique, so the sequence is a stable 62-bit
    number drawn from it: the same event delivered twice gets the same identity.
    """
    classification = event.get("eventClassification") or {}
    if classification.get("eventType") != "IOT":
        raise SensorPayloadError(topic, "only DCSA IOT events are accepted here", field="eventClassification")
    event_id = event.get("eventID")
    if not isinstance(event_id, str) or not event_id:
        raise SensorPayloadError(topic, "a DCSA event needs its eventID", field="eventID")
    location = event.get("eventLocation") or {}
    coordinate = location.get("geoCoordinate") or {}
    equipment = event.get("equipmentDetails") or {}
    digest = hashlib.sha256(event_id.encode("utf-8")).digest()
    return {
        "version": 1,
        "device_id": device_id,
        "sequence": int.from_bytes(digest[:8], "big") >> 2,
        "container_number": equipment.get("equipmentReference", ""),
        "event_type": classification.get("iotEventType"),
        "event_time": event.get("eventDateTime"),
        "latitude": _float(coordinate.get("latitude")),
        "longitude": _float(coordinate.get("longitude")),
        "un_locode": location.get("UNLocationCode"),
        "event_id": event_id,
    }


def _float(value: object) -> object:
    try:
        return float(value) if isinstance(value, str) else value
    except ValueError:
        return value
