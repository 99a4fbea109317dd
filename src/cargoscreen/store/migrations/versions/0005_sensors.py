"""Sensors: messages, quarantine, signals, security incidents and lane changes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

New tables only; indexes are created inside ``batch_alter_table`` so the same code runs on SQLite and
PostgreSQL. Constraint names follow the naming convention.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "sensor_messages",
    "sensor_quarantine",
    "sensor_signals",
    "security_incidents",
    "sensor_lane_changes",
)


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), autoincrement=True, nullable=False)


def _pk(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))


def _column(name: str, kind: sa.types.TypeEngine[Any], *, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, kind, nullable=nullable)


def _text(name: str, length: int, *, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(length=length), nullable=nullable)


def _time(name: str, *, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _unique(table: str, *columns: str) -> sa.UniqueConstraint:
    return sa.UniqueConstraint(*columns, name=op.f(f"uq_{table}_{'_'.join(columns)}"))


def _indexes(table: str, *columns: str) -> None:
    with op.batch_alter_table(table) as batch:
        for column in columns:
            batch.create_index(batch.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade() -> None:
    op.create_table(
        "sensor_messages",
        _id(),
        _text("device_id", 64),
        _column("sequence", sa.BigInteger()),
        _text("topic", 200),
        _text("kind", 16),
        _text("container_number", 11, nullable=True),
        _time("event_time"),
        _time("received_at"),
        _column("payload", sa.JSON()),
        _pk("sensor_messages"),
        _unique("sensor_messages", "device_id", "sequence"),
    )
    _indexes("sensor_messages", "container_number", "event_time")
    op.create_table(
        "sensor_quarantine",
        _id(),
        _text("topic", 200),
        _text("payload_sha256", 64),
        _text("field", 120),
        _column("reason", sa.Text()),
        _column("payload", sa.Text()),
        _time("received_at"),
        _pk("sensor_quarantine"),
        _unique("sensor_quarantine", "topic", "payload_sha256"),
    )
    _indexes("sensor_quarantine", "received_at")
    op.create_table(
        "sensor_signals",
        _id(),
        _text("container_number", 11),
        _text("code", 64),
        _column("weight", sa.Double()),
        _column("text", sa.Text()),
        _time("observed_at"),
        _text("device_id", 64),
        _column("sequence", sa.BigInteger()),
        _text("forced_channel", 8, nullable=True),
        _column("details", sa.JSON()),
        _time("created_at"),
        _pk("sensor_signals"),
        _unique("sensor_signals", "device_id", "sequence", "code"),
    )
    _indexes("sensor_signals", "container_number")
    op.create_table(
        "security_incidents",
        _id(),
        _text("incident_id", 200),
        _text("site", 32),
        _text("zone", 64),
        _time("opened_at"),
        _text("detected", 32),
        _column("confidence", sa.Double()),
        _text("device_id", 64),
        _column("sequence", sa.BigInteger()),
        _text("snapshot", 200),
        _text("status", 8),
        _time("closed_at", nullable=True),
        _pk("security_incidents"),
        _unique("security_incidents", "incident_id"),
    )
    _indexes("security_incidents", "opened_at")
    op.create_table(
        "sensor_lane_changes",
        _id(),
        _column("run_id", sa.Integer()),
        _text("container_number", 11),
        _text("old_channel", 8),
        _text("new_channel", 8),
        _column("why", sa.Text()),
        _column("over_capacity", sa.Boolean()),
        _text("event_id", 500),
        _time("changed_at"),
        _pk("sensor_lane_changes"),
    )
    _indexes("sensor_lane_changes", "run_id", "container_number")


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
