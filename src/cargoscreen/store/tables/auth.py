"""People and systems that use the workstation, what they decided, what partners sent, and the audit log.

Passwords are argon2 hashes; API tokens are stored as the SHA-256 of a random 256-bit secret (the secret is
shown once). The audit log is append-only: the migration adds a trigger that refuses updates.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cargoscreen.store.tables.base import Base, UtcDateTime


class UserRow(Base):
    """A person with a local password and one or more roles; disabled users cannot log in."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    roles: Mapped[list[Any]] = mapped_column(JSON)
    disabled: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ApiTokenRow(Base):
    """A system's bearer token: one role, and the partner port for a partner token."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    owner: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(32))
    partner_port: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AuditEntryRow(Base):
    """Who read or changed what, when, from which request (append-only)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_object_kind_object_id", "object_kind", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(80), index=True)
    action: Mapped[str] = mapped_column(String(32))
    object_kind: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(String(160))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    request_id: Mapped[str] = mapped_column(String(64))


class AnalystDecisionRow(Base):
    """An analyst's decision on a selected container: release, or open it (physical inspection)."""

    __tablename__ = "analyst_decisions"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    container_number: Mapped[str] = mapped_column(String(11), index=True)
    imo_number: Mapped[str | None] = mapped_column(String(7))
    voyage_number: Mapped[str | None] = mapped_column(String(32))
    decision: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(80))
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class PartnerUploadRow(Base):
    """A file a partner port is uploading in chunks; ``received`` bytes are staged on disk until complete."""

    __tablename__ = "partner_uploads"
    __table_args__ = (UniqueConstraint("partner_port", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    upload_id: Mapped[str] = mapped_column(String(32), unique=True)
    partner_port: Mapped[str] = mapped_column(String(5), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    received: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class PartnerSubmissionRow(Base):
    """A set of verified uploads ingested together, keyed by partner and the sorted checksums (idempotent)."""

    __tablename__ = "partner_submissions"
    __table_args__ = (UniqueConstraint("partner_port", "checksum_key"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    partner_port: Mapped[str] = mapped_column(String(5), index=True)
    checksum_key: Mapped[str] = mapped_column(String(64))
    files: Mapped[list[Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    submitted_by: Mapped[str] = mapped_column(String(80))
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime)


class OutcomePhotoRow(Base):
    """A photo an officer attached to an inspection outcome (the image is a blob, by SHA-256)."""

    __tablename__ = "outcome_photos"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    container_number: Mapped[str] = mapped_column(String(11), index=True)
    voyage_number: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    added_by: Mapped[str] = mapped_column(String(80))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)
