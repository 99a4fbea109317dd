"""The quarantine repository: rejected records with their reasons, newest first."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import Connection, func, select

from cargoscreen.domain.quarantine import Rejection
from cargoscreen.store.repositories._sql import insert_many
from cargoscreen.store.tables import QuarantineRow
from cargoscreen.store.views import StoredRejection


class QuarantineRepository:
    """Rejections of one unit of work."""

    def __init__(self, connection: Connection, clock: Callable[[], datetime]) -> None:
        self._conn = connection
        self._clock = clock

    def add_many(self, rejections: Sequence[Rejection]) -> int:
        """Store every rejection (no deduplication: each ingest attempt is a fact); return how many."""
        now = self._clock()
        insert_many(self._conn, QuarantineRow, [r.model_dump() | {"created_at": now} for r in rejections])
        return len(rejections)

    def list(self, *, limit: int = 100, source_name: str | None = None) -> builtins.list[StoredRejection]:
        """The newest ``limit`` rejections, optionally of one source, newest first."""
        stmt = select(QuarantineRow).order_by(QuarantineRow.created_at.desc(), QuarantineRow.id.desc())
        if source_name is not None:
            stmt = stmt.where(QuarantineRow.source_name == source_name)
        rows = self._conn.execute(stmt.limit(limit))
        return [StoredRejection.model_validate(dict(row._mapping)) for row in rows]

    def count(self) -> int:
        """How many rejections are stored."""
        return int(self._conn.execute(select(func.count()).select_from(QuarantineRow)).scalar_one())
