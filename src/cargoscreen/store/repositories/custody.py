"""The custody ledger: append-only storage of signed entries, and the anchor that follows the head.

The repository offers no update and no delete, and the database refuses both (triggers of migration 0006).
Entries are stored exactly as signed; the query columns (case number, kind, time) are derived from the
payload here, never taken from the caller, and :meth:`CustodyLedgerRepository.index_mismatches` reports
rows whose query columns no longer agree with their payload.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection, func, insert, select, update

from cargoscreen.domain.errors import CargoscreenError
from cargoscreen.store.tables import CustodyAnchorRow, CustodyLedgerRow

_L, _A = CustodyLedgerRow, CustodyAnchorRow
GENESIS = "0" * 64
_ANCHOR_ID = 1


class LedgerConflict(CargoscreenError):
    """An entry that does not continue the stored chain (another writer came first, or a wrong link)."""


class SignedEntry(Protocol):
    """What the store keeps of a ledger entry: the signed columns."""

    @property
    def seq(self) -> int: ...

    @property
    def prev_hash(self) -> str: ...

    @property
    def payload(self) -> str: ...

    @property
    def hash(self) -> str: ...


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """A ledger row's signed columns, as read."""

    seq: int
    prev_hash: str
    payload: str
    hash: str


@dataclass(frozen=True, slots=True)
class StoredAnchor:
    """The head the store keeps apart from the entries: last seq and hash (0 and 64 zeros when empty)."""

    seq: int
    hash: str


class CustodyLedgerRepository:
    """The custody ledger of one unit of work: append, read; nothing else."""

    def __init__(self, connection: Connection, clock: Callable[[], datetime]) -> None:
        self._conn = connection
        self._clock = clock

    def append(self, entry: SignedEntry) -> None:
        """Store ``entry`` and move the anchor to it.

        The anchor row is locked first (PostgreSQL ``FOR UPDATE``; SQLite serialises writers), so two
        writers cannot both extend the same head. Raises :class:`LedgerConflict` when the entry does not
        follow the stored head (its ``seq`` or ``prev_hash``), and ``ValueError`` when its payload is not a
        custody event (no case number, kind or time).
        """
        head = self._locked_head()
        if entry.seq != head.seq + 1 or entry.prev_hash != head.hash:
            raise LedgerConflict(
                f"entry {entry.seq} does not continue the custody ledger, whose head is entry {head.seq}"
            )
        now = self._clock()
        row = {"seq": entry.seq, "prev_hash": entry.prev_hash, "payload": entry.payload, "hash": entry.hash}
        self._conn.execute(insert(_L), [row | _query_columns(entry.payload) | {"recorded_at": now}])
        anchor = {"seq": entry.seq, "hash": entry.hash, "updated_at": now}
        if head.seq == 0 and not self._anchored():
            self._conn.execute(insert(_A), [anchor | {"id": _ANCHOR_ID}])
        else:
            self._conn.execute(update(_A).where(_A.id == _ANCHOR_ID).values(**anchor))

    def entries(self, case_number: str | None = None) -> builtins.list[StoredEntry]:
        """Every entry in sequence order (or those of one case, by the query column)."""
        stmt = select(_L.seq, _L.prev_hash, _L.payload, _L.hash).order_by(_L.seq)
        if case_number is not None:
            stmt = stmt.where(_L.case_number == case_number)
        return [StoredEntry(*row) for row in self._conn.execute(stmt)]

    @property
    def head(self) -> StoredAnchor:
        """The anchor: the head as last appended (kept apart from the entries, to find truncation)."""
        row = self._conn.execute(select(_A.seq, _A.hash).where(_A.id == _ANCHOR_ID)).first()
        return StoredAnchor(seq=int(row.seq), hash=row.hash) if row else StoredAnchor(seq=0, hash=GENESIS)

    def count(self) -> int:
        """How many entries are stored."""
        return int(self._conn.execute(select(func.count()).select_from(_L)).scalar_one())

    def case_numbers(self) -> builtins.list[str]:
        """Case numbers in the ledger, by first appearance."""
        stmt = select(_L.case_number, func.min(_L.seq).label("first")).group_by(_L.case_number)
        return [row.case_number for row in sorted(self._conn.execute(stmt), key=lambda r: r.first)]

    def index_mismatches(self) -> builtins.list[int]:
        """Sequence numbers whose query columns disagree with their payload (or whose payload is unreadable)."""
        stmt = select(_L.seq, _L.payload, _L.case_number, _L.kind, _L.occurred_at).order_by(_L.seq)
        bad = []
        for row in self._conn.execute(stmt):
            try:
                derived = _query_columns(row.payload)
            except ValueError:
                bad.append(int(row.seq))
                continue
            stored = {"case_number": row.case_number, "kind": row.kind, "occurred_at": row.occurred_at}
            if derived != stored:
                bad.append(int(row.seq))
        return bad

    def _locked_head(self) -> StoredAnchor:
        stmt = select(_L.seq, _L.hash).order_by(_L.seq.desc()).limit(1)
        if self._conn.dialect.name == "postgresql":
            self._conn.execute(select(_A.id).where(_A.id == _ANCHOR_ID).with_for_update())
        row = self._conn.execute(stmt).first()
        return StoredAnchor(seq=int(row.seq), hash=row.hash) if row else StoredAnchor(seq=0, hash=GENESIS)

    def _anchored(self) -> bool:
        return self._conn.execute(select(_A.id).where(_A.id == _ANCHOR_ID)).first() is not None


def _query_columns(payload: str) -> dict[str, Any]:
    try:
        event = json.loads(payload)
        occurred = datetime.fromisoformat(event["occurred_at"])
        columns = {"case_number": str(event["case_number"]), "kind": str(event["kind"])}
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"not a custody event payload: {exc}") from None
    if occurred.tzinfo is None:
        raise ValueError("not a custody event payload: occurred_at without a UTC offset")
    return columns | {"occurred_at": occurred}
