"""Terminal equipment reports (CODECO gate, COARRI quay) → :class:`EquipmentEvent`, one per ``EQD+CN``.

The BGM document code (element 1) gives the event type of every container of the message (see
:mod:`.codeco`, :mod:`.coarri`). Per EQD group:

* container EQD element 2 (check digit verified), size-type 3.1, transport phase 5 (``3`` IMPORT, ``2``
  EXPORT, ``6`` TRANSSHIPMENT), full/empty 6 (``5``/``4``);
* time: ``DTM+7`` (actual) or ``DTM+203`` (execution) in the group — required;
* place: the first ``LOC`` whose qualifier the event type prefers (CODECO ``165``; COARRI discharge ``11``
  then ``165``; loading ``9`` then ``165``), in the group, else at message level; UN/LOCODE element 2.1,
  terminal facility 3.1;
* ``SEL`` seals, ``MEA+AAE+G`` gross weight, ``RFF+BN`` (else ``RFF+BM``) reference.

``event_id`` is ``<sender>/<interchange>/<message>/<container>`` (``/<n>`` appended for the n-th repeat of a
container in the same message); ``raw`` keeps the EQD group's text. Scopes: ``message`` (UNT, directory,
structure, unknown BGM code), ``event`` (one EQD group).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from cargoscreen.domain.batch import ParseResult
from cargoscreen.domain.events import EquipmentEvent, EquipmentEventType, EventSource
from cargoscreen.domain.records import FullEmpty
from cargoscreen.ingest.edifact.common import (
    Context,
    RecordError,
    at,
    build,
    check_directory,
    check_trailer,
    container_text,
    gross_kg,
    locode_text,
    seal,
    timestamp,
)
from cargoscreen.ingest.edifact.groups import Group, GroupSpec, walk
from cargoscreen.ingest.edifact.interchange import Message
from cargoscreen.ingest.edifact.syntax import Segment

_NAD = GroupSpec("NAD", {"CTA", "COM", "RFF"})
_TDT = GroupSpec("TDT", {"LOC", "DTM", "RFF", "FTX"})
_EQD_MEMBERS = {
    "RFF",
    "TMD",
    "DTM",
    "LOC",
    "MEA",
    "DIM",
    "TMP",
    "RNG",
    "SEL",
    "FTX",
    "DGS",
    "EQA",
    "HAN",
    "GDS",
}
REPORT = GroupSpec(
    "UNH",
    {"BGM", "DTM", "FTX", "RFF", "CNT", "LOC", "UNT"},
    _TDT,
    _NAD,
    GroupSpec("EQD", _EQD_MEMBERS, GroupSpec("DAM", {"COD"}), _TDT, _NAD),
)
_PHASES = {"3": "IMPORT", "2": "EXPORT", "6": "TRANSSHIPMENT"}
_FULL_EMPTY = {code.value: code for code in FullEmpty}
_EVENT_TIMES = ("7", "203")
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class ReportKind:
    """What a report message means: BGM code → event type, and LOC qualifiers preferred per type."""

    source: EventSource
    event_types: dict[str, EquipmentEventType]
    locations: dict[EquipmentEventType, tuple[str, ...]]


def read_report(message: Message, context: Context, kind: ReportKind) -> ParseResult:
    """Read one CODECO/COARRI message into events and rejections."""
    result = ParseResult(context.source_name, context.source_format)
    try:
        segments = message.segments()
        check_trailer(segments)
        check_directory(segments[0])
        tree = walk(segments, REPORT)
        event_type = _event_type(tree, kind)
    except RecordError as error:
        result.rejections.append(context.reject("message", error, message.raw()))
        return result
    seen: dict[str, int] = {}
    header = [*tree.segments, *(seg for tdt in tree.groups("TDT") for seg in tdt.segments)]
    for group in tree.groups("EQD", "CN"):
        raw = message.raw(group.head, group.last())
        try:
            event = _event(group, header, event_type, kind, context, raw, seen)
        except RecordError as error:
            result.rejections.append(context.reject("event", error, raw))
            continue
        result.events.append(event)
    return result


def _event_type(tree: Group, kind: ReportKind) -> EquipmentEventType:
    bgm = tree.first("BGM")
    if bgm is None:
        raise RecordError(tree.head, at(0), "no BGM segment")
    code = bgm.value(1, 1).strip()
    if code not in kind.event_types:
        supported = ", ".join(f"{c} {t.value}" for c, t in kind.event_types.items())
        raise RecordError(bgm, at(1), f"document code {code!r} not supported ({supported})")
    return kind.event_types[code]


def _event(
    group: Group,
    header: list[Segment],
    event_type: EquipmentEventType,
    kind: ReportKind,
    context: Context,
    raw: str,
    seen: dict[str, int],
) -> EquipmentEvent:
    eqd = group.head
    number = container_text(eqd.value(2))
    when = next((seg for seg in group.segments if seg.tag == "DTM" and seg.value(1, 1) in _EVENT_TIMES), None)
    if when is None:
        raise RecordError(eqd, at(0), "no DTM+7 or DTM+203 (actual time) in the EQD group")
    place = _place(group.segments, kind.locations[event_type]) or _place(header, kind.locations[event_type])
    where = {"size_type": (eqd, at(3, 1)), "gross_kg": (group.first("MEA") or eqd, at(3, 2))}
    where |= {"un_locode": (place, at(2, 1))} if place else {}
    event = build(
        EquipmentEvent,
        where,
        (eqd, at(2)),
        event_id=f"{context.message_key}/{number}",
        source=kind.source,
        event_type=event_type,
        event_time=timestamp(when),
        container_number=number,
        size_type=eqd.value(3, 1).strip() or None,
        full_empty=_optional(eqd, 6, _FULL_EMPTY),
        un_locode=locode_text(place),
        facility_code=(place.value(3, 1).strip() or None) if place else None,
        transport_phase=_optional(eqd, 5, _PHASES),
        seals=tuple(seal(sel) for sel in group.all("SEL")),
        gross_kg=gross_kg(group.segments),
        reference=_reference(group),
        raw=raw,
    )
    seen[number] = seen.get(number, 0) + 1
    return (
        event.model_copy(update={"event_id": f"{event.event_id}/{seen[number]}"})
        if seen[number] > 1
        else event
    )


def _place(segments: Iterable[Segment], qualifiers: tuple[str, ...]) -> Segment | None:
    locations = [seg for seg in segments if seg.tag == "LOC" and seg.value(1) in qualifiers]
    for qualifier in qualifiers:
        for loc in locations:
            if loc.value(1) == qualifier:
                return loc
    return None


def _optional(seg: Segment, element: int, codes: dict[str, _T]) -> _T | None:
    value = seg.value(element).strip()
    if not value:
        return None
    if value not in codes:
        raise RecordError(seg, at(element), f"code {value!r} not supported ({', '.join(codes)})")
    return codes[value]


def _reference(group: Group) -> str:
    rff = group.first("RFF", "BN") or group.first("RFF", "BM")
    return rff.value(1, 2).strip() if rff is not None else ""
