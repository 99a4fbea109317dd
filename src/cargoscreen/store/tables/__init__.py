"""Typed SQLAlchemy 2 tables of the store (importing this module registers them on ``Base.metadata``)."""

from cargoscreen.store.tables.admin import QuarantineRow, SourceFileRow
from cargoscreen.store.tables.base import NAMING_CONVENTION, Base, UtcDateTime, table_of
from cargoscreen.store.tables.calls import MessageRow, PartyRow, VesselCallRow
from cargoscreen.store.tables.consignments import ConsignmentRow, GoodsItemRow, GoodsPlacementRow
from cargoscreen.store.tables.equipment import EquipmentRow, SealRow
from cargoscreen.store.tables.events import EquipmentEventRow

__all__ = [
    "NAMING_CONVENTION",
    "Base",
    "ConsignmentRow",
    "EquipmentEventRow",
    "EquipmentRow",
    "GoodsItemRow",
    "GoodsPlacementRow",
    "MessageRow",
    "PartyRow",
    "QuarantineRow",
    "SealRow",
    "SourceFileRow",
    "UtcDateTime",
    "VesselCallRow",
    "table_of",
]
