"""The manifest repository: idempotent add, exact get, and the stored message keys."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection, select

from cargoscreen.domain.records import Manifest
from cargoscreen.store.repositories.manifest_reader import read_manifest
from cargoscreen.store.repositories.manifest_writer import message_id, write_manifest
from cargoscreen.store.repositories.quarantine import QuarantineRepository
from cargoscreen.store.tables import MessageRow


class ManifestRepository:
    """Manifest messages of one unit of work.

    ``add`` is idempotent by ``message_key``: a message already stored is not written again. Inside a
    message, a container or bill of lading already stored for the same vessel call (or repeated in the
    message) is left out and quarantined as a duplicate: the first writer wins. ``get`` rebuilds what was
    stored, which equals the manifest added unless part of it was quarantined, or its vessel call had been
    reported first by another message with other attributes (vessel name, ETA, ...).
    """

    def __init__(
        self, connection: Connection, quarantine: QuarantineRepository, clock: Callable[[], datetime]
    ) -> None:
        self._conn = connection
        self._quarantine = quarantine
        self._clock = clock

    def add(self, manifest: Manifest, raw_sha256: str | None = None, *, source_name: str = "") -> bool:
        """Store a message; ``False`` (and nothing written) if its ``message_key`` is already stored.

        ``raw_sha256`` names the raw message in the blob store; ``source_name`` (default: the message key)
        is what duplicates are quarantined under.
        """
        if message_id(self._conn, manifest.message_key) is not None:
            return False
        now = self._clock()
        duplicates = write_manifest(
            self._conn, manifest, raw_sha256=raw_sha256, source_name=source_name, now=now
        )
        self._quarantine.add_many(duplicates)
        return True

    def get(self, message_key: str) -> Manifest | None:
        """The stored message rebuilt as a domain record, or ``None``."""
        return read_manifest(self._conn, message_key)

    def keys(self) -> list[str]:
        """Message keys of every stored message, in ingest order."""
        return list(self._conn.scalars(select(MessageRow.message_key).order_by(MessageRow.id)))

    def raw_sha256(self, message_key: str) -> str | None:
        """The blob-store hash of a stored message's raw text, if it was given."""
        stmt = select(MessageRow.raw_sha256).where(MessageRow.message_key == message_key)
        return self._conn.scalar(stmt)
