"""Ports: what the capabilities and the pipeline need from persistence, as Protocols.

``cargoscreen.store`` implements them on SQLAlchemy; unit tests may use in-memory fakes.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Any, Protocol

from cargoscreen.domain.events import EquipmentEvent
from cargoscreen.domain.outcomes import InspectionOutcome
from cargoscreen.domain.ports_ops import CustodyLedgerRepository, PlanningRepository
from cargoscreen.domain.quarantine import Rejection
from cargoscreen.domain.records import Manifest
from cargoscreen.domain.scans import (
    ChannelBlob,
    DeclaredContent,
    Rendition,
    ScanFindings,
    ScanMetadata,
    StoredFindings,
    StoredScan,
)
from cargoscreen.domain.targeting import RiskAssessment, SelectionResult, Tip, TipUse, WatchListEntry


class ManifestRepository(Protocol):
    def add(self, manifest: Manifest, raw_sha256: str | None = None, *, source_name: str = "") -> bool:
        """Store a manifest message; False (and nothing written) when its message key is already stored."""
        ...

    def get(self, message_key: str) -> Manifest | None: ...


class EventRepository(Protocol):
    def add_many(self, events: Sequence[EquipmentEvent]) -> int:
        """Store events not seen before (by source and event id); return how many were new."""
        ...


class QuarantineRepository(Protocol):
    def add_many(self, rejections: Sequence[Rejection]) -> int: ...


class SourceFileRepository(Protocol):
    def add(self, name: str, source_format: str, sha256: str, size: int) -> None: ...

    def seen(self, sha256: str) -> bool: ...


class PartyActivityView(Protocol):
    @property
    def first_seen(self) -> datetime: ...

    @property
    def bills_of_lading(self) -> int: ...


class PartyHistoryView(Protocol):
    """Parties of manifests before a moment, by key; ``pairs`` are (shipper key, consignee key)."""

    @property
    def consignees(self) -> Mapping[str, PartyActivityView]: ...

    @property
    def shippers(self) -> Mapping[str, PartyActivityView]: ...

    @property
    def pairs(self) -> frozenset[tuple[str, str]]: ...


class HistoryRepository(Protocol):
    def party_history(
        self, before: datetime, *, key: Callable[[str, str], str] | None = None
    ) -> PartyHistoryView: ...

    def manifests_between(self, start: datetime, end: datetime) -> list[Manifest]: ...

    def manifests_of_calls(self, calls: Collection[tuple[str, str]]) -> list[Manifest]: ...


class AssessmentRepository(Protocol):
    def add_many(self, assessments: Sequence[RiskAssessment]) -> int: ...


class SelectionRepository(Protocol):
    def save(
        self,
        result: SelectionResult,
        *,
        run_date: date,
        imo_voyage_of: Mapping[str, tuple[str, str]],
        exploration_share: float,
        model_version: str | None,
        created_by: str,
    ) -> int: ...


class TipRepository(Protocol):
    def active(self, at: datetime) -> list[Tip]: ...

    def log_uses(self, uses: Sequence[TipUse]) -> int: ...


class WatchListRepository(Protocol):
    def all(self, at: date | None = None) -> list[WatchListEntry]: ...


class OutcomeRepository(Protocol):
    def add(self, outcome: InspectionOutcome) -> bool: ...

    def all(self) -> list[InspectionOutcome]: ...


class ModelVersionView(Protocol):
    @property
    def version(self) -> str: ...

    @property
    def artifact_path(self) -> str: ...


class ModelRepository(Protocol):
    def register(
        self,
        version: str,
        kind: str,
        params: Mapping[str, Any],
        metrics: Mapping[str, Any],
        artifact_path: str,
        activate: bool,
    ) -> Any: ...

    def active(self, kind: str) -> ModelVersionView | None: ...


class ScanRepository(Protocol):
    def known_container(self, container_number: str) -> bool: ...

    def declared(self, container_number: str) -> DeclaredContent | None: ...

    def add(
        self,
        meta: ScanMetadata,
        shape: tuple[int, int],
        channels: Sequence[ChannelBlob],
        *,
        submitted_by: str,
        flag: str | None = None,
    ) -> bool: ...

    def add_renditions(self, scan_id: str, renditions: Sequence[Rendition]) -> int: ...

    def get(self, scan_id: str) -> StoredScan | None: ...

    def of_container(self, container_number: str) -> list[StoredScan]: ...

    def add_findings(self, findings: ScanFindings, heatmap_sha256: str | None) -> None: ...

    def findings(self, scan_id: str) -> StoredFindings | None: ...


class UnitOfWork(Protocol):
    """One transaction: commits once when the block ends cleanly, rolls back on an exception."""

    @property
    def models(self) -> ModelRepository: ...

    @property
    def history(self) -> HistoryRepository: ...

    @property
    def assessments(self) -> AssessmentRepository: ...

    @property
    def selections(self) -> SelectionRepository: ...

    @property
    def tips(self) -> TipRepository: ...

    @property
    def watchlists(self) -> WatchListRepository: ...

    @property
    def outcomes(self) -> OutcomeRepository: ...

    @property
    def manifests(self) -> ManifestRepository: ...

    @property
    def events(self) -> EventRepository: ...

    @property
    def quarantine(self) -> QuarantineRepository: ...

    @property
    def sources(self) -> SourceFileRepository: ...

    @property
    def scans(self) -> ScanRepository: ...

    @property
    def custody(self) -> CustodyLedgerRepository: ...

    @property
    def planning(self) -> PlanningRepository: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> AbstractContextManager[UnitOfWork]: ...


class BlobStore(Protocol):
    """Content-addressed storage of raw bytes (SHA-256)."""

    def put(self, data: bytes) -> str: ...

    def get(self, sha256: str) -> bytes: ...

    def exists(self, sha256: str) -> bool: ...
