"""Consignments (bills of lading), their goods items and where the goods are stowed."""

from __future__ import annotations

from sqlalchemy import Double, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cargoscreen.store.tables.base import Base


class ConsignmentRow(Base):
    """A bill of lading on a vessel call (unique per call; the first message to report it owns it)."""

    __tablename__ = "consignments"
    __table_args__ = (UniqueConstraint("vessel_call_id", "bill_of_lading"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    vessel_call_id: Mapped[int] = mapped_column(ForeignKey("vessel_calls.id"))
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    ordinal: Mapped[int] = mapped_column(doc="position in the message's consignment list")
    bill_of_lading: Mapped[str] = mapped_column(String(35), index=True)
    consignor_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), index=True)
    consignee_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), index=True)
    notify_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), index=True)
    place_of_origin: Mapped[str | None] = mapped_column(String(5))
    port_of_loading: Mapped[str | None] = mapped_column(String(5))
    port_of_discharge: Mapped[str | None] = mapped_column(String(5))
    transhipment_ports: Mapped[str] = mapped_column(String(), default="", doc="UN/LOCODEs, space-separated")

    goods_items: Mapped[list[GoodsItemRow]] = relationship(
        back_populates="consignment", lazy="raise", order_by="GoodsItemRow.ordinal"
    )


class GoodsItemRow(Base):
    """A goods item of a consignment; ``hs_raw`` keeps the text the HS code was read from."""

    __tablename__ = "goods_items"
    __table_args__ = (UniqueConstraint("consignment_id", "ordinal"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    consignment_id: Mapped[int] = mapped_column(ForeignKey("consignments.id", ondelete="CASCADE"))
    ordinal: Mapped[int]
    item_number: Mapped[int]
    hs_code: Mapped[str | None] = mapped_column(String(6), index=True)
    hs_raw: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    packages: Mapped[int | None]
    package_type: Mapped[str] = mapped_column(String(), default="")
    gross_kg: Mapped[float | None] = mapped_column(Double)

    consignment: Mapped[ConsignmentRow] = relationship(back_populates="goods_items", lazy="raise")
    placements: Mapped[list[GoodsPlacementRow]] = relationship(
        back_populates="goods_item", lazy="raise", order_by="GoodsPlacementRow.ordinal"
    )


class GoodsPlacementRow(Base):
    """Part of a goods item stowed in one container."""

    __tablename__ = "goods_placements"
    __table_args__ = (UniqueConstraint("goods_item_id", "ordinal"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    goods_item_id: Mapped[int] = mapped_column(ForeignKey("goods_items.id", ondelete="CASCADE"))
    ordinal: Mapped[int]
    container_number: Mapped[str] = mapped_column(String(11), index=True)
    packages: Mapped[int | None]

    goods_item: Mapped[GoodsItemRow] = relationship(back_populates="placements", lazy="raise")
