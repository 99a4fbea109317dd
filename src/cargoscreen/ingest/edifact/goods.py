"""CUSCAR goods items (GID groups) and where their HS code is read from.

HS code, first found wins:

1. ``CST+<item>+<code>:…`` (customs status of goods, D21A style), element 2.1;
2. ``PIA+5+<code>:HS`` (product identification; any of elements 2–6 whose item type is ``HS``);
3. free text in ``PCI`` marks (element 2, all components) or in an ``FTX`` text (element 4): the word
   ``HS`` (optionally ``CODE``/``NO``) followed by a token starting with a digit, e.g. ``HS CODE 080390``,
   ``HS 0803.90``, ``HS:0803.90.10``.

Dots and spaces are ignored and national digits past the sixth are dropped; the result must be an HS 2022
chapter, heading or subheading. ``hs_raw`` keeps the text it came from: the CST/PIA code as written, or the
whole PCI/FTX text. A code that does not read (``HS CODE 08O390``, ``PIA+5+999999:HS``) rejects the
consignment.
"""

from __future__ import annotations

import re

from cargoscreen.domain.records import GoodsItem, GoodsPlacement
from cargoscreen.ingest.edifact.common import (
    RecordError,
    Where,
    at,
    build,
    gross_kg,
    hs_text,
    integer,
    text,
)
from cargoscreen.ingest.edifact.groups import Group
from cargoscreen.ingest.edifact.syntax import Segment

HS_IN_TEXT = re.compile(
    r"\bHS\b[\s:#.\-]*(?:CODE\b[\s:#.\-]*)?(?:NO\b[\s:#.\-]*)?(\d[0-9A-Z.]*)", re.IGNORECASE
)


def goods_item(group: Group) -> tuple[GoodsItem, list[Segment]]:
    """A goods item and its SGP segments (to name them when a container is refused)."""
    gid = group.head
    number = integer(gid, 1)
    if number is None or number < 1:
        raise RecordError(gid, at(1), "goods item without an item number (1 or more)")
    description = text(piece for ftx in group.all("FTX", "AAA") for piece in ftx.components(4))
    hs, hs_raw, hs_where = hs_of(group)
    sgps = group.all("SGP")
    placements = tuple(_placement(sgp) for sgp in sgps)
    mea = group.first("MEA")
    where = {"gross_kg": (mea or gid, at(3, 2)), "package_type": (gid, at(2, 2)), "packages": (gid, at(2, 1))}
    item = build(
        GoodsItem,
        where | {"hs_code": hs_where},
        (gid, at(1)),
        item_number=number,
        hs_code=hs,
        hs_raw=hs_raw,
        description=description,
        packages=integer(gid, 2, 1),
        package_type=gid.value(2, 2).strip(),
        gross_kg=gross_kg(group.segments),
        placements=placements,
    )
    return item, sgps


def _placement(sgp: Segment) -> GoodsPlacement:
    where = {"container_number": (sgp, at(1)), "packages": (sgp, at(2))}
    return build(
        GoodsPlacement, where, (sgp, at(1)), container_number=sgp.value(1).strip(), packages=integer(sgp, 2)
    )


def hs_of(group: Group) -> tuple[str | None, str, Where]:
    """(HS code to validate, the raw text it was read from, where) of a goods item; (None, "", …) if none."""
    cst = group.first("CST")
    if cst is not None and cst.value(2, 1).strip():
        raw = cst.value(2, 1).strip()
        return hs_text(raw), raw, (cst, at(2, 1))
    for pia in group.all("PIA"):
        for element in range(2, 7):
            if pia.value(element, 2).strip().upper() == "HS" and pia.value(element, 1).strip():
                raw = pia.value(element, 1).strip()
                return hs_text(raw), raw, (pia, at(element, 1))
    for seg, element in _texts(group):
        raw = text(seg.components(element))
        match = HS_IN_TEXT.search(raw)
        if match is not None:
            return hs_text(match.group(1).rstrip(".")), raw, (seg, at(element))
    return None, "", (group.head, at(1))


def _texts(group: Group) -> list[tuple[Segment, int]]:
    marks = [(pci, 2) for pci in group.all("PCI")]
    return marks + [(ftx, 4) for ftx in group.all("FTX")]
