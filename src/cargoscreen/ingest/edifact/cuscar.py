"""CUSCAR (customs cargo report) → :class:`Manifest`, with rejections.

Groups (see :data:`CUSCAR`): the header and ``TDT+20`` vessel group (see :mod:`.vessel`), ``EQD`` groups
with ``MEA`` and ``SEL`` (here), ``CNI`` consignment groups with ``NAD`` and ``GID`` groups (see
:mod:`.consignment`, :mod:`.goods`). Only ``EQD+CN`` (containers) is read; other equipment is skipped.
Equipment: ``EQD+CN+<number>+<size-type>:102:5++<3 import|2 export|6 tranship>+<5 full|4 empty>``
(movement defaults to import, status to full), ``MEA+AAE+G+KGM:<kg>`` gross weight, ``SEL`` seals.

Rejection scopes, all-or-nothing:

* ``message``: UNT count/reference wrong, directory outside D95B–D21A, a known segment out of place, or
  the header or vessel call (TDT group, LOC+60/94, times, IMO) invalid → nothing of the message is kept.
* ``equipment``: an invalid EQD group (check digit, seal issuer, codes, weight) drops that container; a
  second EQD of the same container is dropped.
* ``consignment``: an invalid CNI group (ports, parties, goods, HS code) drops the consignment with its
  goods; so does a goods placement (SGP) in a container that was dropped or never declared by an EQD.
* Then a container that carries goods only of dropped consignments is dropped too (scope ``equipment``).
  Containers without goods (empties) are kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from cargoscreen.domain.batch import ParseResult
from cargoscreen.domain.quarantine import Rejection
from cargoscreen.domain.records import Consignment, Equipment, FullEmpty, TradeMovement
from cargoscreen.ingest.edifact.common import (
    Context,
    RecordError,
    at,
    build,
    check_directory,
    check_trailer,
    container_text,
    gross_kg,
    seal,
)
from cargoscreen.ingest.edifact.consignment import bill_of_lading, consignment
from cargoscreen.ingest.edifact.groups import Group, GroupSpec, walk
from cargoscreen.ingest.edifact.interchange import Message
from cargoscreen.ingest.edifact.syntax import Segment
from cargoscreen.ingest.edifact.vessel import manifest_header, vessel_call

_NAD = GroupSpec("NAD", {"CTA", "COM", "RFF"})
_GID = GroupSpec(
    "GID", {"FTX", "MEA", "SGP", "PCI", "PIA", "CST", "HAN", "DIM", "TMP", "RNG", "DGS", "GIN", "GDS"}
)
CUSCAR = GroupSpec(
    "UNH",
    {"BGM", "DTM", "RFF", "FTX", "GIS", "CNT", "LOC", "MOA", "CUX", "TOD", "UNT"},
    _NAD,
    GroupSpec("TDT", {"DTM", "RFF", "LOC", "TSR", "FTX"}),
    GroupSpec("EQD", {"MEA", "SEL", "DIM", "TMP", "RNG", "HAN", "EQN", "TPL", "FTX", "RFF", "TMD", "EQA"}),
    GroupSpec(
        "CNI",
        {"RFF", "CNT", "LOC", "DTM", "MOA", "TOD", "FTX", "CUX", "TSR", "DOC", "GIS", "TCC"},
        _NAD,
        _GID,
    ),
)
_Code = TypeVar("_Code", TradeMovement, FullEmpty)
_MOVEMENTS = {code.value: code for code in TradeMovement}
_FULL_EMPTY = {code.value: code for code in FullEmpty}


@dataclass(slots=True)
class _Containers:
    kept: dict[str, tuple[Equipment, Group]] = field(default_factory=dict)
    refused: dict[str, Segment] = field(default_factory=dict)  # by owner code + serial (check digit off)


def read_cuscar(message: Message, context: Context) -> ParseResult:
    """Read one CUSCAR message: a manifest (unless the whole message is rejected) and the rejections."""
    result = ParseResult(context.source_name, context.source_format)
    try:
        segments = message.segments()
        check_trailer(segments)
        check_directory(segments[0])
        tree = walk(segments, CUSCAR)
        vessel = vessel_call(tree)
        header = manifest_header(tree, context, vessel)
    except RecordError as error:
        result.rejections.append(context.reject("message", error, message.raw()))
        return result
    containers = _read_equipment(tree, message, context, result.rejections)
    consignments, used = _read_consignments(tree, message, context, containers, result.rejections)
    equipment = _drop_unused(containers, used, message, context, result.rejections)
    manifest = header.model_copy(update={"equipment": equipment, "consignments": consignments})
    result.manifests.append(manifest)
    return result


def equipment_of(group: Group) -> Equipment:
    """An Equipment from an ``EQD+CN`` group (movement defaults to import, status to full)."""
    eqd = group.head
    movement = _code(eqd, 5, _MOVEMENTS, TradeMovement.IMPORT)
    full_empty = _code(eqd, 6, _FULL_EMPTY, FullEmpty.FULL)
    seals = tuple(seal(sel) for sel in group.all("SEL"))
    where = {"size_type": (eqd, at(3, 1)), "gross_kg": (group.first("MEA") or eqd, at(3, 2))}
    return build(
        Equipment,
        where,
        (eqd, at(2)),
        container_number=eqd.value(2).strip(),
        size_type=eqd.value(3, 1).strip(),
        full_empty=full_empty,
        movement=movement,
        gross_kg=gross_kg(group.segments),
        seals=seals,
    )


def _code(seg: Segment, element: int, codes: dict[str, _Code], default: _Code) -> _Code:
    value = seg.value(element).strip()
    if not value:
        return default
    if value not in codes:
        raise RecordError(seg, at(element), f"code {value!r} not supported ({', '.join(codes)})")
    return codes[value]


def _read_equipment(tree: Group, message: Message, context: Context, out: list[Rejection]) -> _Containers:
    containers = _Containers()
    for group in tree.groups("EQD", "CN"):
        eqd = group.head
        try:
            equipment = equipment_of(group)
            if equipment.container_number in containers.kept:
                raise RecordError(eqd, at(2), f"container {equipment.container_number} declared twice")
        except RecordError as error:
            out.append(context.reject("equipment", error, message.raw(eqd, group.last())))
            containers.refused.setdefault(container_text(eqd.value(2))[:10], eqd)
            continue
        containers.kept[equipment.container_number] = (equipment, group)
    return containers


def _read_consignments(
    tree: Group, message: Message, context: Context, containers: _Containers, out: list[Rejection]
) -> tuple[tuple[Consignment, ...], dict[str, list[str]]]:
    """Kept consignments, and per container the B/Ls using it (``""`` marks a kept one)."""
    kept: dict[str, Consignment] = {}
    used: dict[str, list[str]] = {}
    for group in tree.groups("CNI"):
        try:
            record, placements = consignment(group)
            _check_placements(placements, containers)
            if record.bill_of_lading in kept:
                raise RecordError(group.head, at(2), f"bill of lading {record.bill_of_lading} appears twice")
        except RecordError as error:
            out.append(context.reject("consignment", error, message.raw(group.head, group.last())))
            for sgp in (s for gid in group.groups("GID") for s in gid.all("SGP")):
                used.setdefault(container_text(sgp.value(1)), []).append(bill_of_lading(group) or "?")
            continue
        kept[record.bill_of_lading] = record
        for number in placements:
            used.setdefault(number, []).append("")
    return tuple(kept.values()), used


def _check_placements(placements: dict[str, Segment], containers: _Containers) -> None:
    for number, sgp in placements.items():
        if number in containers.kept:
            continue
        refused = containers.refused.get(number[:10])
        if refused is not None:
            reason = f"container {number} was rejected (segment {refused.number} (EQD), line {refused.line})"
        else:
            reason = f"container {number} is not declared by an EQD of this message"
        raise RecordError(sgp, at(1), reason)


def _drop_unused(
    containers: _Containers,
    used: dict[str, list[str]],
    message: Message,
    context: Context,
    out: list[Rejection],
) -> tuple[Equipment, ...]:
    equipment: list[Equipment] = []
    for number, (record, group) in containers.kept.items():
        users = used.get(number, [""])
        if "" in users:
            equipment.append(record)
            continue
        reason = f"container carries only goods of rejected consignment(s) {', '.join(sorted(set(users)))}"
        error = RecordError(group.head, at(2), reason)
        out.append(context.reject("equipment", error, message.raw(group.head, group.last())))
    return tuple(equipment)
