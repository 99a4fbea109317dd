"""Users, API tokens, the audit log, analyst decisions and partner-port uploads.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

New tables only. The audit log is append-only: a trigger (SQLite and PostgreSQL) refuses every UPDATE of
``audit_log``; rows may only be removed as a whole by retention jobs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

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


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), autoincrement=True, nullable=False)


def _pk(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))


def _column(name: str, kind: sa.types.TypeEngine[Any], *, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, kind, nullable=nullable)


def _text(name: str, length: int | None = None, *, nullable: bool = False) -> sa.Column[str]:
    kind = sa.Text() if length is None else sa.String(length=length)
    return sa.Column(name, kind, nullable=nullable)


def _time(name: str, *, nullable: bool = False) -> sa.Column[Any]:
    return _column(name, sa.DateTime(timezone=True), nullable=nullable)


def _indexes(table: str, *columns: str) -> None:
    with op.batch_alter_table(table) as batch:
        for column in columns:
            batch.create_index(batch.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade() -> None:
    op.create_table(
        "users",
        _id(),
        _text("username", 64),
        _text("password_hash", 256),
        _column("roles", sa.JSON()),
        _column("disabled", sa.Boolean()),
        _time("created_at"),
        _pk("users"),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "api_tokens",
        _id(),
        _text("token_hash", 64),
        _text("owner", 80),
        _text("role", 32),
        _text("partner_port", 5, nullable=True),
        _time("created_at"),
        _time("revoked_at", nullable=True),
        _pk("api_tokens"),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    _audit_log()
    op.create_table(
        "analyst_decisions",
        _id(),
        _text("container_number", 11),
        _text("imo_number", 7, nullable=True),
        _text("voyage_number", 32, nullable=True),
        _text("decision", 24),
        _text("reason"),
        _text("decided_by", 80),
        _time("decided_at"),
        _pk("analyst_decisions"),
    )
    _indexes("analyst_decisions", "container_number", "decided_at")
    op.create_table(
        "outcome_photos",
        _id(),
        _text("container_number", 11),
        _text("voyage_number", 32),
        _text("filename", 200),
        _text("media_type", 64),
        _text("sha256", 64),
        _text("added_by", 80),
        _time("added_at"),
        _pk("outcome_photos"),
    )
    _indexes("outcome_photos", "container_number")
    _partner_tables()


def _audit_log() -> None:
    op.create_table(
        "audit_log",
        _id(),
        _time("at"),
        _text("actor", 80),
        _text("action", 32),
        _text("object_kind", 32),
        _text("object_id", 160),
        _column("detail", sa.JSON()),
        _text("request_id", 64),
        _pk("audit_log"),
    )
    _indexes("audit_log", "actor", "at")
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
        _id(),
        _text("upload_id", 32),
        _text("partner_port", 5),
        _text("filename", 200),
        _text("sha256", 64),
        _column("size_bytes", sa.BigInteger()),
        _column("received", sa.BigInteger()),
        _text("status", 16),
        _time("created_at"),
        _time("completed_at", nullable=True),
        _pk("partner_uploads"),
        sa.UniqueConstraint("upload_id", name=op.f("uq_partner_uploads_upload_id")),
        sa.UniqueConstraint("partner_port", "sha256", name=op.f("uq_partner_uploads_partner_port_sha256")),
    )
    _indexes("partner_uploads", "partner_port")
    op.create_table(
        "partner_submissions",
        _id(),
        _text("partner_port", 5),
        _text("checksum_key", 64),
        _column("files", sa.JSON()),
        _column("result", sa.JSON()),
        _text("submitted_by", 80),
        _time("submitted_at"),
        _pk("partner_submissions"),
        sa.UniqueConstraint(
            "partner_port", "checksum_key", name=op.f("uq_partner_submissions_partner_port_checksum_key")
        ),
    )
    _indexes("partner_submissions", "partner_port")


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    for table in reversed(TABLES):
        op.drop_table(table)
