"""Typed SQLAlchemy 2 tables of the store (importing this module registers them on ``Base.metadata``)."""

from cargoscreen.store.tables.admin import QuarantineRow, SourceFileRow
from cargoscreen.store.tables.auth import (
    AnalystDecisionRow,
    ApiTokenRow,
    AuditEntryRow,
    OutcomePhotoRow,
    PartnerSubmissionRow,
    PartnerUploadRow,
    UserRow,
)
from cargoscreen.store.tables.base import NAMING_CONVENTION, Base, UtcDateTime, table_of
from cargoscreen.store.tables.calls import MessageRow, PartyRow, VesselCallRow
from cargoscreen.store.tables.consignments import ConsignmentRow, GoodsItemRow, GoodsPlacementRow
from cargoscreen.store.tables.custody import CustodyAnchorRow as CustodyAnchorRow
from cargoscreen.store.tables.custody import CustodyLedgerRow as CustodyLedgerRow
from cargoscreen.store.tables.equipment import EquipmentRow, SealRow
from cargoscreen.store.tables.events import EquipmentEventRow
from cargoscreen.store.tables.planning import PlanRunRow as PlanRunRow
from cargoscreen.store.tables.planning import PlanSlotRow as PlanSlotRow
from cargoscreen.store.tables.planning import ScannerRow as ScannerRow
from cargoscreen.store.tables.scans import ScanChannelRow, ScanFindingRow, ScanRenditionRow, ScanRow
from cargoscreen.store.tables.sensors import SecurityIncidentRow as SecurityIncidentRow
from cargoscreen.store.tables.sensors import SensorLaneChangeRow as SensorLaneChangeRow
from cargoscreen.store.tables.sensors import SensorMessageRow as SensorMessageRow
from cargoscreen.store.tables.sensors import SensorQuarantineRow as SensorQuarantineRow
from cargoscreen.store.tables.sensors import SensorSignalRow as SensorSignalRow
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
    "AnalystDecisionRow",
    "ApiTokenRow",
    "AuditEntryRow",
    "Base",
    "ConsignmentRow",
    "EquipmentEventRow",
    "EquipmentRow",
    "GoodsItemRow",
    "GoodsPlacementRow",
    "InspectionOutcomeRow",
    "MessageRow",
    "ModelVersionRow",
    "OutcomePhotoRow",
    "PartnerSubmissionRow",
    "PartnerUploadRow",
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
    "UserRow",
    "UtcDateTime",
    "VesselCallRow",
    "WatchListEntryRow",
    "table_of",
]
