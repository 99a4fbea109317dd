"""Map DCSA Track & Trace 3.0 EQUIPMENT events to and from the domain :class:`EquipmentEvent`.

Reading then writing keeps every field the domain holds; DCSA fields the domain has no place for (seal type
and placement, facility type, ``eventUpdatedDateTime``, ``reason``) are dropped on reading. The domain's
``gross_kg`` has no place in a T&T 3.0 event and is not written.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from cargoscreen.domain.errors import InvalidIdentifier
from cargoscreen.domain.events import EquipmentEvent, EquipmentEventType, EventSource
from cargoscreen.domain.ids import parse_un_locode
from cargoscreen.domain.records import FullEmpty, Seal, SealSource
from cargoscreen.ingest.dcsa import models as dcsa

Path = tuple[str | int, ...]

_SPEC_NAMES: dict[EquipmentEventType, dcsa.EquipmentEventType] = {
    EquipmentEventType.LOADED: "LOADED",
    EquipmentEventType.DISCHARGED: "DISCHARGED",
    EquipmentEventType.GATED_IN: "GATED_IN",
    EquipmentEventType.GATED_OUT: "GATED_OUT",
    EquipmentEventType.STUFFED: "STUFFED",
    EquipmentEventType.STRIPPED: "STRIPPED",
    EquipmentEventType.PICK_UP: "PICKED_UP",
    EquipmentEventType.DROP_OFF: "DROPPED_OFF",
    EquipmentEventType.RESEALED: "RESEALED",
    EquipmentEventType.REMOVED: "REMOVED",
    EquipmentEventType.INSPECTED: "INSPECTED",
    EquipmentEventType.CUSTOMS_SELECTED_FOR_SCAN: "CUSTOMS_SELECTED_FOR_SCAN",
    EquipmentEventType.CUSTOMS_SELECTED_FOR_INSPECTION: "CUSTOMS_SELECTED_FOR_INSPECTION",
    EquipmentEventType.CUSTOMS_RELEASED: "CUSTOMS_RELEASED",
}
_LEGACY_CODES: dict[str, EquipmentEventType] = {
    "LOAD": EquipmentEventType.LOADED,
    "DISC": EquipmentEventType.DISCHARGED,
    "GTIN": EquipmentEventType.GATED_IN,
    "GTOT": EquipmentEventType.GATED_OUT,
    "STUF": EquipmentEventType.STUFFED,
    "STRP": EquipmentEventType.STRIPPED,
    "PICK": EquipmentEventType.PICK_UP,
    "DROP": EquipmentEventType.DROP_OFF,
    "RSEA": EquipmentEventType.RESEALED,
    "RMVD": EquipmentEventType.REMOVED,
    "INSP": EquipmentEventType.INSPECTED,
    "CUSS": EquipmentEventType.CUSTOMS_SELECTED_FOR_SCAN,
    "CUSI": EquipmentEventType.CUSTOMS_SELECTED_FOR_INSPECTION,
    "CUSR": EquipmentEventType.CUSTOMS_RELEASED,
}
EVENT_TYPES: dict[str, EquipmentEventType] = {
    **{name: domain for domain, name in _SPEC_NAMES.items()},
    **_LEGACY_CODES,
}
CLASSIFIERS: dict[dcsa.EventClassifier, str] = {"ACTUAL": "ACT", "PLANNED": "PLN", "ESTIMATED": "EST"}
SEAL_SOURCES: dict[str, SealSource] = {
    "CARRIER": SealSource.CARRIER,
    "SHIPPER": SealSource.SHIPPER,
    "CUSTOMS": SealSource.CUSTOMS,
    "TERMINAL": SealSource.TERMINAL,
}
_SEAL_SPEC_NAMES: dict[SealSource, dcsa.SealSourceCode] = {
    SealSource.CARRIER: "CARRIER",
    SealSource.SHIPPER: "SHIPPER",
    SealSource.CUSTOMS: "CUSTOMS",
    SealSource.TERMINAL: "TERMINAL",
}
_EMPTY_NAMES: dict[FullEmpty, dcsa.EmptyIndicator] = {FullEmpty.EMPTY: "EMPTY", FullEmpty.FULL: "LADEN"}
_PHASES: dict[str, dcsa.TransportPhase] = {
    "IMPORT": "IMPORT",
    "EXPORT": "EXPORT",
    "TRANSSHIPMENT": "TRANSSHIPMENT",
}
_CLASSIFIER_NAMES: dict[str, dcsa.EventClassifier] = {code: name for name, code in CLASSIFIERS.items()}
_DOMAIN_FIELD_PATHS: dict[str, Path] = {
    "event_id": ("eventID",),
    "event_time": ("eventDateTime",),
    "container_number": ("equipmentDetails", "equipmentReference"),
    "size_type": ("equipmentDetails", "ISOEquipmentCode"),
    "facility_code": ("eventLocation", "facility", "facilityCode"),
    "latitude": ("eventLocation", "geoCoordinate", "latitude"),
    "longitude": ("eventLocation", "geoCoordinate", "longitude"),
    "reference": ("shipmentDetails", "documentReference", "reference"),
}


class MappingError(ValueError):
    """A valid DCSA event that cannot become a domain record; ``path`` is the JSON path inside the event."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(reason)


