"""Sensors: messages, quarantine, signals, security incidents and lane changes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

New tables only. Columns, keys and indexes are built with :mod:`cargoscreen.store.migrations.helpers`.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from cargoscreen.store.migrations.helpers import column, id_column, indexes, pk, string, unique, utc

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


def upgrade() -> None:
    op.create_table(
        "sensor_messages",
        id_column(),
        string("device_id", 64),
        column("sequence", sa.BigInteger()),
        string("topic", 200),
        string("kind", 16),
        string("container_number", 11, nullable=True),
        utc("event_time"),
        utc("received_at"),
        column("payload", sa.JSON()),
        pk("sensor_messages"),
        unique("sensor_messages", "device_id", "sequence"),
    )
    indexes("sensor_messages", "container_number", "event_time")
    op.create_table(
        "sensor_quarantine",
        id_column(),
        string("topic", 200),
        string("payload_sha256", 64),
        string("field", 120),
        column("reason", sa.Text()),
        column("payload", sa.Text()),
        utc("received_at"),
        pk("sensor_quarantine"),
        unique("sensor_quarantine", "topic", "payload_sha256"),
    )
    indexes("sensor_quarantine", "received_at")
    op.create_table(
        "sensor_signals",
        id_column(),
        string("container_number", 11),
        string("code", 64),
        column("weight", sa.Double()),
        column("text", sa.Text()),
        utc("observed_at"),
        string("device_id", 64),
        column("sequence", sa.BigInteger()),
        string("forced_channel", 8, nullable=True),
        column("details", sa.JSON()),
        utc("created_at"),
        pk("sensor_signals"),
        unique("sensor_signals", "device_id", "sequence", "code"),
    )
    indexes("sensor_signals", "container_number")
    op.create_table(
        "security_incidents",
        id_column(),
        string("incident_id", 200),
        string("site", 32),
        string("zone", 64),
        utc("opened_at"),
        string("detected", 32),
        column("confidence", sa.Double()),
        string("device_id", 64),
        column("sequence", sa.BigInteger()),
        string("snapshot", 200),
        string("status", 8),
        utc("closed_at", nullable=True),
        pk("security_incidents"),
        unique("security_incidents", "incident_id"),
    )
    indexes("security_incidents", "opened_at")
    op.create_table(
        "sensor_lane_changes",
        id_column(),
        column("run_id", sa.Integer()),
        string("container_number", 11),
        string("old_channel", 8),
        string("new_channel", 8),
        column("why", sa.Text()),
        column("over_capacity", sa.Boolean()),
        string("event_id", 500),
        utc("changed_at"),
        pk("sensor_lane_changes"),
    )
    indexes("sensor_lane_changes", "run_id", "container_number")


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
