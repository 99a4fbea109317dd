"""Pydantic models of the parts of a DCSA Track & Trace 3.0.0 ``Event`` that cargoscreen reads and writes.

Field names are the spec's (``components.schemas`` of ``dcsa_tnt_v3.0.0_FINAL_openapi.yaml``), so validation
errors name the JSON path a producer sees. The spec lists enumerations in descriptions only; these models
enforce them. Parts not modelled (``eventRouting``, ``transportDetails``, ``reeferDetails``, most of
``shipmentDetails``) are ignored on input and never written.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from cargoscreen.domain.ids import ContainerNumber

EventType = Literal["SHIPMENT", "TRANSPORT", "EQUIPMENT", "IOT", "REEFER"]
EventClassifier = Literal["ACTUAL", "PLANNED", "ESTIMATED"]
EquipmentEventType = Literal[
    "AVAILABLE_FOR_DROP_OFF", "AVAILABLE_FOR_PICKUP", "CROSSED", "CUSTOMS_RELEASED",
    "CUSTOMS_SELECTED_FOR_INSPECTION", "CUSTOMS_SELECTED_FOR_SCAN", "DISCHARGED", "DROPPED_OFF", "GATED_IN",
    "GATED_OUT", "INSPECTED", "LOADED", "PICKED_UP", "REMOVED", "RESEALED", "STRIPPED", "STUFFED",
    # T&T 2.2 codes, still sent by older producers
    "LOAD", "DISC", "GTIN", "GTOT", "STUF", "STRP", "PICK", "DROP", "RSEA", "RMVD", "INSP", "CUSS", "CUSI",
    "CUSR",
]  # fmt: skip
IotEventType = Literal[
    "BREADCRUMB", "DEVICE_STATUS", "DOOR_CLOSED", "DOOR_OPENED", "GEOFENCE_ENTRY", "GEOFENCE_EXIT",
    "MOTION_START", "MOTION_STOP", "PAIRING", "UNPAIRING",
]  # fmt: skip
TransportEventType = Literal["APPROACHING", "ARRIVED", "DEPARTED"]
ReeferEventType = Literal["ADJUSTED", "MEASURED"]
TransportPhase = Literal["EXPORT", "IMPORT", "TRANSSHIPMENT"]
EmptyIndicator = Literal["EMPTY", "LADEN"]
SealSourceCode = Literal[
    "CARRIER", "CONSOLIDATOR", "CUSTOMER", "CUSTOMS", "PHYTOSANITARY", "SHIPPER", "TERMINAL", "VETERINARY"
]
FacilityType = Literal[
    "BORDER", "CUSTOMER_LOCATION", "DEPOT", "CONTAINER_FREIGHT_STATION", "INLAND_TERMINAL",
    "OFF_DOCK_STORAGE", "PORT_TERMINAL", "RAMP", "WAYPOINT",
]  # fmt: skip
_SUBTYPE_FIELD = {
    "SHIPMENT": "shipmentEventType",
    "TRANSPORT": "transportEventType",
    "EQUIPMENT": "equipmentEventType",
    "IOT": "iotEventType",
    "REEFER": "reeferEventType",
}


class DcsaModel(BaseModel):
    """Base of the DCSA models: spec field names, unknown fields ignored, immutable."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class Facility(DcsaModel):
    facilityName: str | None = Field(default=None, max_length=100)
    facilityCode: str | None = Field(default=None, min_length=1, max_length=6)
    facilityCodeListProvider: Literal["SMDG", "BIC"] | None = None


class GeoCoordinate(DcsaModel):
    """ISO 6709 decimal degrees, as strings in the spec (numbers are accepted too)."""

    model_config = ConfigDict(coerce_numbers_to_str=True)

    latitude: str = Field(max_length=20)
    longitude: str = Field(max_length=20)

    @field_validator("latitude", "longitude")
    @classmethod
    def _decimal_degrees(cls, value: str) -> str:
        try:
            float(value)
        except ValueError:
            raise ValueError("not decimal degrees") from None
        return value

    @model_validator(mode="after")
    def _in_range(self) -> GeoCoordinate:
        if not (-90 <= float(self.latitude) <= 90 and -180 <= float(self.longitude) <= 180):
            raise ValueError("latitude must lie in [-90, 90] and longitude in [-180, 180]")
        return self


