"""Vessel calls, the manifest messages that reported them, and the parties they name."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cargoscreen.store.tables.base import Base, UtcDateTime


class VesselCallRow(Base):
    """A vessel's call at a port, keyed by IMO number, voyage and port of call (first writer wins)."""

    __tablename__ = "vessel_calls"
    __table_args__ = (UniqueConstraint("imo_number", "voyage_number", "port_of_call"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    imo_number: Mapped[str] = mapped_column(String(7))
    voyage_number: Mapped[str] = mapped_column(String(17))
    port_of_call: Mapped[str] = mapped_column(String(5))
    vessel_name: Mapped[str] = mapped_column(String(), default="")
    carrier: Mapped[str] = mapped_column(String(), default="")
    eta: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ata: Mapped[datetime | None] = mapped_column(UtcDateTime)
    previous_ports: Mapped[str] = mapped_column(String(), default="", doc="UN/LOCODEs, space-separated")

    messages: Mapped[list[MessageRow]] = relationship(back_populates="vessel_call", lazy="raise")


class MessageRow(Base):
    """One ingested manifest message; ``message_key`` (sender/interchange/message ref) is unique."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    message_key: Mapped[str] = mapped_column(String(), unique=True)
    sender: Mapped[str] = mapped_column(String())
    recipient: Mapped[str] = mapped_column(String(), default="")
    interchange_ref: Mapped[str] = mapped_column(String())
    message_ref: Mapped[str] = mapped_column(String())
    document_number: Mapped[str] = mapped_column(String(), default="")
    document_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    source_format: Mapped[str] = mapped_column(String())
    vessel_call_id: Mapped[int] = mapped_column(ForeignKey("vessel_calls.id"), index=True)
    raw_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    ingested_at: Mapped[datetime] = mapped_column(UtcDateTime)

    vessel_call: Mapped[VesselCallRow] = relationship(back_populates="messages", lazy="raise")


class PartyRow(Base):
    """A party exactly as written (unique ``fingerprint`` of all fields).

    ``dedupe_key`` (country + normalised name) groups the spellings and addresses of one trader; it is
    indexed, not unique, so a stored manifest can be rebuilt with the exact party it named.
    """

    __tablename__ = "parties"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    dedupe_key: Mapped[str] = mapped_column(String(), index=True)
    name: Mapped[str] = mapped_column(String(140))
    street: Mapped[str] = mapped_column(String(), default="")
    city: Mapped[str] = mapped_column(String(), default="")
    postcode: Mapped[str] = mapped_column(String(), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    eori: Mapped[str | None] = mapped_column(String(17), index=True)
