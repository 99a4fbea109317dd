"""Read DCSA Track & Trace 3.0 events: a single event, a list, or ``{"events": [...]}``.

EQUIPMENT events become domain :class:`EquipmentEvent` records. Every other event is validated by the models
and then rejected with a reason (IoT events belong to the sensors capability). Rejections name the place as
``events[3].equipmentDetails.equipmentReference`` — the index in the list, ``events[0]`` for a lone event.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from cargoscreen.domain.batch import ParseResult
from cargoscreen.domain.errors import ParseError
from cargoscreen.domain.events import EquipmentEvent
from cargoscreen.domain.quarantine import Rejection
from cargoscreen.ingest.dcsa import models as dcsa
from cargoscreen.ingest.dcsa.mapping import MappingError, event_from_dcsa
from cargoscreen.ingest.json_manifest import format_path, load_json_document, validation_problems

SOURCE_FORMAT = "dcsa"
IOT_REASON = "IoT events are handled by the sensors capability"
_RAW_LIMIT = 20000

Problem = tuple[tuple[str | int, ...], str]


def parse_dcsa_events(data: bytes, *, source_name: str) -> ParseResult:
    """Read a DCSA T&T 3.0 JSON document into equipment events and rejections."""
    result = ParseResult(source_name=source_name, source_format=SOURCE_FORMAT)
    for index, raw in enumerate(event_list(load_json_document(data))):
        outcome = _read_event(raw, index)
        if isinstance(outcome, EquipmentEvent):
            result.events.append(outcome)
        else:
            result.rejections.append(_rejection(source_name, index, raw, outcome))
    return result


def event_list(document: Any) -> list[Any]:
    """The events of a document: a lone event, a list of events, or an object with an ``events`` list."""
    if isinstance(document, list):
        return document
    if isinstance(document, dict) and isinstance(document.get("events"), list):
        return list(document["events"])
    if isinstance(document, dict) and ("eventID" in document or "eventClassification" in document):
        return [document]
    raise ParseError('expected a DCSA event, a list of events, or {"events": [...]}')


def _read_event(raw: Any, index: int) -> EquipmentEvent | list[Problem]:
    if not isinstance(raw, dict):
        return [((), "not a JSON object")]
    try:
        event = dcsa.validate_event(raw)
    except ValidationError as exc:
        return validation_problems(exc)
    if event.isRetracted:
        return [(("isRetracted",), "retracted events are not supported yet")]
    if not isinstance(event, dcsa.EquipmentEvent):
        kind = event.eventClassification.eventType if event.eventClassification else "unclassified"
        reason = (
            IOT_REASON if kind == "IOT" else f"{kind} events are not ingested (only EQUIPMENT events are)"
        )
        return [(("eventClassification", "eventType"), reason)]
    try:
        return event_from_dcsa(event, raw=_compact_json(raw))
    except MappingError as exc:
        return [(exc.path, exc.reason)]


def _rejection(source_name: str, index: int, raw: Any, problems: list[Problem]) -> Rejection:
    located = [(format_path(f"events[{index}]", path), reason) for path, reason in problems]
    reason = located[0][1] if len(located) == 1 else "; ".join(f"{loc}: {why}" for loc, why in located)
    event_id = raw.get("eventID") if isinstance(raw, dict) else None
    return Rejection(
        source_name=source_name,
        source_format=SOURCE_FORMAT,
        message_key=event_id if isinstance(event_id, str) else "",
        scope="event",
        locator=located[0][0],
        reason=reason,
        raw=_compact_json(raw)[:_RAW_LIMIT],
    )


def _compact_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
