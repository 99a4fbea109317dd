"""Repositories: the only place that builds queries; one class per aggregate, used via the unit of work."""

from cargoscreen.store.repositories.assessments import AssessmentRepository
from cargoscreen.store.repositories.containers import ContainerRepository
from cargoscreen.store.repositories.events import EventRepository
from cargoscreen.store.repositories.history import HistoryRepository, PartyKey
from cargoscreen.store.repositories.manifests import ManifestRepository
from cargoscreen.store.repositories.models import ModelRepository
from cargoscreen.store.repositories.outcomes import OutcomeRepository
from cargoscreen.store.repositories.quarantine import QuarantineRepository
from cargoscreen.store.repositories.scans import ScanRepository
from cargoscreen.store.repositories.selections import SelectionRepository
from cargoscreen.store.repositories.sources import SourceRepository
from cargoscreen.store.repositories.tips import TipRepository
from cargoscreen.store.repositories.watchlists import WatchListRepository

__all__ = [
    "AssessmentRepository",
    "ContainerRepository",
    "EventRepository",
    "HistoryRepository",
    "ManifestRepository",
    "ModelRepository",
    "OutcomeRepository",
    "PartyKey",
    "QuarantineRepository",
    "ScanRepository",
    "SelectionRepository",
    "SourceRepository",
    "TipRepository",
    "WatchListRepository",
]
