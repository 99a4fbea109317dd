"""Scans, their energy channels, display renditions and the image AI's findings.

Pixels never live in the database: each channel is a lossless ``.npy`` blob in the blob store (SHA-256),
renditions (windowed PNG, thumbnail, tiles, heat-map overlays) likewise; rows hold the metadata and hashes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Double, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cargoscreen.store.tables.base import Base, UtcDateTime


class ScanRow(Base):
    """One scan (all its energy channels). ``flag`` says why it needs a person: e.g. an unknown container."""

    __tablename__ = "scans"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    scan_id: Mapped[str] = mapped_column(String(128), unique=True)
    container_number: Mapped[str | None] = mapped_column(String(11), index=True)
    container_id_raw: Mapped[str] = mapped_column(String(64))
    scanner: Mapped[str] = mapped_column(String(64))
    site: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(16))
    partner_port: Mapped[str | None] = mapped_column(String(5), index=True)
    scanned_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    door_end: Mapped[str] = mapped_column(String(8))
    pixel_row_mm: Mapped[float] = mapped_column(Double)
    pixel_col_mm: Mapped[float] = mapped_column(Double)
    energies_kv: Mapped[list[Any]] = mapped_column(JSON)
    rows: Mapped[int] = mapped_column(Integer)
    cols: Mapped[int] = mapped_column(Integer)
    source_format: Mapped[str] = mapped_column(String(16))
    synthetic: Mapped[bool] = mapped_column(Boolean)
    submitted_by: Mapped[str] = mapped_column(String(80), index=True)
    ingested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    flag: Mapped[str | None] = mapped_column(String(120))


class ScanChannelRow(Base):
    """One energy channel of a scan: the blob of its raw uint16 P codes (``.npy``, lossless)."""

    __tablename__ = "scan_channels"
    __table_args__ = (UniqueConstraint("scan_ref", "energy_kv"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    scan_ref: Mapped[int] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"), index=True)
    energy_kv: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    source_sha256: Mapped[str | None] = mapped_column(String(64), doc="the file as received, if kept")


class ScanRenditionRow(Base):
    """A display derivative: ``name`` such as ``window/6000``, ``thumbnail``, ``tile/6000/0/3_1``."""

    __tablename__ = "scan_renditions"
    __table_args__ = (UniqueConstraint("scan_ref", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    scan_ref: Mapped[int] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(32))
    sha256: Mapped[str] = mapped_column(String(64))


class ScanFindingRow(Base):
    """What one model version found in one scan (the latest row per scan is current)."""

    __tablename__ = "scan_findings"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    scan_ref: Mapped[int] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"), index=True)
    analysed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    model_version: Mapped[str] = mapped_column(String(64))
    score: Mapped[float] = mapped_column(Double)
    alarm: Mapped[bool] = mapped_column(Boolean)
    empty: Mapped[bool] = mapped_column(Boolean)
    findings: Mapped[dict[str, Any]] = mapped_column(JSON, doc="ScanFindings as JSON")
    heatmap_sha256: Mapped[str | None] = mapped_column(String(64))
