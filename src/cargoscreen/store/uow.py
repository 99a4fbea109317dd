"""The unit of work: one transaction and the repositories that share it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection

from cargoscreen.store.repositories import (
    AssessmentRepository,
    ContainerRepository,
    EventRepository,
    HistoryRepository,
    ManifestRepository,
    ModelRepository,
    OutcomeRepository,
    QuarantineRepository,
    ScanRepository,
    SelectionRepository,
    SourceRepository,
    TipRepository,
    WatchListRepository,
)
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

    def stats(self, *, top: int = 10) -> PortSummary:
        """Counts over the whole store (``top`` HS chapters)."""
        return port_summary(self.connection, top=top)
