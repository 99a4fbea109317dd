"""Users, API tokens, the audit log, analyst decisions and partner-port uploads.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

New tables only. Columns, keys and indexes are built with :mod:`cargoscreen.store.migrations.helpers`.

The audit log is append-only: a trigger (SQLite and PostgreSQL) refuses every UPDATE of ``audit_log``;
rows may only be removed as a whole by retention jobs.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from cargoscreen.store.migrations.helpers import column, id_column, indexes, pk, string, unique, utc

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "users",
    "api_tokens",
    "audit_log",
    "analyst_decisions",
    "outcome_photos",
    "partner_uploads",
    "partner_submissions",
)

_SQLITE_TRIGGER = """
CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
"""
_POSTGRES_FUNCTION = """
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$ LANGUAGE plpgsql
"""
_POSTGRES_TRIGGER = """
CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()
"""


def upgrade() -> None:
    op.create_table(
        "users",
        id_column(),
        string("username", 64),
        string("password_hash", 256),
        column("roles", sa.JSON()),
        column("disabled", sa.Boolean()),
        utc("created_at"),
        pk("users"),
        unique("users", "username"),
    )
    op.create_table(
        "api_tokens",
        id_column(),
        string("token_hash", 64),
        string("owner", 80),
        string("role", 32),
        string("partner_port", 5, nullable=True),
        utc("created_at"),
        utc("revoked_at", nullable=True),
        pk("api_tokens"),
        unique("api_tokens", "token_hash"),
    )
    _audit_log()
    op.create_table(
        "analyst_decisions",
        id_column(),
        string("container_number", 11),
        string("imo_number", 7, nullable=True),
        string("voyage_number", 32, nullable=True),
        string("decision", 24),
        column("reason", sa.Text()),
        string("decided_by", 80),
        utc("decided_at"),
        pk("analyst_decisions"),
    )
    indexes("analyst_decisions", "container_number", "decided_at")
    op.create_table(
        "outcome_photos",
        id_column(),
        string("container_number", 11),
        string("voyage_number", 32),
        string("filename", 200),
        string("media_type", 64),
        string("sha256", 64),
        string("added_by", 80),
        utc("added_at"),
        pk("outcome_photos"),
    )
    indexes("outcome_photos", "container_number")
    _partner_tables()


def _audit_log() -> None:
    op.create_table(
        "audit_log",
        id_column(),
        utc("at"),
        string("actor", 80),
        string("action", 32),
        string("object_kind", 32),
        string("object_id", 160),
        column("detail", sa.JSON()),
        string("request_id", 64),
        pk("audit_log"),
    )
    indexes("audit_log", "actor", "at")
    with op.batch_alter_table("audit_log") as batch:
        batch.create_index("ix_audit_log_object_kind_object_id", ["object_kind", "object_id"], unique=False)
    if op.get_context().dialect.name == "postgresql":
        op.execute(_POSTGRES_FUNCTION)
        op.execute(_POSTGRES_TRIGGER)
    else:
        op.execute(_SQLITE_TRIGGER)


def _partner_tables() -> None:
    op.create_table(
        "partner_uploads",
        id_column(),
        string("upload_id", 32),
        string("partner_port", 5),
        string("filename", 200),
        string("sha256", 64),
        column("size_bytes", sa.BigInteger()),
        column("received", sa.BigInteger()),
        string("status", 16),
        utc("created_at"),
        utc("completed_at", nullable=True),
        pk("partner_uploads"),
        unique("partner_uploads", "upload_id"),
        unique("partner_uploads", "partner_port", "sha256"),
    )
    indexes("partner_uploads", "partner_port")
    op.create_table(
        "partner_submissions",
        id_column(),
        string("partner_port", 5),
        string("checksum_key", 64),
        column("files", sa.JSON()),
        column("result", sa.JSON()),
        string("submitted_by", 80),
        utc("submitted_at"),
        pk("partner_submissions"),
        unique("partner_submissions", "partner_port", "checksum_key"),
    )
    indexes("partner_submissions", "partner_port")


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    for table in reversed(TABLES):
        op.drop_table(table)
