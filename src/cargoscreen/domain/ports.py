"""Ports: what the capabilities and the pipeline need from persistence, as Protocols.

``cargoscreen.store`` implements them on SQLAlchemy; unit tests may use in-memory fakes.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Protocol

from cargoscreen.domain.events import EquipmentEvent
from cargoscreen.domain.quarantine import Rejection
from cargoscreen.domain.records import Manifest


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


class UnitOfWork(Protocol):
    """One transaction: commits once when the block ends cleanly, rolls back on an exception."""

    @property
    def manifests(self) -> ManifestRepository: ...

    @property
    def events(self) -> EventRepository: ...

    @property
    def quarantine(self) -> QuarantineRepository: ...

    @property
    def sources(self) -> SourceFileRepository: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> AbstractContextManager[UnitOfWork]: ...


class BlobStore(Protocol):
    """Content-addressed storage of raw bytes (SHA-256)."""

    def put(self, data: bytes) -> str: ...

    def get(self, sha256: str) -> bytes: ...

    def exists(self, sha256: str) -> bool: ...
