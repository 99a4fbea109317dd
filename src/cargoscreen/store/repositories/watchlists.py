"""Watch lists: entries unique per list kind and value, replaced as a whole or added to."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

from sqlalchemy import Connection, delete, or_, select

from cargoscreen.domain.targeting import WatchListEntry
from cargoscreen.store.repositories._sql import insert_ignore
from cargoscreen.store.tables import WatchListEntryRow

_W = WatchListEntryRow
_COLUMNS = (_W.list_kind, _W.value, _W.reason, _W.added_by, _W.valid_until)


class WatchListRepository:
    """Watch-list entries of one unit of work.

    An entry is keyed by (list kind, value); adding one whose key is stored leaves the stored one as it
    is (the first wins, also inside one call). ``replace_all`` runs in the unit of work's transaction, so
    an exception before it commits leaves the previous lists in place.
    """

    def __init__(self, connection: Connection, clock: Callable[[], datetime]) -> None:
        self._conn = connection
        self._clock = clock

    def replace_all(self, entries: Sequence[WatchListEntry]) -> int:
        """Delete every entry and store these; return how many were stored."""
        self._conn.execute(delete(_W))
        return self.add_many(entries)

    def add_many(self, entries: Sequence[WatchListEntry]) -> int:
        """Store the entries whose (list kind, value) is not stored yet; return how many were new."""
        now = self._clock()
        rows = [entry.model_dump(mode="json") | {"valid_until": entry.valid_until} for entry in entries]
        return insert_ignore(
            self._conn, _W, [row | {"created_at": now} for row in rows], keys=("list_kind", "value")
        )

    def all(self, at: date | None = None) -> list[WatchListEntry]:
        """Every entry (only those still valid on day ``at`` if given), by list kind and value."""
        stmt = select(*_COLUMNS)
        if at is not None:
            stmt = stmt.where(or_(_W.valid_until.is_(None), _W.valid_until >= at))
        rows = self._conn.execute(stmt.order_by(_W.list_kind, _W.value))
        return [WatchListEntry.model_validate(dict(row._mapping)) for row in rows]
