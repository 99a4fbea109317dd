"""Sensor payloads, version 1: what e-seals, trackers, e-noses and cameras publish (JSON over MQTT).

Every payload carries ``version`` (the payload's major version, 1 here; the topic carries it too), the
publishing ``device_id`` and a per-device ``sequence`` number that only grows: (device_id, sequence) is the
message's identity, so a redelivered message is recognised and stored once. Times are ISO 8601 with a UTC
offset. Field names follow the standards where there is one: ISO 18185 for e-seals (seal id = manufacturer
id + serial, status, battery, sealing / opening times, reader), DCSA Track & Trace 3.0 IoT event types for
trackers, ISO 6346 container numbers throughout.

Unknown fields are refused (``extra="forbid"``): a vendor who adds a field publishes a new minor version we
accept only once it is described here.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from cargoscreen.domain.ids import ContainerNumber, UnLocode


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("time must carry a UTC offset (e.g. 2026-03-12T08:15:00Z)")
    return value


UtcTime = Annotated[datetime, AfterValidator(_utc)]
DeviceId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]


class Payload(BaseModel):
    """Fields every payload has."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1] = Field(description="Payload major version")
    device_id: DeviceId = Field(description="The publishing device (seal reader, tracker, e-nose, camera)")
    sequence: int = Field(ge=0, lt=2**62, description="Per-device message counter; only grows")


class SealStatus(StrEnum):
    """ISO 18185 e-seal status."""

    SEALED = "sealed"
    OPENED = "opened"
    TAMPER = "tamper"


class SealEvent(Payload):
    """An e-seal read (ISO 18185): the seal's status as a reader saw it, where and when."""

    kind: Literal["seal"] = "seal"
    seal_id: str = Field(min_length=3, max_length=40, description="ISO 18185 tag id: manufacturer + serial")
    seal_number: str = Field(min_length=1, max_length=35, description="Number printed on the seal")
    container_number: ContainerNumber
    status: SealStatus
    battery_pct: float = Field(ge=0, le=100)
    event_time: UtcTime = Field(description="When the status was read")
    sealed_at: UtcTime | None = Field(default=None, description="When the seal was closed (its log)")
    opened_at: UtcTime | None = Field(default=None, description="When it was opened, if it was")
    reader_id: str = Field(min_length=1, max_length=64)
    un_locode: UnLocode | None = Field(default=None, description="Where the reader is, if fixed")
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)

    @model_validator(mode="after")
    def _opened_has_time(self) -> SealEvent:
        if self.status is SealStatus.OPENED and self.opened_at is None:
            raise ValueError("opened_at is required when status is opened")
        return self


class TrackerEventType(StrEnum):
    """DCSA T&T 3.0 IoT event types a smart-container tracker reports."""

    BREADCRUMB = "BREADCRUMB"
    DEVICE_STATUS = "DEVICE_STATUS"
    DOOR_CLOSED = "DOOR_CLOSED"
    DOOR_OPENED = "DOOR_OPENED"
    GEOFENCE_ENTRY = "GEOFENCE_ENTRY"
    GEOFENCE_EXIT = "GEOFENCE_EXIT"
    MOTION_START = "MOTION_START"
    MOTION_STOP = "MOTION_STOP"


class TrackerEvent(Payload):
    """A smart-container tracker report: a position (breadcrumb), a door or a geofence event."""

    kind: Literal["tracker"] = "tracker"
    container_number: ContainerNumber
    event_type: TrackerEventType
    event_time: UtcTime
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    un_locode: UnLocode | None = None
    geofence: str | None = Field(default=None, max_length=64)
    event_id: str | None = Field(default=None, max_length=100, description="DCSA eventID, when mapped")

    @model_validator(mode="after")
    def _position_pairs(self) -> TrackerEvent:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("latitude and longitude come together")
        return self


class EnoseSample(Payload):
    """One e-nose air sample of a container hanging on the crane: a metal-oxide array reading.

    ``channels`` is the steady-state response of each sensor to the container's air; ``baseline`` the
    same sensors' reading of clean purge air just before (used for baseline correction). ``soak_s`` is how
    long the air was sampled (the crane window is about 180 s).
    """

    kind: Literal["enose"] = "enose"
    container_number: ContainerNumber
    crane_id: str = Field(min_length=1, max_length=32)
    sampled_at: UtcTime
    soak_s: float = Field(gt=0, le=900)
    humidity_pct: float = Field(ge=0, le=100)
    temperature_c: float | None = Field(default=None, ge=-40, le=70)
    channels: list[float] = Field(min_length=4, max_length=64)
    baseline: list[float] = Field(min_length=4, max_length=64)

    @model_validator(mode="after")
    def _same_sensors(self) -> EnoseSample:
        if len(self.channels) != len(self.baseline):
            raise ValueError(f"channels ({len(self.channels)}) and baseline ({len(self.baseline)}) differ")
        return self


class GateDirection(StrEnum):
    IN = "in"
    OUT = "out"


class GateRead(Payload):
    """An OCR camera's read of a container number at a terminal gate (raw text and confidence)."""

    kind: Literal["gate_read"] = "gate_read"
    site: str = Field(min_length=1, max_length=32)
    gate: str = Field(min_length=1, max_length=32)
    lane: str = Field(default="", max_length=16)
    direction: GateDirection
    read_at: UtcTime
    container_text: str = Field(min_length=1, max_length=20, description="The OCR text, as read")
    confidence: float = Field(ge=0, le=1)
    truck_plate: str = Field(default="", max_length=16)


class IntrusionAlert(Payload):
    """A camera's alert: someone or something entered a watched zone (e.g. a custody zone)."""

    kind: Literal["intrusion"] = "intrusion"
    site: str = Field(min_length=1, max_length=32)
    zone: str = Field(min_length=1, max_length=64)
    alert_at: UtcTime
    detected: str = Field(default="person", max_length=32, description="person, vehicle, ...")
    confidence: float = Field(ge=0, le=1)
    snapshot: str = Field(default="", max_length=200, description="Reference of the camera's still")


CameraEvent = Annotated[GateRead | IntrusionAlert, Field(discriminator="kind")]
SensorPayload = SealEvent | TrackerEvent | EnoseSample | GateRead | IntrusionAlert

#: Validates a camera payload of either kind (told apart by ``kind``).
CAMERA_ADAPTER: TypeAdapter[GateRead | IntrusionAlert] = TypeAdapter(CameraEvent)  # type: ignore[arg-type, unused-ignore]
