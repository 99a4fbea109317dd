"""The source file repository: which input files (by SHA-256) were already ingested."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection, select

from cargoscreen.store.repositories._sql import insert_ignore
from cargoscreen.store.tables import SourceFileRow


class SourceRepository:
    """Source files of one unit of work."""

    def __init__(self, connection: Connection, clock: Callable[[], datetime]) -> None:
        self._conn = connection
        self._clock = clock

    def add(self, name: str, source_format: str, sha256: str, size: int) -> None:
        """Record an ingested file; a file with the same content recorded before is left as it was."""
        row = {
            "name": name,
            "source_format": source_format,
            "sha256": sha256,
            "size_bytes": size,
            "ingested_at": self._clock(),
        }
        insert_ignore(self._conn, SourceFileRow, [row], keys=("sha256",))

    def seen(self, sha256: str) -> bool:
        """Whether a file with this content was ingested."""
        stmt = select(SourceFileRow.id).where(SourceFileRow.sha256 == sha256)
        return self._conn.scalar(stmt) is not None
