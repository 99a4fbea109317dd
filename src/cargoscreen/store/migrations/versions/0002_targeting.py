"""Targeting: risk assessments, selection runs and decisions, tips and their uses, watch lists, inspection
outcomes and model versions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30

Only new tables and their indexes: SQLite creates them in place (no batch table copy is needed). Columns,
keys and indexes are built with :mod:`cargoscreen.store.migrations.helpers`.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from cargoscreen.store.migrations.helpers import column, fk, id_column, indexes, pk, string, unique, utc

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


def _call_columns() -> list[sa.Column[str]]:
    return [string("container_number", 11), string("imo_number", 7), string("voyage_number")]


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
        id_column(),
        *_call_columns(),
        column("score", sa.Double()),
        column("model_probability", sa.Double(), nullable=True),
        column("model_variance", sa.Double(), nullable=True),
        string("forced_channel", 8, nullable=True),
        utc("assessed_at"),
        string("model_version", nullable=True),
        column("reasons", sa.JSON()),
        pk("risk_assessments"),
    )
    indexes("risk_assessments", "container_number")
    with op.batch_alter_table("risk_assessments") as batch:
        batch.create_index(
            batch.f("ix_risk_assessments_imo_number_voyage_number_container_number"),
            ["imo_number", "voyage_number", "container_number"],
            unique=False,
        )


def _selections() -> None:
    op.create_table(
        "selection_runs",
        id_column(),
        column("run_date", sa.Date()),
        utc("created_at"),
        column("capacity_scan", sa.Integer()),
        column("capacity_physical", sa.Integer()),
        column("used", sa.JSON()),
        column("exploration_share", sa.Double()),
        string("model_version", nullable=True),
        string("created_by"),
        pk("selection_runs"),
    )
    indexes("selection_runs", "run_date")
    op.create_table(
        "selection_decisions",
        id_column(),
        column("run_id", sa.Integer()),
        *_call_columns(),
        string("channel", 8),
        column("rank", sa.Integer()),
        column("exploration", sa.Boolean()),
        string("exploration_kind", 12, nullable=True),
        column("reasons", sa.JSON()),
        column("overflow", sa.Boolean()),
        column("overflow_position", sa.Integer(), nullable=True),
        fk("run_id", "selection_decisions", "selection_runs", cascade=True),
        pk("selection_decisions"),
        unique("selection_decisions", "run_id", "container_number"),
    )
    indexes("selection_decisions", "container_number")


def _tips() -> None:
    op.create_table(
        "tips",
        id_column(),
        string("tip_id", 64),
        string("target_kind", 16),
        string("target_value", 140),
        string("source_agency"),
        string("reliability", 1),
        utc("valid_from"),
        utc("expires_at"),
        string("channel", 8),
        column("note", sa.Text()),
        utc("created_at"),
        utc("revoked_at", nullable=True),
        pk("tips"),
        unique("tips", "tip_id"),
    )
    indexes("tips", "expires_at")
    op.create_table(
        "tip_uses",
        id_column(),
        string("tip_id", 64),
        string("container_number", 11),
        utc("used_at"),
        pk("tip_uses"),
        unique("tip_uses", "tip_id", "container_number", "used_at"),
    )
    indexes("tip_uses", "container_number", "tip_id")


def _watchlists() -> None:
    op.create_table(
        "watchlist_entries",
        id_column(),
        string("list_kind", 16),
        string("value", 140),
        column("reason", sa.Text()),
        string("added_by"),
        column("valid_until", sa.Date(), nullable=True),
        utc("created_at"),
        pk("watchlist_entries"),
        unique("watchlist_entries", "list_kind", "value"),
    )


def _outcomes() -> None:
    op.create_table(
        "inspection_outcomes",
        id_column(),
        *_call_columns(),
        string("channel", 8),
        string("result", 8),
        string("substance", 60),
        column("seized_kg", sa.Double()),
        string("location", 60),
        column("note", sa.Text()),
        string("recorded_by", 80),
        utc("recorded_at"),
        pk("inspection_outcomes"),
        sa.UniqueConstraint(
            "container_number",
            "imo_number",
            "voyage_number",
            "channel",
            "recorded_at",
            name="uq_inspection_outcomes_inspection",
        ),
    )
    indexes("inspection_outcomes", "container_number", "recorded_at")


def _models() -> None:
    op.create_table(
        "model_versions",
        id_column(),
        string("version"),
        string("kind"),
        utc("created_at"),
        column("params", sa.JSON()),
        column("metrics", sa.JSON()),
        string("artifact_path"),
        column("active", sa.Boolean()),
        pk("model_versions"),
        unique("model_versions", "version"),
    )
    indexes("model_versions", "kind")


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
