"""Targeting: risk assessments, selection runs and decisions, tips and their uses, watch lists, inspection
outcomes and model versions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30

Only new tables and their indexes: SQLite creates them in place (no batch table copy is needed); indexes are
created inside ``batch_alter_table`` so the same code runs on SQLite and PostgreSQL. Timestamps are
``DateTime(timezone=True)`` (the models' ``UtcDateTime``); constraint names follow the naming convention.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "risk_assessments",
    "selection_runs",
    "selection_decisions",
    "tips",
    "tip_uses",
    "watchlist_entries",
    "inspection_outcomes",
    "model_versions",
)


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), autoincrement=True, nullable=False)


def _pk(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))


def _utc(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _text(name: str, length: int | None = None, *, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(length=length), nullable=nullable)


def _column(name: str, kind: sa.types.TypeEngine[Any], *, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, kind, nullable=nullable)


def _unique(table: str, *columns: str) -> sa.UniqueConstraint:
    return sa.UniqueConstraint(*columns, name=op.f(f"uq_{table}_{'_'.join(columns)}"))


def _indexes(table: str, *columns: str) -> None:
    with op.batch_alter_table(table) as batch:
        for column in columns:
            batch.create_index(batch.f(f"ix_{table}_{column}"), [column], unique=False)


def _call_columns() -> list[sa.Column[str]]:
    return [_text("container_number", 11), _text("imo_number", 7), _text("voyage_number")]


def upgrade() -> None:
    _assessments()
    _selections()
    _tips()
    _watchlists()
    _outcomes()
    _models()


def _assessments() -> None:
    op.create_table(
        "risk_assessments",
        _id(),
        *_call_columns(),
        _column("score", sa.Double()),
        _column("model_probability", sa.Double(), nullable=True),
        _column("model_variance", sa.Double(), nullable=True),
        _text("forced_channel", 8, nullable=True),
        _utc("assessed_at"),
        _text("model_version", nullable=True),
        _column("reasons", sa.JSON()),
        _pk("risk_assessments"),
    )
    _indexes("risk_assessments", "container_number")
    with op.batch_alter_table("risk_assessments") as batch:
        batch.create_index(
            batch.f("ix_risk_assessments_imo_number_voyage_number_container_number"),
            ["imo_number", "voyage_number", "container_number"],
            unique=False,
        )


def _selections() -> None:
    op.create_table(
        "selection_runs",
        _id(),
        _column("run_date", sa.Date()),
        _utc("created_at"),
        _column("capacity_scan", sa.Integer()),
        _column("capacity_physical", sa.Integer()),
        _column("used", sa.JSON()),
        _column("exploration_share", sa.Double()),
        _text("model_version", nullable=True),
        _text("created_by"),
        _pk("selection_runs"),
    )
    _indexes("selection_runs", "run_date")
    op.create_table(
        "selection_decisions",
        _id(),
        _column("run_id", sa.Integer()),
        *_call_columns(),
        _text("channel", 8),
        _column("rank", sa.Integer()),
        _column("exploration", sa.Boolean()),
        _text("exploration_kind", 12, nullable=True),
        _column("reasons", sa.JSON()),
        _column("overflow", sa.Boolean()),
        _column("overflow_position", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["selection_runs.id"],
            name=op.f("fk_selection_decisions_run_id_selection_runs"),
            ondelete="CASCADE",
        ),
        _pk("selection_decisions"),
        _unique("selection_decisions", "run_id", "container_number"),
    )
    _indexes("selection_decisions", "container_number")


def _tips() -> None:
    op.create_table(
        "tips",
        _id(),
        _text("tip_id", 64),
        _text("target_kind", 16),
        _text("target_value", 140),
        _text("source_agency"),
        _text("reliability", 1),
        _utc("valid_from"),
        _utc("expires_at"),
        _text("channel", 8),
        _column("note", sa.Text()),
        _utc("created_at"),
        _utc("revoked_at", nullable=True),
        _pk("tips"),
        _unique("tips", "tip_id"),
    )
    _indexes("tips", "expires_at")
    op.create_table(
        "tip_uses",
        _id(),
        _text("tip_id", 64),
        _text("container_number", 11),
        _utc("used_at"),
        _pk("tip_uses"),
        _unique("tip_uses", "tip_id", "container_number", "used_at"),
    )
    _indexes("tip_uses", "container_number", "tip_id")


def _watchlists() -> None:
    op.create_table(
        "watchlist_entries",
        _id(),
        _text("list_kind", 16),
        _text("value", 140),
        _column("reason", sa.Text()),
        _text("added_by"),
        _column("valid_until", sa.Date(), nullable=True),
        _utc("created_at"),
        _pk("watchlist_entries"),
        _unique("watchlist_entries", "list_kind", "value"),
    )


def _outcomes() -> None:
    op.create_table(
        "inspection_outcomes",
        _id(),
        *_call_columns(),
        _text("channel", 8),
        _text("result", 8),
        _text("substance", 60),
        _column("seized_kg", sa.Double()),
        _text("location", 60),
        _column("note", sa.Text()),
        _text("recorded_by", 80),
        _utc("recorded_at"),
        _pk("inspection_outcomes"),
        sa.UniqueConstraint(
            "container_number",
            "imo_number",
            "voyage_number",
            "channel",
            "recorded_at",
            name="uq_inspection_outcomes_inspection",
        ),
    )
    _indexes("inspection_outcomes", "container_number", "recorded_at")


def _models() -> None:
    op.create_table(
        "model_versions",
        _id(),
        _text("version"),
        _text("kind"),
        _utc("created_at"),
        _column("params", sa.JSON()),
        _column("metrics", sa.JSON()),
        _text("artifact_path"),
        _column("active", sa.Boolean()),
        _pk("model_versions"),
        _unique("model_versions", "version"),
    )
    _indexes("model_versions", "kind")


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
