"""Targeting: risk assessments, selection runs and their decisions, tips, watch lists, outcomes, models.

Enumerations (channels, reason kinds, list kinds, ...) are stored as their string values; reasons are a
JSON list of ``{"kind", "code", "text", "weight", "details"}`` objects in the order they were given.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Double, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cargoscreen.store.tables.base import Base, UtcDateTime


class RiskAssessmentRow(Base):
    """The risk of a container on a vessel call at one moment; a container may be assessed many times."""

    __tablename__ = "risk_assessments"
    __table_args__ = (
        Index(
            "ix_risk_assessments_imo_number_voyage_number_container_number",
            "imo_number",
            "voyage_number",
            "container_number",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    container_number: Mapped[str] = mapped_column(String(11), index=True)
    imo_number: Mapped[str] = mapped_column(String(7))
    voyage_number: Mapped[str] = mapped_column(String())
    score: Mapped[float] = mapped_column(Double)
    model_probability: Mapped[float | None] = mapped_column(Double)
    model_variance: Mapped[float | None] = mapped_column(Double)
    forced_channel: Mapped[str | None] = mapped_column(String(8))
    assessed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    model_version: Mapped[str | None] = mapped_column(String())
    reasons: Mapped[list[Any]] = mapped_column(JSON)


class SelectionRunRow(Base):
    """One saved selection of an operational day: the capacity, what each lane used, who ran it."""

    __tablename__ = "selection_runs"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    run_date: Mapped[date] = mapped_column(Date, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    capacity_scan: Mapped[int]
    capacity_physical: Mapped[int]
    used: Mapped[dict[str, Any]] = mapped_column(JSON, doc='{"GREEN": n, "SCAN": n, "PHYSICAL": n}')
    exploration_share: Mapped[float] = mapped_column(Double)
    model_version: Mapped[str | None] = mapped_column(String())
    created_by: Mapped[str] = mapped_column(String())


class SelectionDecisionRow(Base):
    """The lane of one container in a selection run.

    ``overflow`` marks forced selections beyond the lane's capacity; ``overflow_position`` keeps their order
    in the result's overflow list (which is not the rank order: tips come before rules).
    """

    __tablename__ = "selection_decisions"
    __table_args__ = (UniqueConstraint("run_id", "container_number"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("selection_runs.id", ondelete="CASCADE"))
    container_number: Mapped[str] = mapped_column(String(11), index=True)
    imo_number: Mapped[str] = mapped_column(String(7))
    voyage_number: Mapped[str] = mapped_column(String())
    channel: Mapped[str] = mapped_column(String(8))
    rank: Mapped[int]
    exploration: Mapped[bool]
    exploration_kind: Mapped[str | None] = mapped_column(String(12))
    reasons: Mapped[list[Any]] = mapped_column(JSON)
    overflow: Mapped[bool]
    overflow_position: Mapped[int | None]


class TipRow(Base):
    """A partner agency's tip (unique ``tip_id``); revoking sets ``revoked_at``, nothing is deleted."""

    __tablename__ = "tips"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    tip_id: Mapped[str] = mapped_column(String(64), unique=True)
    target_kind: Mapped[str] = mapped_column(String(16))
    target_value: Mapped[str] = mapped_column(String(140))
    source_agency: Mapped[str] = mapped_column(String())
    reliability: Mapped[str] = mapped_column(String(1))
    valid_from: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    channel: Mapped[str] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class TipUseRow(Base):
    """A tip that decided a container's lane (append-only; the same use logged twice is stored once).

    ``tip_id`` is not a foreign key: a use is a fact even when the tip came from a file and was not stored.
    """

    __tablename__ = "tip_uses"
    __table_args__ = (UniqueConstraint("tip_id", "container_number", "used_at"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    tip_id: Mapped[str] = mapped_column(String(64), index=True)
    container_number: Mapped[str] = mapped_column(String(11), index=True)
    used_at: Mapped[datetime] = mapped_column(UtcDateTime)


class WatchListEntryRow(Base):
    """A party, container, vessel or B/L to look out for, unique per list kind and (normalised) value."""

    __tablename__ = "watchlist_entries"
    __table_args__ = (UniqueConstraint("list_kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    list_kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(140))
    reason: Mapped[str] = mapped_column(Text)
    added_by: Mapped[str] = mapped_column(String())
    valid_until: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class InspectionOutcomeRow(Base):
    """What an inspection found; one per container, vessel call, channel and recording time."""

    __tablename__ = "inspection_outcomes"
    __table_args__ = (
        # named by hand: the conventional name is longer than PostgreSQL's 63 characters
        UniqueConstraint(
            "container_number",
            "imo_number",
            "voyage_number",
            "channel",
            "recorded_at",
            name="uq_inspection_outcomes_inspection",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    container_number: Mapped[str] = mapped_column(String(11), index=True)
    imo_number: Mapped[str] = mapped_column(String(7))
    voyage_number: Mapped[str] = mapped_column(String())
    channel: Mapped[str] = mapped_column(String(8))
    result: Mapped[str] = mapped_column(String(8))
    substance: Mapped[str] = mapped_column(String(60))
    seized_kg: Mapped[float] = mapped_column(Double)
    location: Mapped[str] = mapped_column(String(60))
    note: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class ModelVersionRow(Base):
    """A trained model registered under a unique ``version``; at most one of each ``kind`` is active."""

    __tablename__ = "model_versions"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    version: Mapped[str] = mapped_column(String(), unique=True)
    kind: Mapped[str] = mapped_column(String(), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON)
    artifact_path: Mapped[str] = mapped_column(String())
    active: Mapped[bool]
