"""The audit log: who read or changed which container, scan, decision or user, and when (append-only)."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, select

from cargoscreen.store.repositories._sql import AnyRow, insert_many
from cargoscreen.store.tables import AuditEntryRow

_A = AuditEntryRow


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the audit log."""

    id: int
    at: datetime
    actor: str
    action: str
    object_kind: str
    object_id: str
    detail: Mapping[str, Any] = field(default_factory=dict)
    request_id: str = ""


class AuditRepository:
    """Appends to the audit log and reads it back; there is no method to change or remove an entry."""

    def __init__(self, connection: Connection, clock: Callable[[], datetime]) -> None:
        self._conn = connection
        self._clock = clock

    def record(
        self,
        *,
        actor: str,
        action: str,
        object_kind: str,
        object_id: str,
        detail: Mapping[str, Any] | None = None,
        request_id: str = "",
    ) -> None:
        """Append one entry, timed by the store's clock."""
        row = {
            "at": self._clock(),
            "actor": actor[:80],
            "action": action[:32],
            "object_kind": object_kind[:32],
            "object_id": object_id[:160],
            "detail": dict(detail or {}),
            "request_id": request_id[:64],
        }
        insert_many(self._conn, _A, [row])

    def list(
        self,
        *,
        actor: str | None = None,
        action: str | None = None,
        object_kind: str | None = None,
        object_id: str | None = None,
        before_id: int | None = None,
        limit: int = 100,
    ) -> builtins.list[AuditEntry]:
        """Entries newest first, optionally filtered, older than the cursor ``before_id``."""
        where: builtins.list[ColumnElement[bool]] = []
        for column, value in (
            (_A.actor, actor),
            (_A.action, action),
            (_A.object_kind, object_kind),
            (_A.object_id, object_id),
        ):
            if value is not None:
                where.append(column == value)
        if before_id is not None:
            where.append(_A.id < before_id)
        stmt = select(_A).where(*where).order_by(_A.id.desc()).limit(limit)
        return [_entry(row) for row in self._conn.execute(stmt)]

    def count(self) -> int:
        """How many entries the log holds."""
        return int(self._conn.execute(select(func.count()).select_from(_A)).scalar_one())


def _entry(row: AnyRow) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=row.at,
        actor=row.actor,
        action=row.action,
        object_kind=row.object_kind,
        object_id=row.object_id,
        detail=row.detail or {},
        request_id=row.request_id,
    )
