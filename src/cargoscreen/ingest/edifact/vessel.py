"""CUSCAR header and vessel call: BGM, ``DTM+137``, the ``TDT+20`` group with its LOC and DTM segments.

* Voyage: TDT element 2 (else ``RFF+VON``). Carrier: TDT C040 (element 5) code, else its name (5.4), else
  the header ``NAD+CA`` or ``NAD+MS`` party code or name.
* IMO number and vessel name: the C222 transport identification, element 8 in D95B … D21A (the element
  whose code list qualifier 8.2 is ``146``, else element 8): id 8.1 (an ``IMO`` prefix is tolerated), name
  8.4.
* ``LOC+60`` port of call (required), ``LOC+94`` previous calls, ``DTM+132`` ETA, ``DTM+178`` ATA; read in
  the vessel group, else at header level. ``DTM+137`` document time at header level, else in the group.

Anything wrong here rejects the whole message: a manifest without its vessel call means nothing.
"""

from __future__ import annotations

from cargoscreen.domain.records import Manifest, VesselCall
from cargoscreen.ingest.edifact.common import (
    Context,
    RecordError,
    Where,
    at,
    build,
    first_time,
    imo_text,
    locode_text,
)
from cargoscreen.ingest.edifact.groups import Group
from cargoscreen.ingest.edifact.syntax import Segment


def manifest_header(tree: Group, context: Context, vessel: VesselCall) -> Manifest:
    """The manifest's identification and vessel call (equipment and consignments still empty)."""
    vessel_segments = [seg for group in tree.groups("TDT") for seg in group.segments]
    bgm = tree.first("BGM")
    return build(
        Manifest,
        {"document_number": (bgm or tree.head, at(2))},
        (tree.head, at(1)),
        sender=context.sender,
        recipient=context.recipient,
        interchange_ref=context.interchange_ref,
        message_ref=context.message_ref,
        document_number=bgm.value(2, 1).strip() if bgm else "",
        document_time=first_time([*tree.segments, *vessel_segments], "137"),
        source_format="cuscar",
        vessel_call=vessel,
    )


def vessel_call(tree: Group) -> VesselCall:
    """The vessel call of the first ``TDT+20`` group."""
    vessels = tree.groups("TDT", "20")
    if not vessels:
        raise RecordError(tree.head, at(0), "no TDT+20 (main carriage, vessel) group")
    group = vessels[0]
    tdt = group.head
    segments = [*group.segments, *tree.segments]
    voyage = tdt.value(2).strip() or _reference(segments, "VON")
    if not voyage:
        raise RecordError(tdt, at(2), "no voyage number (TDT element 2 or RFF+VON)")
    port = next((seg for seg in segments if seg.tag == "LOC" and seg.value(1) == "60"), None)
    if port is None:
        raise RecordError(tdt, at(0), "no LOC+60 port of call in the vessel group")
    previous = [seg for seg in segments if seg.tag == "LOC" and seg.value(1) == "94"]
    ident = _identification(tdt)
    where: dict[str, Where] = {"voyage_number": (tdt, at(2)), "port_of_call": (port, at(2, 1))}
    where |= {"vessel_name": (tdt, at(ident, 4)), "imo_number": (tdt, at(ident, 1))}
    where |= {f"previous_ports.{i}": (seg, at(2, 1)) for i, seg in enumerate(previous)}
    return build(
        VesselCall,
        where,
        (tdt, at(1)),
        imo_number=imo_text(tdt, ident, 1),
        vessel_name=tdt.value(ident, 4).strip(),
        voyage_number=voyage,
        carrier=_carrier(tdt, tree),
        port_of_call=locode_text(port),
        eta=first_time(segments, "132"),
        ata=first_time(segments, "178"),
        previous_ports=tuple(locode_text(seg) for seg in previous),
    )


def _identification(tdt: Segment) -> int:
    """The element holding C222 (transport identification): code list qualifier 146, else element 8."""
    return next((e for e in range(8, len(tdt.elements) + 1) if tdt.value(e, 2).strip() == "146"), 8)


def _reference(segments: list[Segment], qualifier: str) -> str:
    found = (seg.value(1, 2).strip() for seg in segments if seg.tag == "RFF" and seg.value(1) == qualifier)
    return next(found, "")


def _carrier(tdt: Segment, tree: Group) -> str:
    carrier = tdt.value(5, 1).strip() or tdt.value(5, 4).strip()
    for qualifier in ("CA", "MS"):
        for nad_group in tree.groups("NAD", qualifier):
            carrier = carrier or nad_group.head.value(2, 1).strip() or nad_group.head.value(4, 1).strip()
    return carrier
