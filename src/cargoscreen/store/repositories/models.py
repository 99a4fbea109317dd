"""Registered model versions; one active version per kind."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from cargoscreen.store.repositories._sql import AnyRow, insert_ignore
from cargoscreen.store.tables import ModelVersionRow
from cargoscreen.store.views import ModelVersionView

_M = ModelVersionRow
_COLUMNS = (_M.version, _M.kind, _M.created_at, _M.params, _M.metrics, _M.artifact_path, _M.active)


class ModelRepository:
    """Model versions of one unit of work: registered once per ``version``; activating one of a kind
    deactivates the others of that kind."""

    def __init__(self, connection: Connection, clock: Callable[[], datetime]) -> None:
        self._conn = connection
        self._clock = clock

    def register(
        self,
        version: str,
        kind: str,
        params: Mapping[str, Any],
        metrics: Mapping[str, Any],
        artifact_path: str,
        activate: bool,
    ) -> bool:
        """Register a version (JSON-serialisable ``params`` and ``metrics``), activating it if asked.

        ``False`` (nothing changed) when the version is registered already.
        """
        row = {
            "version": version,
            "kind": kind,
            "created_at": self._clock(),
            "params": dict(params),
            "metrics": dict(metrics),
            "artifact_path": artifact_path,
            "active": False,
        }
        if insert_ignore(self._conn, _M, [row], keys=("version",)) != 1:
            return False
        if activate:
            self.activate(version)
        return True

    def activate(self, version: str) -> bool:
        """Make a registered version the active one of its kind; ``False`` when it is not registered."""
        kind = self._conn.scalar(select(_M.kind).where(_M.version == version))
        if kind is None:
            return False
        self._conn.execute(update(_M).where(_M.kind == kind).values(active=_M.version == version))
        return True

    def active(self, kind: str) -> ModelVersionView | None:
        """The active version of a kind, if any."""
        row = self._conn.execute(select(*_COLUMNS).where(_M.kind == kind, _M.active.is_(True))).first()
        return None if row is None else _view(row)

    def get(self, version: str) -> ModelVersionView | None:
        """A registered version, or ``None``."""
        row = self._conn.execute(select(*_COLUMNS).where(_M.version == version)).first()
        return None if row is None else _view(row)

    def list(self, kind: str | None = None) -> builtins.list[ModelVersionView]:
        """Registered versions (of one kind if given), oldest first."""
        stmt = select(*_COLUMNS)
        if kind is not None:
            stmt = stmt.where(_M.kind == kind)
        return [_view(row) for row in self._conn.execute(stmt.order_by(_M.created_at, _M.id))]


def _view(row: AnyRow) -> ModelVersionView:
    return ModelVersionView(**dict(row._mapping))
