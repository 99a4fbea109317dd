"""Planning: the mobile scanners as last configured, and the scan plans made for each operational day.

A plan run is never overwritten: planning a day again adds a run, and the latest run of a day is the one
in force. ``metrics`` and ``unplanned`` hold the planner's own records as JSON.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Double, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cargoscreen.store.tables.base import Base, UtcDateTime


class ScannerRow(Base):
    """A mobile scanner: its terminal, pace, crewed shifts (``["06:00-13:45", ...]``) and availability."""

    __tablename__ = "scanners"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    scanner_id: Mapped[str] = mapped_column(String(40), unique=True)
    terminal: Mapped[str] = mapped_column(String(6))
    scan_minutes: Mapped[int]
    move_minutes: Mapped[int]
    shifts: Mapped[list[Any]] = mapped_column(JSON)
    available: Mapped[bool]
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PlanRunRow(Base):
    """One scan plan of an operational day and how it was found."""

    __tablename__ = "plan_runs"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    plan_date: Mapped[date] = mapped_column(Date, index=True)
    selection_run_id: Mapped[int | None]
    method: Mapped[str] = mapped_column(String(8))
    horizon_start: Mapped[datetime] = mapped_column(UtcDateTime)
    horizon_end: Mapped[datetime] = mapped_column(UtcDateTime)
    objective: Mapped[int]
    status: Mapped[str] = mapped_column(String(40))
    solve_seconds: Mapped[float] = mapped_column(Double)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON)
    unplanned: Mapped[list[Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PlanSlotRow(Base):
    """A container's scan in a plan run: scanner, start, end, and the DCSA event id that announced it."""

    __tablename__ = "plan_slots"
    __table_args__ = (UniqueConstraint("run_id", "container_number"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("plan_runs.id", ondelete="CASCADE"))
    container_number: Mapped[str] = mapped_column(String(11), index=True)
    scanner_id: Mapped[str] = mapped_column(String(40))
    terminal: Mapped[str] = mapped_column(String(6))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    fixed: Mapped[bool]
    event_id: Mapped[str] = mapped_column(String(200))
