"""Rebuilding a stored manifest message as the domain record that was added."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, select

from cargoscreen.domain.records import Consignment, Equipment, GoodsItem, Manifest, VesselCall
from cargoscreen.store.repositories._sql import AnyRow
from cargoscreen.store.repositories.parties import parties_by_id
from cargoscreen.store.tables import (
    ConsignmentRow,
    EquipmentRow,
    GoodsItemRow,
    GoodsPlacementRow,
    MessageRow,
    SealRow,
    VesselCallRow,
)

_M, _E, _S, _C = MessageRow, EquipmentRow, SealRow, ConsignmentRow
_G, _P, _V = GoodsItemRow, GoodsPlacementRow, VesselCallRow


def fields_of(row: AnyRow, *drop: str) -> dict[str, Any]:
    """The columns of a result row as a dict, without ``drop``."""
    return {key: value for key, value in row._mapping.items() if key not in drop}


def split_ports(text: str) -> tuple[str, ...]:
    """UN/LOCODEs stored space-separated."""
    return tuple(text.split())


def read_manifest(conn: Connection, message_key: str) -> Manifest | None:
    """The stored message as a domain :class:`Manifest`, or ``None`` when it is not stored."""
    columns = (_M.sender, _M.recipient, _M.interchange_ref, _M.message_ref, _M.document_number)
    stmt = select(_M.id, _M.vessel_call_id, *columns, _M.document_time, _M.source_format)
    message = conn.execute(stmt.where(_M.message_key == message_key)).one_or_none()
    if message is None:
        return None
    return Manifest.model_validate(
        fields_of(message, "id", "vessel_call_id")
        | {
            "vessel_call": read_vessel_call(conn, message.vessel_call_id),
            "equipment": _equipment(conn, message.id),
            "consignments": _consignments(conn, message.id),
        }
    )


def read_vessel_call(conn: Connection, call_id: int) -> VesselCall:
    """The stored vessel call (as its first message reported it)."""
    columns = (_V.imo_number, _V.vessel_name, _V.voyage_number, _V.carrier, _V.port_of_call, _V.eta, _V.ata)
    row = conn.execute(select(*columns, _V.previous_ports).where(_V.id == call_id)).one()
    return VesselCall.model_validate(
        fields_of(row, "previous_ports") | {"previous_ports": split_ports(row.previous_ports)}
    )


def _equipment(conn: Connection, message_id: int) -> tuple[Equipment, ...]:
    seals: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    seal_stmt = (
        select(_S.equipment_id, _S.seal_number, _S.source)
        .join(_E, _E.id == _S.equipment_id)
        .where(_E.message_id == message_id)
        .order_by(_S.equipment_id, _S.ordinal)
    )
    for seal in conn.execute(seal_stmt):
        seals[seal.equipment_id].append(fields_of(seal, "equipment_id"))
    columns = (_E.id, _E.container_number, _E.size_type, _E.full_empty, _E.movement, _E.gross_kg)
    stmt = select(*columns).where(_E.message_id == message_id).order_by(_E.ordinal)
    return tuple(
        Equipment.model_validate(fields_of(row, "id") | {"seals": seals[row.id]})
        for row in conn.execute(stmt)
    )


def _consignments(conn: Connection, message_id: int) -> tuple[Consignment, ...]:
    goods = _goods(conn, message_id)
    stmt = select(_C).where(_C.message_id == message_id).order_by(_C.ordinal)
    rows = conn.execute(stmt).all()
    parties = parties_by_id(
        conn, (r._mapping[k] for r in rows for k in ("consignor_id", "consignee_id", "notify_id"))
    )
    return tuple(
        Consignment(
            bill_of_lading=row.bill_of_lading,
            consignor=parties.get(row.consignor_id),
            consignee=parties.get(row.consignee_id),
            notify=parties.get(row.notify_id),
            place_of_origin=row.place_of_origin,
            port_of_loading=row.port_of_loading,
            port_of_discharge=row.port_of_discharge,
            transhipment_ports=split_ports(row.transhipment_ports),
            goods_items=tuple(goods[row.id]),
        )
        for row in rows
    )


def _goods(conn: Connection, message_id: int) -> defaultdict[int, list[GoodsItem]]:
    """Goods items by consignment row id, in message order, with their placements."""
    placements: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    placement_stmt = (
        select(_P.goods_item_id, _P.container_number, _P.packages)
        .join(_G, _G.id == _P.goods_item_id)
        .join(_C, _C.id == _G.consignment_id)
        .where(_C.message_id == message_id)
        .order_by(_P.goods_item_id, _P.ordinal)
    )
    for placement in conn.execute(placement_stmt):
        placements[placement.goods_item_id].append(fields_of(placement, "goods_item_id"))
    columns = (_G.item_number, _G.hs_code, _G.hs_raw, _G.description, _G.packages, _G.package_type)
    stmt = (
        select(_G.id, _G.consignment_id, *columns, _G.gross_kg)
        .join(_C, _C.id == _G.consignment_id)
        .where(_C.message_id == message_id)
        .order_by(_G.consignment_id, _G.ordinal)
    )
    goods: defaultdict[int, list[GoodsItem]] = defaultdict(list)
    for row in conn.execute(stmt):
        item = fields_of(row, "id", "consignment_id") | {"placements": placements[row.id]}
        goods[row.consignment_id].append(GoodsItem.model_validate(item))
    return goods
