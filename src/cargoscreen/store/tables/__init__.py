"""Typed SQLAlchemy 2 tables of the store (importing this module registers them on ``Base.metadata``)."""

from cargoscreen.store.tables.admin import QuarantineRow, SourceFileRow
from cargoscreen.store.tables.base import NAMING_CONVENTION, Base, UtcDateTime, table_of
from cargoscreen.store.tables.calls import MessageRow, PartyRow, VesselCallRow
from cargoscreen.store.tables.consignments import ConsignmentRow, GoodsItemRow, GoodsPlacementRow
from cargoscreen.store.tables.equipment import EquipmentRow, SealRow
from cargoscreen.store.tables.events import EquipmentEventRow
from cargoscreen.store.tables.scans import ScanChannelRow, ScanFindingRow, ScanRenditionRow, ScanRow
from cargoscreen.store.tables.targeting import (
    InspectionOutcomeRow,
    ModelVersionRow,
    RiskAssessmentRow,
    SelectionDecisionRow,
    SelectionRunRow,
    TipRow,
    TipUseRow,
    WatchListEntryRow,
)

__all__ = [
    "NAMING_CONVENTION",
    "Base",
    "ConsignmentRow",
    "EquipmentEventRow",
    "EquipmentRow",
    "GoodsItemRow",
    "GoodsPlacementRow",
    "InspectionOutcomeRow",
    "MessageRow",
    "ModelVersionRow",
    "PartyRow",
    "QuarantineRow",
    "RiskAssessmentRow",
    "ScanChannelRow",
    "ScanFindingRow",
    "ScanRenditionRow",
    "ScanRow",
    "SealRow",
    "SelectionDecisionRow",
    "SelectionRunRow",
    "SourceFileRow",
    "TipRow",
    "TipUseRow",
    "UtcDateTime",
    "VesselCallRow",
    "WatchListEntryRow",
    "table_of",
]
