"""Equipment events (CODECO, COARRI, DCSA), unique per source and event id."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Double, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cargoscreen.store.tables.base import Base, UtcDateTime


class EquipmentEventRow(Base):
    """Something that happened to a container; ``seals`` holds ``[[seal_number, source], ...]`` in order."""

    __tablename__ = "equipment_events"
    __table_args__ = (UniqueConstraint("source", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String())
    event_id: Mapped[str] = mapped_column(String(200))
    event_type: Mapped[str] = mapped_column(String(40))
    classifier: Mapped[str] = mapped_column(String(3))
    event_time: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    container_number: Mapped[str] = mapped_column(String(11), index=True)
    size_type: Mapped[str | None] = mapped_column(String(4))
    full_empty: Mapped[str | None] = mapped_column(String(1))
    un_locode: Mapped[str | None] = mapped_column(String(5))
    facility_code: Mapped[str | None] = mapped_column(String())
    transport_phase: Mapped[str | None] = mapped_column(String(16))
    seals: Mapped[list[Any]] = mapped_column(JSON, default=list)
    gross_kg: Mapped[float | None] = mapped_column(Double)
    latitude: Mapped[float | None] = mapped_column(Double)
    longitude: Mapped[float | None] = mapped_column(Double)
    reference: Mapped[str] = mapped_column(String(), default="")
    raw: Mapped[str] = mapped_column(Text, default="")
    stored_at: Mapped[datetime] = mapped_column(UtcDateTime)
