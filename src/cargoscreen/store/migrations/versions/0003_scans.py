"""Scans: metadata, energy channels (blob hashes), display renditions and image findings.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

New tables only; indexes are created inside ``batch_alter_table`` so the same code runs on SQLite and
PostgreSQL. Constraint names follow the naming convention.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("scans", "scan_channels", "scan_renditions", "scan_findings")


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), autoincrement=True, nullable=False)


def _pk(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))


def _column(name: str, kind: sa.types.TypeEngine[Any], *, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, kind, nullable=nullable)


def _text(name: str, length: int, *, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(length=length), nullable=nullable)


def _scan_ref(table: str) -> tuple[sa.Column[int], sa.ForeignKeyConstraint]:
    return (
        _column("scan_ref", sa.Integer()),
        sa.ForeignKeyConstraint(
            ["scan_ref"], ["scans.id"], name=op.f(f"fk_{table}_scan_ref_scans"), ondelete="CASCADE"
        ),
    )


def _indexes(table: str, *columns: str) -> None:
    with op.batch_alter_table(table) as batch:
        for column in columns:
            batch.create_index(batch.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade() -> None:
    op.create_table(
        "scans",
        _id(),
        _text("scan_id", 128),
        _text("container_number", 11, nullable=True),
        _text("container_id_raw", 64),
        _text("scanner", 64),
        _text("site", 64),
        _text("origin", 16),
        _text("partner_port", 5, nullable=True),
        _column("scanned_at", sa.DateTime(timezone=True)),
        _text("door_end", 8),
        _column("pixel_row_mm", sa.Double()),
        _column("pixel_col_mm", sa.Double()),
        _column("energies_kv", sa.JSON()),
        _column("rows", sa.Integer()),
        _column("cols", sa.Integer()),
        _text("source_format", 16),
        _column("synthetic", sa.Boolean()),
        _text("submitted_by", 80),
        _column("ingested_at", sa.DateTime(timezone=True)),
        _text("flag", 120, nullable=True),
        _pk("scans"),
        sa.UniqueConstraint("scan_id", name=op.f("uq_scans_scan_id")),
    )
    _indexes("scans", "container_number", "partner_port", "scanned_at", "submitted_by")
    op.create_table(
        "scan_channels",
        _id(),
        *_scan_ref("scan_channels"),
        _column("energy_kv", sa.Integer()),
        _text("sha256", 64),
        _text("source_sha256", 64, nullable=True),
        _pk("scan_channels"),
        sa.UniqueConstraint("scan_ref", "energy_kv", name=op.f("uq_scan_channels_scan_ref_energy_kv")),
    )
    _indexes("scan_channels", "scan_ref")
    op.create_table(
        "scan_renditions",
        _id(),
        *_scan_ref("scan_renditions"),
        _text("name", 64),
        _text("media_type", 32),
        _text("sha256", 64),
        _pk("scan_renditions"),
        sa.UniqueConstraint("scan_ref", "name", name=op.f("uq_scan_renditions_scan_ref_name")),
    )
    _indexes("scan_renditions", "scan_ref")
    op.create_table(
        "scan_findings",
        _id(),
        *_scan_ref("scan_findings"),
        _column("analysed_at", sa.DateTime(timezone=True)),
        _text("model_version", 64),
        _column("score", sa.Double()),
        _column("alarm", sa.Boolean()),
        _column("empty", sa.Boolean()),
        _column("findings", sa.JSON()),
        _text("heatmap_sha256", 64, nullable=True),
        _pk("scan_findings"),
    )
    _indexes("scan_findings", "scan_ref")


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
