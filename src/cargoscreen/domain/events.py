"""Equipment events: terminal gate and quay reports (CODECO, COARRI) and DCSA Track & Trace events."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field, field_validator

from cargoscreen.domain.ids import ContainerNumber, UnLocode
from cargoscreen.domain.records import FullEmpty, Record, Seal


class EquipmentEventType(StrEnum):
    """DCSA equipment event types used across the platform (CODECO/COARRI map onto them)."""

    LOADED = "LOADED"
    DISCHARGED = "DISCHARGED"
    GATED_IN = "GATED_IN"
    GATED_OUT = "GATED_OUT"
    STUFFED = "STUFFED"
    STRIPPED = "STRIPPED"
    PICK_UP = "PICK_UP"
    DROP_OFF = "DROP_OFF"
    RESEALED = "RESEALED"
    REMOVED = "REMOVED"
    INSPECTED = "INSPECTED"
    CUSTOMS_SELECTED_FOR_SCAN = "CUSTOMS_SELECTED_FOR_SCAN"
    CUSTOMS_SELECTED_FOR_INSPECTION = "CUSTOMS_SELECTED_FOR_INSPECTION"
    CUSTOMS_RELEASED = "CUSTOMS_RELEASED"


class EventSource(StrEnum):
    """Which message carried the event."""

    CODECO = "codeco"
    COARRI = "coarri"
    DCSA = "dcsa"
    CUSTOMS = "customs"  # emitted by cargoscreen itself: the customs selection events sent to terminals


class EquipmentEvent(Record):
    """Something that happened to a container at a place and time.

    ``event_id`` is unique per sender: a CODECO/COARRI event is keyed by interchange, message and container;
    a DCSA event by its eventID.
    """

    event_id: str = Field(min_length=1, max_length=500)
    source: EventSource
    event_type: EquipmentEventType
    classifier: str = Field(default="ACT", pattern=r"^(ACT|PLN|EST)$")
    event_time: datetime
    container_number: ContainerNumber
    size_type: str | None = Field(default=None, pattern=r"^[0-9A-Z]{4}$")
    full_empty: FullEmpty | None = None
    un_locode: UnLocode | None = None
    facility_code: str | None = None
    transport_phase: str | None = Field(default=None, pattern=r"^(IMPORT|EXPORT|TRANSSHIPMENT)$")
    seals: tuple[Seal, ...] = ()
    gross_kg: float | None = Field(default=None, ge=0)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    reference: str = ""
    raw: str = ""

    @field_validator("event_time")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("event_time must carry a UTC offset")
        return value
