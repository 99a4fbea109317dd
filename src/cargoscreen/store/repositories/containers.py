"""The container dossier: every vessel call, consignment, goods item, seal and event of one container."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

from sqlalchemy import Connection, select

from cargoscreen.domain.ids import parse_container_number
from cargoscreen.domain.records import Seal
from cargoscreen.store.repositories._sql import AnyRow, chunked
from cargoscreen.store.repositories.events import EventRepository
from cargoscreen.store.repositories.manifest_reader import fields_of, split_ports
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
from cargoscreen.store.views import CallVisit, ConsignmentView, ContainerDossier, GoodsLine

_C, _E, _G, _P, _V = ConsignmentRow, EquipmentRow, GoodsItemRow, GoodsPlacementRow, VesselCallRow
_EQUIPMENT_FIELDS = ("size_type", "full_empty", "movement", "gross_kg", "reefer")


class ContainerRepository:
    """Read-only views by container number."""

    def __init__(self, connection: Connection, events: EventRepository) -> None:
        self._conn = connection
        self._events = events

    def show(self, container_number: str) -> ContainerDossier | None:
        """The dossier of a container (any accepted spelling), or ``None`` if nothing mentions it."""
        number = parse_container_number(container_number)
        equipment = {row.vessel_call_id: row for row in self._equipment(number)}
        consignments = self._consignments(number)
        events = tuple(self._events.for_container(number))
        if not equipment and not consignments and not events:
            return None
        call_ids = set(equipment) | set(consignments)
        seals = self._seals([row.id for row in equipment.values()])
        visits = tuple(
            _visit(call, equipment.get(call.id), seals, consignments.get(call.id, ()))
            for call in sorted(self._calls(call_ids), key=_arrival)
        )
        return ContainerDossier(container_number=number, calls=visits, events=events)

    def _equipment(self, number: str) -> list[AnyRow]:
        columns = (_E.id, _E.vessel_call_id, *(getattr(_E, name) for name in _EQUIPMENT_FIELDS))
        stmt = select(*columns, MessageRow.message_key).join(MessageRow, MessageRow.id == _E.message_id)
        return list(self._conn.execute(stmt.where(_E.container_number == number)))

    def _calls(self, call_ids: set[int]) -> list[AnyRow]:
        return list(self._conn.execute(select(_V).where(_V.id.in_(sorted(call_ids)))))

    def _seals(self, equipment_ids: list[int]) -> dict[int, tuple[Seal, ...]]:
        found: defaultdict[int, list[Seal]] = defaultdict(list)
        for chunk in chunked(equipment_ids):
            stmt = select(SealRow.equipment_id, SealRow.seal_number, SealRow.source)
            stmt = stmt.where(SealRow.equipment_id.in_(chunk)).order_by(SealRow.equipment_id, SealRow.ordinal)
            for row in self._conn.execute(stmt):
                found[row.equipment_id].append(Seal.model_validate(fields_of(row, "equipment_id")))
        return {key: tuple(value) for key, value in found.items()}

    def _consignments(self, number: str) -> dict[int, tuple[ConsignmentView, ...]]:
        """Consignments with goods in the container, by vessel call id."""
        goods = self._goods(number)
        if not goods:
            return {}
        rows = list(self._conn.execute(select(_C).where(_C.id.in_(sorted(goods))).order_by(_C.id)))
        parties = parties_by_id(
            self._conn, (r._mapping[k] for r in rows for k in ("consignor_id", "consignee_id", "notify_id"))
        )
        by_call: defaultdict[int, list[ConsignmentView]] = defaultdict(list)
        for row in rows:
            view = ConsignmentView(
                bill_of_lading=row.bill_of_lading,
                consignor=parties.get(row.consignor_id),
                consignee=parties.get(row.consignee_id),
                notify=parties.get(row.notify_id),
                place_of_origin=row.place_of_origin,
                port_of_loading=row.port_of_loading,
                port_of_discharge=row.port_of_discharge,
                transhipment_ports=split_ports(row.transhipment_ports),
                goods=tuple(goods[row.id]),
            )
            by_call[row.vessel_call_id].append(view)
        return {key: tuple(value) for key, value in by_call.items()}

    def _goods(self, number: str) -> dict[int, list[GoodsLine]]:
        """Goods lines stowed in the container, by consignment row id."""
        columns = (_G.item_number, _G.hs_code, _G.description, _G.packages, _G.package_type, _G.gross_kg)
        stmt = (
            select(_G.consignment_id, *columns, _P.packages.label("packages_in_container"))
            .join(_G, _G.id == _P.goods_item_id)
            .where(_P.container_number == number)
            .order_by(_G.consignment_id, _G.ordinal, _P.ordinal)
        )
        found: defaultdict[int, list[GoodsLine]] = defaultdict(list)
        for row in self._conn.execute(stmt):
            found[row.consignment_id].append(GoodsLine(**fields_of(row, "consignment_id")))
        return found


def _arrival(call: AnyRow) -> tuple[bool, datetime, int]:
    """Calls by actual (else estimated) arrival; calls without either last, then by id."""
    when: datetime | None = call.ata or call.eta
    return (when is None, when or datetime.min.replace(tzinfo=UTC), call.id)


def _visit(
    call: AnyRow,
    equipment: AnyRow | None,
    seals: dict[int, tuple[Seal, ...]],
    consignments: tuple[ConsignmentView, ...],
) -> CallVisit:
    declared = {name: None if equipment is None else equipment._mapping[name] for name in _EQUIPMENT_FIELDS}
    return CallVisit(
        imo_number=call.imo_number,
        vessel_name=call.vessel_name,
        voyage_number=call.voyage_number,
        carrier=call.carrier,
        port_of_call=call.port_of_call,
        eta=call.eta,
        ata=call.ata,
        message_key=None if equipment is None else equipment.message_key,
        seals=() if equipment is None else seals.get(equipment.id, ()),
        consignments=consignments,
        **declared,
    )
