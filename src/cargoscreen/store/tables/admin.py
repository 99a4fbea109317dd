"""Quarantined (rejected) records and the source files already ingested."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cargoscreen.store.tables.base import Base, UtcDateTime


class QuarantineRow(Base):
    """A rejected record with the reason and the place it was found."""

    __tablename__ = "quarantine"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    source_name: Mapped[str] = mapped_column(String(), index=True)
    source_format: Mapped[str] = mapped_column(String())
    message_key: Mapped[str] = mapped_column(String(), default="")
    scope: Mapped[str] = mapped_column(String())
    locator: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class SourceFileRow(Base):
    """An input file already ingested, by content hash."""

    __tablename__ = "source_files"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String())
    source_format: Mapped[str] = mapped_column(String())
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    ingested_at: Mapped[datetime] = mapped_column(UtcDateTime)
