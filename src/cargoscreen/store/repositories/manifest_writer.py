"""Writing one manifest message with Core bulk inserts (executemany), ids read back in parameter order.

Rules (see also :mod:`cargoscreen.store`):

* The vessel call is shared by its natural key (IMO number, voyage, port of call); the first message to
  report it sets its attributes.
* A container is stored once per vessel call and a bill of lading once per vessel call: the first message
  owns it. A later message (or a repeat inside the same message) that reports it again is not stored again;
  it is quarantined as a duplicate, with the message key, in the same unit of work.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, select

from cargoscreen.domain.quarantine import Rejection
from cargoscreen.domain.records import Consignment, Equipment, Manifest, Party, VesselCall
from cargoscreen.store.repositories._sql import insert_ignore, insert_many, insert_returning_ids
from cargoscreen.store.repositories.parties import ensure_parties
from cargoscreen.store.tables import (
    ConsignmentRow,
    EquipmentRow,
    GoodsItemRow,
    GoodsPlacementRow,
    MessageRow,
    SealRow,
    VesselCallRow,
)

T = TypeVar("T")
_RAW_LIMIT = 20000


@dataclass(frozen=True, slots=True)
class _Target:
    """Where the records of one message go, and what to call its duplicates."""

    call_id: int
    message_id: int
    manifest: Manifest
    source_name: str


def message_id(conn: Connection, message_key: str) -> int | None:
    """The row id of a stored message, if any."""
    stmt = select(MessageRow.id).where(MessageRow.message_key == message_key)
    return conn.scalar(stmt)


def write_manifest(
    conn: Connection, manifest: Manifest, *, raw_sha256: str | None, source_name: str, now: datetime
) -> list[Rejection]:
    """Store a manifest not stored yet; return the duplicates left out (to quarantine)."""
    call_id = ensure_vessel_call(conn, manifest.vessel_call)
    new_id = _insert_message(conn, manifest, call_id, raw_sha256, now)
    target = _Target(call_id, new_id, manifest, source_name or manifest.message_key)
    equipment, equipment_dupes = _split_equipment(conn, target)
    _insert_equipment(conn, target, equipment)
    consignments, consignment_dupes = _split_consignments(conn, target)
    _insert_consignments(conn, target, consignments)
    return equipment_dupes + consignment_dupes


def ensure_vessel_call(conn: Connection, call: VesselCall) -> int:
    """The id of the vessel call with this natural key, inserting it if new (first writer wins)."""
    row = call.model_dump(exclude={"previous_ports"}) | {"previous_ports": " ".join(call.previous_ports)}
    insert_ignore(conn, VesselCallRow, [row], keys=("imo_number", "voyage_number", "port_of_call"))
    stmt = select(VesselCallRow.id).where(
        VesselCallRow.imo_number == call.imo_number,
        VesselCallRow.voyage_number == call.voyage_number,
        VesselCallRow.port_of_call == call.port_of_call,
    )
    return conn.execute(stmt).scalar_one()


def _insert_message(
    conn: Connection, manifest: Manifest, call_id: int, raw_sha256: str | None, now: datetime
) -> int:
    fields = manifest.model_dump(exclude={"vessel_call", "equipment", "consignments"})
    row = fields | {"message_key": manifest.message_key, "vessel_call_id": call_id}
    row |= {"raw_sha256": raw_sha256, "ingested_at": now}
    return insert_returning_ids(conn, MessageRow, [row])[0]


def _split_equipment(
    conn: Connection, target: _Target
) -> tuple[list[tuple[int, Equipment]], list[Rejection]]:
    stmt = select(EquipmentRow.container_number).where(EquipmentRow.vessel_call_id == target.call_id)
    stored = set(conn.scalars(stmt))
    return _split(target, "equipment", target.manifest.equipment, lambda e: e.container_number, stored)


def _split_consignments(
    conn: Connection, target: _Target
) -> tuple[list[tuple[int, Consignment]], list[Rejection]]:
    stmt = select(ConsignmentRow.bill_of_lading).where(ConsignmentRow.vessel_call_id == target.call_id)
    stored = set(conn.scalars(stmt))
    return _split(target, "consignment", target.manifest.consignments, lambda c: c.bill_of_lading, stored)


def _split(
    target: _Target, scope: str, items: Sequence[T], key: Callable[[T], str], stored: set[str]
) -> tuple[list[tuple[int, T]], list[Rejection]]:
    """Items to store (with their position in the message) and rejections for the duplicates."""
    fresh: list[tuple[int, T]] = []
    dupes: list[Rejection] = []
    seen = set(stored)
    for ordinal, item in enumerate(items):
        value = key(item)
        if value not in seen:
            seen.add(value)
            fresh.append((ordinal, item))
            continue
        where = "already stored for this vessel call" if value in stored else "repeated in the message"
        dupes.append(_duplicate(target, scope, ordinal, value, where, item))
    return fresh, dupes


def _duplicate(target: _Target, scope: str, ordinal: int, value: str, where: str, item: Any) -> Rejection:
    call = target.manifest.vessel_call
    return Rejection(
        source_name=target.source_name,
        source_format=target.manifest.source_format,
        message_key=target.manifest.message_key,
        scope=scope,
        locator=f"{scope} {ordinal + 1} ({value})",
        reason=(
            f"duplicate {scope} {value} on vessel call {call.imo_number}/{call.voyage_number}/"
            f"{call.port_of_call}: {where}; the first message wins"
        ),
        raw=item.model_dump_json()[:_RAW_LIMIT],
    )


def _insert_equipment(conn: Connection, target: _Target, equipment: list[tuple[int, Equipment]]) -> None:
    owner = {"vessel_call_id": target.call_id, "message_id": target.message_id}
    rows = [owner | _equipment_row(ordinal, item) for ordinal, item in equipment]
    ids = insert_returning_ids(conn, EquipmentRow, rows)
    seals = [
        {"equipment_id": row_id, "ordinal": n, "seal_number": seal.seal_number, "source": str(seal.source)}
        for row_id, (_, item) in zip(ids, equipment, strict=True)
        for n, seal in enumerate(item.seals)
    ]
    insert_many(conn, SealRow, seals)


def _equipment_row(ordinal: int, item: Equipment) -> dict[str, Any]:
    fields = item.model_dump(exclude={"seals"}, mode="json")
    return fields | {"ordinal": ordinal, "reefer": item.reefer}


def _insert_consignments(
    conn: Connection, target: _Target, consignments: list[tuple[int, Consignment]]
) -> None:
    named = (p for _, c in consignments for p in (c.consignor, c.consignee, c.notify) if p is not None)
    party_ids = ensure_parties(conn, named)
    owner = {"vessel_call_id": target.call_id, "message_id": target.message_id}
    rows = [owner | _consignment_row(ordinal, item, party_ids) for ordinal, item in consignments]
    ids = insert_returning_ids(conn, ConsignmentRow, rows)
    items = [(row_id, c) for row_id, (_, c) in zip(ids, consignments, strict=True)]
    _insert_goods(conn, items)


def _consignment_row(ordinal: int, item: Consignment, party_ids: dict[Party, int]) -> dict[str, Any]:
    fields = item.model_dump(
        include={"bill_of_lading", "place_of_origin", "port_of_loading", "port_of_discharge"}
    )
    roles = {"consignor_id": item.consignor, "consignee_id": item.consignee, "notify_id": item.notify}
    parties = {column: party_ids[p] if p else None for column, p in roles.items()}
    return fields | parties | {"ordinal": ordinal, "transhipment_ports": " ".join(item.transhipment_ports)}


def _insert_goods(conn: Connection, consignments: list[tuple[int, Consignment]]) -> None:
    pairs = [(row_id, n, goods) for row_id, c in consignments for n, goods in enumerate(c.goods_items)]
    rows = [
        goods.model_dump(exclude={"placements"}) | {"consignment_id": row_id, "ordinal": n}
        for row_id, n, goods in pairs
    ]
    ids = insert_returning_ids(conn, GoodsItemRow, rows)
    placements = [
        {"goods_item_id": item_id, "ordinal": n, **placement.model_dump()}
        for item_id, (_, _, goods) in zip(ids, pairs, strict=True)
        for n, placement in enumerate(goods.placements)
    ]
    insert_many(conn, GoodsPlacementRow, placements)
