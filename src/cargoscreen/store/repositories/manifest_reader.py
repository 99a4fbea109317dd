"""Rebuilding stored manifest messages as the domain records that were added.

:func:`read_manifests` rebuilds every message a subquery selects with one query per table (not per message),
so a port day of messages is read as fast as one.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, Select, select

from cargoscreen.domain.records import Consignment, Equipment, GoodsItem, Manifest, VesselCall
from cargoscreen.store.repositories._sql import AnyRow, chunked, dict_rows, gc_paused
from cargoscreen.store.repositories.parties import parties_by_id
from cargoscreen.store.tables import (
    ConsignmentRow,
    EquipmentRow,
    GoodsItemRow,
    GoodsPlacementRow,
    MessageRow,
    SealRow,
    VesselCallRow,
    table_of,
)

_M, _E, _S, _C = MessageRow, EquipmentRow, SealRow, ConsignmentRow
_G, _P, _V = GoodsItemRow, GoodsPlacementRow, VesselCallRow
_ROLES = {"consignor": "consignor_id", "consignee": "consignee_id", "notify": "notify_id"}
#: Selects message row ids (``select(MessageRow.id).where(...)``).
MessageIds = Select[int]


def fields_of(row: AnyRow, *drop: str) -> dict[str, Any]:
    """The columns of a result row as a dict, without ``drop``."""
    return {key: value for key, value in row._mapping.items() if key not in drop}


def split_ports(text: str) -> tuple[str, ...]:
    """UN/LOCODEs stored space-separated."""
    return tuple(text.split())


def read_manifest(conn: Connection, message_key: str) -> Manifest | None:
    """The stored message as a domain :class:`Manifest`, or ``None`` when it is not stored."""
    found = read_manifests(conn, select(_M.id).where(_M.message_key == message_key))
    return found[0] if found else None


def read_manifests(conn: Connection, message_ids: MessageIds) -> list[Manifest]:
    """The messages whose row ids ``message_ids`` selects, rebuilt, in ingest order."""
    columns = (_M.sender, _M.recipient, _M.interchange_ref, _M.message_ref, _M.document_number)
    stmt = select(_M.id, _M.vessel_call_id, *columns, _M.document_time, _M.source_format)
    with gc_paused():
        messages = dict_rows(conn, stmt.where(_M.id.in_(message_ids)).order_by(_M.id))
        if not messages:
            return []
        calls = read_vessel_calls(conn, {message["vessel_call_id"] for message in messages})
        equipment = _equipment(conn, message_ids)
        consignments = _consignments(conn, message_ids)
        manifests = []
        for message in messages:
            message_id, call_id = message.pop("id"), message.pop("vessel_call_id")
            message["vessel_call"] = calls[call_id]
            message["equipment"] = equipment.get(message_id, ())
            message["consignments"] = consignments.get(message_id, ())
            manifests.append(Manifest.model_validate(message))
        return manifests


def read_vessel_calls(conn: Connection, call_ids: set[int]) -> dict[int, VesselCall]:
    """The stored vessel calls (as their first message reported them), by row id."""
    columns = (_V.imo_number, _V.vessel_name, _V.voyage_number, _V.carrier, _V.port_of_call, _V.eta, _V.ata)
    found: dict[int, VesselCall] = {}
    for chunk in chunked(sorted(call_ids)):
        stmt = select(_V.id, *columns, _V.previous_ports).where(_V.id.in_(chunk))
        for row in conn.execute(stmt):
            fields = fields_of(row, "id", "previous_ports")
            fields["previous_ports"] = split_ports(row.previous_ports)
            found[row.id] = VesselCall.model_validate(fields)
    return found


def _equipment(conn: Connection, message_ids: MessageIds) -> dict[int, list[Equipment]]:
    """Equipment by message row id, in message order, with their seals."""
    seals: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    seal_stmt = (
        select(_S.equipment_id, _S.seal_number, _S.source)
        .join(_E, _E.id == _S.equipment_id)
        .where(_E.message_id.in_(message_ids))
        .order_by(_S.equipment_id, _S.ordinal)
    )
    for seal in dict_rows(conn, seal_stmt):
        seals[seal.pop("equipment_id")].append(seal)
    columns = (_E.container_number, _E.size_type, _E.full_empty, _E.movement, _E.gross_kg)
    stmt = (
        select(_E.id, _E.message_id, *columns)
        .where(_E.message_id.in_(message_ids))
        .order_by(_E.message_id, _E.ordinal)
    )
    found: defaultdict[int, list[Equipment]] = defaultdict(list)
    for item in dict_rows(conn, stmt):
        item["seals"] = seals.get(item.pop("id"), ())
        found[item.pop("message_id")].append(Equipment.model_validate(item))
    return found


def _consignments(conn: Connection, message_ids: MessageIds) -> dict[int, list[Consignment]]:
    """Consignments by message row id, in message order, with their parties and goods."""
    goods = _goods(conn, message_ids)
    stmt = select(*(c for c in table_of(_C).c if c.key not in {"vessel_call_id", "ordinal"}))
    rows = dict_rows(conn, stmt.where(_C.message_id.in_(message_ids)).order_by(_C.message_id, _C.ordinal))
    parties = parties_by_id(conn, (row[column] for row in rows for column in _ROLES.values()))
    found: defaultdict[int, list[Consignment]] = defaultdict(list)
    for row in rows:
        for role, column in _ROLES.items():
            party_id = row.pop(column)
            row[role] = None if party_id is None else parties[party_id]
        row["transhipment_ports"] = split_ports(row["transhipment_ports"])
        row["goods_items"] = goods.get(row.pop("id"), ())
        found[row.pop("message_id")].append(Consignment.model_validate(row))
    return found


def _goods(conn: Connection, message_ids: MessageIds) -> dict[int, list[GoodsItem]]:
    """Goods items by consignment row id, in message order, with their placements."""
    placements: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    placement_stmt = (
        select(_P.goods_item_id, _P.container_number, _P.packages)
        .join(_G, _G.id == _P.goods_item_id)
        .join(_C, _C.id == _G.consignment_id)
        .where(_C.message_id.in_(message_ids))
        .order_by(_P.goods_item_id, _P.ordinal)
    )
    for placement in dict_rows(conn, placement_stmt):
        placements[placement.pop("goods_item_id")].append(placement)
    columns = (_G.item_number, _G.hs_code, _G.hs_raw, _G.description, _G.packages, _G.package_type)
    stmt = (
        select(_G.id, _G.consignment_id, *columns, _G.gross_kg)
        .join(_C, _C.id == _G.consignment_id)
        .where(_C.message_id.in_(message_ids))
        .order_by(_G.consignment_id, _G.ordinal)
    )
    found: defaultdict[int, list[GoodsItem]] = defaultdict(list)
    for item in dict_rows(conn, stmt):
        item["placements"] = placements.get(item.pop("id"), ())
        found[item.pop("consignment_id")].append(GoodsItem.model_validate(item))
    return found
