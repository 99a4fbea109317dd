"""Containers on a vessel call and their seals."""

from __future__ import annotations

from sqlalchemy import Double, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cargoscreen.store.tables.base import Base


class EquipmentRow(Base):
    """A container on a vessel call (unique per call); ``message_id``: the message that first reported it."""

    __tablename__ = "equipment_on_call"
    __table_args__ = (UniqueConstraint("vessel_call_id", "container_number"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    vessel_call_id: Mapped[int] = mapped_column(ForeignKey("vessel_calls.id"))
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    ordinal: Mapped[int] = mapped_column(doc="position in the message's equipment list")
    container_number: Mapped[str] = mapped_column(String(11), index=True)
    size_type: Mapped[str] = mapped_column(String(4))
    full_empty: Mapped[str] = mapped_column(String(1))
    movement: Mapped[str] = mapped_column(String(1))
    gross_kg: Mapped[float | None] = mapped_column(Double)
    reefer: Mapped[bool]

    seals: Mapped[list[SealRow]] = relationship(
        back_populates="equipment", lazy="raise", order_by="SealRow.ordinal"
    )


class SealRow(Base):
    """A seal on a container's doors as the manifest reported it."""

    __tablename__ = "seals"
    __table_args__ = (UniqueConstraint("equipment_id", "ordinal"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    equipment_id: Mapped[int] = mapped_column(ForeignKey("equipment_on_call.id", ondelete="CASCADE"))
    ordinal: Mapped[int]
    seal_number: Mapped[str] = mapped_column(String(35), index=True)
    source: Mapped[str] = mapped_column(String(2))

    equipment: Mapped[EquipmentRow] = relationship(back_populates="seals", lazy="raise")