class Location(DcsaModel):
    locationName: str | None = Field(default=None, max_length=100)
    facilityType: FacilityType | None = None
    UNLocationCode: str | None = Field(default=None, pattern=r"^[A-Z]{2}[A-Z2-9]{3}$")
    facility: Facility | None = None
    geoCoordinate: GeoCoordinate | None = None


class Seal(DcsaModel):
    number: str = Field(min_length=1, max_length=15)
    source: SealSourceCode | None = None
    type: Literal["KEYLESS_PADLOCK", "BOLT", "WIRE"] | None = None
    placement: Literal["DOOR", "VENT"] | None = None


class EquipmentDetails(DcsaModel):
    equipmentReference: ContainerNumber = Field(max_length=11)
    ISOEquipmentCode: str | None = Field(default=None, pattern=r"^[0-9A-Z]{4}$")
    emptyIndicator: EmptyIndicator | None = None
    transportPhase: TransportPhase | None = None
    seals: list[Seal] = Field(default_factory=list)


class EventClassification(DcsaModel):
    """Type, subtype and classifier; the subtype field must match ``eventType``."""

    eventType: EventType
    eventClassifier: EventClassifier
    shipmentEventType: str | None = Field(default=None, max_length=100)
    transportEventType: TransportEventType | None = None
    equipmentEventType: EquipmentEventType | None = None
    iotEventType: IotEventType | None = None
    reeferEventType: ReeferEventType | None = None

    @model_validator(mode="after")
    def _subtype_given(self) -> EventClassification:
        field = _SUBTYPE_FIELD[self.eventType]
        if getattr(self, field) is None:
            raise ValueError(f"{field} is required when eventType is {self.eventType}")
        return self

    @property
    def subtype(self) -> str:
        """The value of the subtype field that matches ``eventType`` (e.g. ``LOADED``)."""
        return str(getattr(self, _SUBTYPE_FIELD[self.eventType]))


class IotDetails(DcsaModel):
    iotEquipmentTechnology: Literal["SMART_CONTAINER", "PASSIVE_TAG", "NONE", "UNKNOWN"] | None = None
    powerStatus: Literal["INACTIVE", "POWER_OFF", "POWER_ON", "UNKNOWN"] | None = None
    deviceVendor: str | None = Field(default=None, max_length=100)
    deviceModel: str | None = Field(default=None, max_length=100)


class DocumentReference(DcsaModel):
    type: str = Field(min_length=1, max_length=100)
    reference: str = Field(min_length=1, max_length=100)


class ShipmentDetails(DcsaModel):
    documentReference: DocumentReference | None = None


class Event(DcsaModel):
    """A Track & Trace event as the spec allows it: only ``eventID`` is needed (all a retraction carries)."""

    eventID: str = Field(min_length=1, max_length=500)
    isRetracted: bool | None = None
    eventDateTime: AwareDatetime | None = None
    eventUpdatedDateTime: AwareDatetime | None = None
    eventLocation: Location | None = None
    reason: str | None = Field(default=None, max_length=250)
    eventClassification: EventClassification | None = None
    shipmentDetails: ShipmentDetails | None = None
    equipmentDetails: EquipmentDetails | None = None
    iotDetails: IotDetails | None = None


class ClassifiedEvent(Event):
    """An event cargoscreen can use: it says what happened and when."""

    eventDateTime: AwareDatetime
    eventClassification: EventClassification


class EquipmentEvent(ClassifiedEvent):
    """An EQUIPMENT event: it names the container."""

    equipmentDetails: EquipmentDetails


class IotEvent(ClassifiedEvent):
    """An IOT event: it names the container (``iotDetails`` stays optional)."""

    equipmentDetails: EquipmentDetails


def validate_event(raw: object) -> Event:
    """Validate with the most specific model: a retraction as :class:`Event`, EQUIPMENT and IOT events as
    :class:`EquipmentEvent` / :class:`IotEvent`, any other as :class:`ClassifiedEvent`."""
    model: type[Event] = ClassifiedEvent
    if isinstance(raw, dict):
        classification = raw.get("eventClassification")
        kind = classification.get("eventType") if isinstance(classification, dict) else None
        model = {"EQUIPMENT": EquipmentEvent, "IOT": IotEvent}.get(str(kind), ClassifiedEvent)
        if raw.get("isRetracted") is True:
            model = Event
    return model.model_validate(raw)
