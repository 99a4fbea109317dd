"""Custody: the append-only, hash-chained ledger of custody events and its anchor (the head kept apart).

``seq``, ``prev_hash``, ``payload`` (the canonical JSON exactly as signed) and ``hash`` are what the
signature covers. ``case_number``, ``kind`` and ``occurred_at`` are copies taken from the payload when the
entry is appended, for querying only: verification reads the signed columns, never these. The migration
adds triggers that make the database refuse UPDATE and DELETE on the ledger (and a rewind or deletion of the
anchor), on PostgreSQL and on SQLite.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cargoscreen.store.tables.base import Base, UtcDateTime


class CustodyLedgerRow(Base):
    """One signed link of the custody chain (append-only: the database refuses updates and deletes)."""

    __tablename__ = "custody_ledger"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    prev_hash: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    case_number: Mapped[str] = mapped_column(String(40), index=True, doc="from the payload")
    kind: Mapped[str] = mapped_column(String(16), index=True, doc="from the payload")
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True, doc="from the payload")
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, doc="when the store appended the entry")


class CustodyAnchorRow(Base):
    """The ledger's head (last seq and hash), one row moved forward with every append; the database refuses
    to move it back or delete it. Kept to find entries cut off the end of the ledger."""

    __tablename__ = "custody_anchor"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
