"""Sensor intake: messages (unique per device and sequence), quarantine, signals, incidents, lane changes.

``sensor_messages`` keeps every accepted message once: the unique (device_id, sequence) makes a message
redelivered after a broker or listener restart a no-op. Rejected messages go to ``sensor_quarantine`` with
the reason (once per topic and payload hash). ``sensor_signals`` are the analytics' findings per container,
``security_incidents`` the custody team's incidents, ``sensor_lane_changes`` the audit trail of every lane
a sensor signal changed (with the DCSA customs event sent for it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Double, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cargoscreen.store.tables.base import Base, UtcDateTime


class SensorMessageRow(Base):
    """One accepted sensor message; ``payload`` is the validated payload as JSON."""

    __tablename__ = "sensor_messages"
    __table_args__ = (UniqueConstraint("device_id", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    device_id: Mapped[str] = mapped_column(String(64))
    sequence: Mapped[int] = mapped_column(BigInteger)
    topic: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    container_number: Mapped[str | None] = mapped_column(String(11), index=True)
    event_time: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


class SensorQuarantineRow(Base):
    """A rejected sensor message, with the reason and the field at fault."""

    __tablename__ = "sensor_quarantine"
    __table_args__ = (UniqueConstraint("topic", "payload_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    topic: Mapped[str] = mapped_column(String(200))
    payload_sha256: Mapped[str] = mapped_column(String(64))
    field: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(Text)
    payload: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class SensorSignalRow(Base):
    """A finding of the sensor analytics about a container (once per message and code)."""

    __tablename__ = "sensor_signals"
    __table_args__ = (UniqueConstraint("device_id", "sequence", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    container_number: Mapped[str] = mapped_column(String(11), index=True)
    code: Mapped[str] = mapped_column(String(64))
    weight: Mapped[float] = mapped_column(Double)
    text: Mapped[str] = mapped_column(Text)
    observed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    device_id: Mapped[str] = mapped_column(String(64))
    sequence: Mapped[int] = mapped_column(BigInteger)
    forced_channel: Mapped[str | None] = mapped_column(String(8))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SecurityIncidentRow(Base):
    """An incident for the custody team, opened by an intrusion alert in a custody zone."""

    __tablename__ = "security_incidents"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    incident_id: Mapped[str] = mapped_column(String(200), unique=True)
    site: Mapped[str] = mapped_column(String(32))
    zone: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    detected: Mapped[str] = mapped_column(String(32))
    confidence: Mapped[float] = mapped_column(Double)
    device_id: Mapped[str] = mapped_column(String(64))
    sequence: Mapped[int] = mapped_column(BigInteger)
    snapshot: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(8))
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class SensorLaneChangeRow(Base):
    """A lane a sensor signal changed in a selection run, and the customs event sent for it."""

    __tablename__ = "sensor_lane_changes"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(Integer, index=True)
    container_number: Mapped[str] = mapped_column(String(11), index=True)
    old_channel: Mapped[str] = mapped_column(String(8))
    new_channel: Mapped[str] = mapped_column(String(8))
    why: Mapped[str] = mapped_column(Text)
    over_capacity: Mapped[bool] = mapped_column(Boolean)
    event_id: Mapped[str] = mapped_column(String(500))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)
