"""The unit of work: one transaction and the repositories that share it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection

from cargoscreen.store.repositories import (
    AssessmentRepository,
    AuditRepository,
    ContainerRepository,
    DecisionRepository,
    EventRepository,
    ExchangeRepository,
    HistoryRepository,
    ManifestRepository,
    ModelRepository,
    OutcomeRepository,
    PhotoRepository,
    QuarantineRepository,
    ScanRepository,
    SelectionRepository,
    SourceRepository,
    TipRepository,
    TokenRepository,
    UserRepository,
    WatchListRepository,
    WorklistRepository,
)
from cargoscreen.store.repositories.custody import CustodyLedgerRepository
from cargoscreen.store.repositories.planning import PlanningRepository
from cargoscreen.store.repositories.sensors import SensorRepository
from cargoscreen.store.repositories.stats import port_summary
from cargoscreen.store.views import PortSummary


class UnitOfWork:
    """Repositories over one connection in one transaction.

    Made by :meth:`cargoscreen.store.Database.unit_of_work`, which commits once on a clean exit and rolls
    everything back on an exception.
    """

    def __init__(self, connection: Connection, clock: Callable[[], datetime]) -> None:
        self.connection = connection
        self.quarantine = QuarantineRepository(connection, clock)
        self.manifests = ManifestRepository(connection, self.quarantine, clock)
        self.events = EventRepository(connection, clock)
        self.sources = SourceRepository(connection, clock)
        self.containers = ContainerRepository(connection, self.events)
        self.assessments = AssessmentRepository(connection)
        self.selections = SelectionRepository(connection, clock)
        self.tips = TipRepository(connection, clock)
        self.watchlists = WatchListRepository(connection, clock)
        self.outcomes = OutcomeRepository(connection)
        self.models = ModelRepository(connection, clock)
        self.history = HistoryRepository(connection)
        self.scans = ScanRepository(connection, clock)
        self.sensors = SensorRepository(connection, clock)
        self.users = UserRepository(connection, clock)
        self.tokens = TokenRepository(connection, clock)
        self.audit = AuditRepository(connection, clock)
        self.decisions = DecisionRepository(connection, clock)
        self.exchange = ExchangeRepository(connection, clock)
        self.worklist = WorklistRepository(connection)
        self.photos = PhotoRepository(connection, clock)
        self.custody = CustodyLedgerRepository(connection, clock)
        self.planning = PlanningRepository(connection, clock)

    def stats(self, *, top: int = 10) -> PortSummary:
        """Counts over the whole store (``top`` HS chapters)."""
        return port_summary(self.connection, top=top)
