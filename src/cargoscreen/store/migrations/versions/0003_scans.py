"""Scans: metadata, energy channels (blob hashes), display renditions and image findings.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

New tables only. Columns, keys and indexes are built with :mod:`cargoscreen.store.migrations.helpers`.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from cargoscreen.store.migrations.helpers import column, fk, id_column, indexes, pk, string, unique, utc

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("scans", "scan_channels", "scan_renditions", "scan_findings")


def _scan_ref(table: str) -> tuple[sa.Column[int], sa.ForeignKeyConstraint]:
    return column("scan_ref", sa.Integer()), fk("scan_ref", table, "scans", cascade=True)


def upgrade() -> None:
    op.create_table(
        "scans",
        id_column(),
        string("scan_id", 128),
        string("container_number", 11, nullable=True),
        string("container_id_raw", 64),
        string("scanner", 64),
        string("site", 64),
        string("origin", 16),
        string("partner_port", 5, nullable=True),
        utc("scanned_at"),
        string("door_end", 8),
        column("pixel_row_mm", sa.Double()),
        column("pixel_col_mm", sa.Double()),
        column("energies_kv", sa.JSON()),
        column("rows", sa.Integer()),
        column("cols", sa.Integer()),
        string("source_format", 16),
        column("synthetic", sa.Boolean()),
        string("submitted_by", 80),
        utc("ingested_at"),
        string("flag", 120, nullable=True),
        pk("scans"),
        unique("scans", "scan_id"),
    )
    indexes("scans", "container_number", "partner_port", "scanned_at", "submitted_by")
    op.create_table(
        "scan_channels",
        id_column(),
        *_scan_ref("scan_channels"),
        column("energy_kv", sa.Integer()),
        string("sha256", 64),
        string("source_sha256", 64, nullable=True),
        pk("scan_channels"),
        unique("scan_channels", "scan_ref", "energy_kv"),
    )
    indexes("scan_channels", "scan_ref")
    op.create_table(
        "scan_renditions",
        id_column(),
        *_scan_ref("scan_renditions"),
        string("name", 64),
        string("media_type", 32),
        string("sha256", 64),
        pk("scan_renditions"),
        unique("scan_renditions", "scan_ref", "name"),
    )
    indexes("scan_renditions", "scan_ref")
    op.create_table(
        "scan_findings",
        id_column(),
        *_scan_ref("scan_findings"),
        utc("analysed_at"),
        string("model_version", 64),
        column("score", sa.Double()),
        column("alarm", sa.Boolean()),
        column("empty", sa.Boolean()),
        column("findings", sa.JSON()),
        string("heatmap_sha256", 64, nullable=True),
        pk("scan_findings"),
    )
    indexes("scan_findings", "scan_ref")


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