def event_from_dcsa(event: dcsa.EquipmentEvent, *, raw: str = "") -> EquipmentEvent:
    """The domain event of a validated DCSA EQUIPMENT event, or :class:`MappingError` naming the field."""
    subtype = event.eventClassification.subtype
    if subtype not in EVENT_TYPES:
        raise MappingError(
            ("eventClassification", "equipmentEventType"), f"{subtype} has no cargoscreen type"
        )
    details = event.equipmentDetails
    location = event.eventLocation or dcsa.Location()
    geo = location.geoCoordinate
    fields: dict[str, Any] = {
        "event_id": event.eventID,
        "source": EventSource.DCSA,
        "event_type": EVENT_TYPES[subtype],
        "classifier": CLASSIFIERS[event.eventClassification.eventClassifier],
        "event_time": event.eventDateTime,
        "container_number": details.equipmentReference,
        "size_type": details.ISOEquipmentCode,
        "full_empty": _full_empty(details.emptyIndicator),
        "un_locode": _un_locode(location.UNLocationCode),
        "facility_code": location.facility.facilityCode if location.facility else None,
        "transport_phase": details.transportPhase,
        "seals": tuple(_seal(index, seal) for index, seal in enumerate(details.seals)),
        "latitude": float(geo.latitude) if geo else None,
        "longitude": float(geo.longitude) if geo else None,
        "reference": _reference(event.shipmentDetails),
        "raw": raw,
    }
    try:
        return EquipmentEvent(**fields)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0])
        raise MappingError(_DOMAIN_FIELD_PATHS.get(field, ()), f"{field}: {error['msg']}") from None


def equipment_event_to_dcsa(event: EquipmentEvent) -> dict[str, Any]:
    """Write a domain event as a DCSA T&T 3.0 EQUIPMENT event (a JSON-ready dict).

    Raises ``ValueError`` when a value does not fit the spec (e.g. a seal number longer than 15 characters).
    """
    has_geo = event.latitude is not None and event.longitude is not None
    location = dcsa.Location(
        UNLocationCode=event.un_locode,
        facility=dcsa.Facility(facilityCode=event.facility_code, facilityCodeListProvider="SMDG")
        if event.facility_code
        else None,
        geoCoordinate=dcsa.GeoCoordinate(latitude=str(event.latitude), longitude=str(event.longitude))
        if has_geo
        else None,
    )
    model = dcsa.EquipmentEvent(
        eventID=event.event_id,
        eventDateTime=event.event_time,
        eventClassification=dcsa.EventClassification(
            eventType="EQUIPMENT",
            eventClassifier=_CLASSIFIER_NAMES[event.classifier],
            equipmentEventType=_SPEC_NAMES[event.event_type],
        ),
        eventLocation=location if location.model_dump(exclude_none=True) else None,
        equipmentDetails=_equipment_details(event),
        shipmentDetails=dcsa.ShipmentDetails(
            documentReference=dcsa.DocumentReference(type="TRANSPORT_DOCUMENT", reference=event.reference)
        )
        if event.reference
        else None,
    )
    return model.model_dump(mode="json", exclude_none=True)


def _equipment_details(event: EquipmentEvent) -> dcsa.EquipmentDetails:
    return dcsa.EquipmentDetails(
        equipmentReference=event.container_number,
        ISOEquipmentCode=event.size_type,
        emptyIndicator=_EMPTY_NAMES[event.full_empty] if event.full_empty else None,
        transportPhase=_PHASES[event.transport_phase] if event.transport_phase else None,
        seals=[
            dcsa.Seal(number=seal.seal_number, source=_SEAL_SPEC_NAMES[seal.source]) for seal in event.seals
        ],
    )


def _full_empty(indicator: dcsa.EmptyIndicator | None) -> FullEmpty | None:
    return {"EMPTY": FullEmpty.EMPTY, "LADEN": FullEmpty.FULL}[indicator] if indicator else None


def _un_locode(code: str | None) -> str | None:
    if code is None:
        return None
    try:
        return parse_un_locode(code)
    except InvalidIdentifier as exc:
        raise MappingError(("eventLocation", "UNLocationCode"), str(exc)) from None


def _seal(index: int, seal: dcsa.Seal) -> Seal:
    path: Path = ("equipmentDetails", "seals", index, "source")
    if seal.source is None:
        raise MappingError(path, "seal source is required (who affixed the seal)")
    if seal.source not in SEAL_SOURCES:
        raise MappingError(path, f"seal source {seal.source} has no cargoscreen equivalent yet")
    return Seal(seal_number=seal.number, source=SEAL_SOURCES[seal.source])


def _reference(details: dcsa.ShipmentDetails | None) -> str:
    if details is None or details.documentReference is None:
        return ""
    return details.documentReference.reference
