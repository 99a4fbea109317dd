"""Repositories: the only place that builds queries; one class per aggregate, used via the unit of work."""

from cargoscreen.store.repositories.assessments import AssessmentRepository
from cargoscreen.store.repositories.audit import AuditRepository
from cargoscreen.store.repositories.containers import ContainerRepository
from cargoscreen.store.repositories.custody import CustodyLedgerRepository as CustodyLedgerRepository
from cargoscreen.store.repositories.decisions import DecisionRepository, PhotoRepository
from cargoscreen.store.repositories.events import EventRepository
from cargoscreen.store.repositories.exchange import ExchangeRepository
from cargoscreen.store.repositories.history import HistoryRepository, PartyKey
from cargoscreen.store.repositories.manifests import ManifestRepository
from cargoscreen.store.repositories.models import ModelRepository
from cargoscreen.store.repositories.outcomes import OutcomeRepository
from cargoscreen.store.repositories.planning import PlanningRepository as PlanningRepository
from cargoscreen.store.repositories.quarantine import QuarantineRepository
from cargoscreen.store.repositories.scans import ScanRepository
from cargoscreen.store.repositories.selections import SelectionRepository
from cargoscreen.store.repositories.sensors import SensorRepository as SensorRepository
from cargoscreen.store.repositories.sources import SourceRepository
from cargoscreen.store.repositories.tips import TipRepository
from cargoscreen.store.repositories.users import TokenRepository, UserRepository
from cargoscreen.store.repositories.watchlists import WatchListRepository
from cargoscreen.store.repositories.worklist import WorklistRepository

__all__ = [
    "AssessmentRepository",
    "AuditRepository",
    "ContainerRepository",
    "DecisionRepository",
    "EventRepository",
    "ExchangeRepository",
    "HistoryRepository",
    "ManifestRepository",
    "ModelRepository",
    "OutcomeRepository",
    "PartyKey",
    "PhotoRepository",
    "QuarantineRepository",
    "ScanRepository",
    "SelectionRepository",
    "SourceRepository",
    "TipRepository",
    "TokenRepository",
    "UserRepository",
    "WatchListRepository",
    "WorklistRepository",
]
