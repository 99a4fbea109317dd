"""Tips from partner agencies and the log of their uses."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, or_, select, update

from cargoscreen.domain.targeting import Tip, TipUse
from cargoscreen.store.repositories._sql import AnyRow, insert_ignore
from cargoscreen.store.tables import TipRow, TipUseRow

_T, _U = TipRow, TipUseRow
_TIP_COLUMNS = (
    _T.tip_id,
    _T.target_kind,
    _T.target_value,
    _T.source_agency,
    _T.reliability,
    _T.valid_from,
    _T.expires_at,
    _T.channel,
    _T.note,
)


class TipRepository:
    """Tips of one unit of work: stored once per ``tip_id``, revoked rather than deleted.

    A tip is active at a moment when it is valid then (``valid_from`` included, ``expires_at`` excluded)
    and not revoked at or before that moment.
    """

    def __init__(self, connection: Connection, clock: Callable[[], datetime]) -> None:
        self._conn = connection
        self._clock = clock

    def add(self, tip: Tip) -> bool:
        """Store a tip; ``False`` (and the stored one left as it is) when its ``tip_id`` is stored."""
        row = tip.model_dump(mode="json") | {
            "valid_from": tip.valid_from,
            "expires_at": tip.expires_at,
            "created_at": self._clock(),
            "revoked_at": None,
        }
        return insert_ignore(self._conn, _T, [row], keys=("tip_id",)) == 1

    def active(self, at: datetime) -> builtins.list[Tip]:
        """The tips in force at ``at``, by ``tip_id``."""
        stmt = select(*_TIP_COLUMNS).where(
            _T.valid_from <= at,
            _T.expires_at > at,
            or_(_T.revoked_at.is_(None), _T.revoked_at > at),
        )
        return [_tip(row) for row in self._conn.execute(stmt.order_by(_T.tip_id))]

    def revoke(self, tip_id: str, at: datetime) -> bool:
        """Revoke a tip from ``at`` on; ``False`` when it is not stored or was already revoked."""
        stmt = update(_T).where(_T.tip_id == tip_id, _T.revoked_at.is_(None)).values(revoked_at=at)
        return self._conn.execute(stmt).rowcount == 1

    def revoked_at(self, tip_id: str) -> datetime | None:
        """When a tip was revoked (``None`` if it is not, or not stored)."""
        return self._conn.scalar(select(_T.revoked_at).where(_T.tip_id == tip_id))

    def list_all(self) -> builtins.list[Tip]:
        """Every stored tip, revoked and expired ones included, by ``tip_id``."""
        return [_tip(row) for row in self._conn.execute(select(*_TIP_COLUMNS).order_by(_T.tip_id))]

    def log_uses(self, uses: Sequence[TipUse]) -> int:
        """Append uses; a use already logged (same tip, container and time) is not logged again.

        Returns how many were new.
        """
        rows = [use.model_dump() for use in uses]
        return insert_ignore(self._conn, _U, rows, keys=("tip_id", "container_number", "used_at"))

    def uses(self, tip_id: str) -> builtins.list[TipUse]:
        """The logged uses of a tip, oldest first."""
        stmt = select(_U.tip_id, _U.container_number, _U.used_at).where(_U.tip_id == tip_id)
        rows = self._conn.execute(stmt.order_by(_U.used_at, _U.id))
        return [TipUse.model_validate(dict(row._mapping)) for row in rows]


def _tip(row: AnyRow) -> Tip:
    fields: dict[str, Any] = dict(row._mapping)
    return Tip.model_validate(fields)
