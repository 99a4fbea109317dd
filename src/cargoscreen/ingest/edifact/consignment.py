"""CUSCAR consignments (CNI groups): bill of lading, ports, parties and goods items.

* B/L: ``RFF+BM:<b/l>`` in the CNI group, else CNI element 2.
* Ports: ``LOC+76`` or ``LOC+5`` place of origin (the first of either), ``LOC+9`` loading, ``LOC+11``
  discharge, ``LOC+13`` transhipment (repeatable, in order). Each must be in the shipped port list.
* Parties: ``NAD+CZ`` consignor, ``NAD+CN`` consignee, ``NAD+N1`` notify (the first of each). Two layouts:
  standard ``NAD+<q>+<id>++<name C080>+<street C059>+<city>+<subdivision>+<postcode>+<country>`` and the
  compact one of our partners' sample ``NAD+<q>+<id>+<name>:<street>:<city> (C058)+<subdivision>+<postcode>
  +<country>``. The standard layout is read when the segment has 7 or more elements, or a C080 name and no
  C058; a name spread over components is joined with spaces; a coded party without a name takes its id.
* EORI: ``RFF+AHP:<eori>`` or ``RFF+ABO:<eori>`` right after the NAD (inside its NAD group).
"""

from __future__ import annotations

from cargoscreen.domain.records import Consignment, GoodsItem, Party
from cargoscreen.ingest.edifact.common import RecordError, Where, at, build, locode_text, text
from cargoscreen.ingest.edifact.goods import goods_item
from cargoscreen.ingest.edifact.groups import Group
from cargoscreen.ingest.edifact.syntax import Segment

_PARTIES = {"CZ": "consignor", "CN": "consignee", "N1": "notify"}
_EORI_REFERENCES = ("AHP", "ABO")


def bill_of_lading(group: Group) -> str:
    """The B/L number of a CNI group, as written (also used to name rejected consignments)."""
    rff = group.first("RFF", "BM")
    return (rff.value(1, 2) if rff is not None else "").strip() or group.head.value(2, 1).strip()


def consignment(group: Group) -> tuple[Consignment, dict[str, Segment]]:
    """A consignment and, per container its goods are placed in, the first SGP naming it."""
    cni = group.head
    bill = bill_of_lading(group)
    if not bill:
        raise RecordError(cni, at(2), "consignment without a bill of lading (RFF+BM or CNI element 2)")
    parties = _parties(group)
    items, placements = _goods_items(group)
    ports, where = _ports(group)
    where["bill_of_lading"] = (group.first("RFF", "BM") or cni, at(1, 2))
    record = build(
        Consignment, where, (cni, at(1)), bill_of_lading=bill, goods_items=items, **parties, **ports
    )
    return record, placements


def _ports(group: Group) -> tuple[dict[str, object], dict[str, Where]]:
    origin = next((loc for loc in group.all("LOC", "76", "5")), None)
    loading, discharge = group.first("LOC", "9"), group.first("LOC", "11")
    tranships = group.all("LOC", "13")
    ports: dict[str, object] = {
        "place_of_origin": locode_text(origin),
        "port_of_loading": locode_text(loading),
        "port_of_discharge": locode_text(discharge),
        "transhipment_ports": tuple(locode_text(loc) for loc in tranships),
    }
    where: dict[str, Where] = {f"transhipment_ports.{i}": (loc, at(2, 1)) for i, loc in enumerate(tranships)}
    for name, loc in (
        ("place_of_origin", origin),
        ("port_of_loading", loading),
        ("port_of_discharge", discharge),
    ):
        if loc is not None:
            where[name] = (loc, at(2, 1))
    return ports, where


def _parties(group: Group) -> dict[str, Party]:
    parties: dict[str, Party] = {}
    for nad_group in group.groups("NAD", *_PARTIES):
        role = _PARTIES[nad_group.head.qualifier]
        if role not in parties:
            parties[role] = party(nad_group)
    return parties


def party(group: Group) -> Party:
    """A party from its NAD group (standard or compact layout, EORI from RFF+AHP/ABO)."""
    nad = group.head
    standard = len(nad.elements) >= 7 or (not nad.value(3) and bool(nad.value(4)))
    if standard:
        fields = {"name": text(nad.components(4)), "street": text(nad.components(5)), "city": nad.value(6)}
        fields |= {"postcode": nad.value(8), "country": nad.value(9)}
        where = {"name": at(4), "street": at(5), "city": at(6), "postcode": at(8), "country": at(9)}
    else:
        lines = nad.components(3)
        fields = {"name": lines[0] if lines else "", "street": nad.value(3, 2), "city": nad.value(3, 3)}
        fields |= {"postcode": nad.value(5), "country": nad.value(6)}
        where = {"name": at(3, 1), "street": at(3, 2), "city": at(3, 3), "postcode": at(5), "country": at(6)}
    fields = {name: value.strip() for name, value in fields.items()}
    if not fields["name"]:
        fields["name"] = nad.value(2, 1).strip()
    eori = next((rff for rff in group.all("RFF", *_EORI_REFERENCES)), None)
    places: dict[str, Where] = {name: (nad, element) for name, element in where.items()}
    if eori is not None:
        places["eori"] = (eori, at(1, 2))
    eori_value = eori.value(1, 2).strip() if eori is not None else None
    return build(Party, places, (nad, at(1)), eori=eori_value, **fields)


def _goods_items(group: Group) -> tuple[tuple[GoodsItem, ...], dict[str, Segment]]:
    items: list[GoodsItem] = []
    placements: dict[str, Segment] = {}
    numbers: set[int] = set()
    for gid_group in group.groups("GID"):
        item, sgps = goods_item(gid_group)
        if item.item_number in numbers:
            raise RecordError(gid_group.head, at(1), f"goods item number {item.item_number} appears twice")
        numbers.add(item.item_number)
        items.append(item)
        for sgp, placement in zip(sgps, item.placements, strict=True):
            placements.setdefault(placement.container_number, sgp)
    return tuple(items), placements
