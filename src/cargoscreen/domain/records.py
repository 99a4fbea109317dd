"""Manifest records: parties, vessel calls, equipment, consignments and goods items.

Field names follow the standards' words (container_number, un_locode, hs_code, bill_of_lading, ...).
Records are immutable pydantic models; identifiers are validated on construction.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from cargoscreen.domain.ids import ContainerNumber, HsCode, ImoNumber, UnLocode


class Record(BaseModel):
    """Base of every domain record: frozen, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class SealSource(StrEnum):
    """Who affixed a seal (EDIFACT SEL qualifiers; DCSA seal sources)."""

    CARRIER = "CA"
    SHIPPER = "SH"
    CUSTOMS = "CU"
    TERMINAL = "TO"


class FullEmpty(StrEnum):
    """Laden or empty (EDIFACT EQD element 6: 5 full, 4 empty)."""

    FULL = "5"
    EMPTY = "4"


class TradeMovement(StrEnum):
    """EDIFACT EQD element 5: the container's movement for this port."""

    IMPORT = "3"
    EXPORT = "2"
    TRANSHIPMENT = "6"


class Party(Record):
    """A shipper, consignee or notify party as named in the manifest."""

    name: str = Field(min_length=1, max_length=140)
    street: str = ""
    city: str = ""
    postcode: str = ""
    country: str = Field(default="", pattern=r"^([A-Z]{2})?$")
    eori: str | None = Field(default=None, pattern=r"^[A-Z]{2}[A-Za-z0-9]{1,15}$")


class Seal(Record):
    """A seal on the container's doors and who affixed it."""

    seal_number: str = Field(min_length=1, max_length=35)
    source: SealSource


class Equipment(Record):
    """One container carried on the vessel call."""

    container_number: ContainerNumber
    size_type: str = Field(pattern=r"^[0-9A-Z]{4}$", description="ISO 6346 size-type code, e.g. 45G1, 45R1")
    full_empty: FullEmpty = FullEmpty.FULL
    movement: TradeMovement = TradeMovement.IMPORT
    gross_kg: float | None = Field(default=None, ge=0)
    seals: tuple[Seal, ...] = ()

    @property
    def reefer(self) -> bool:
        """Integral reefers carry type group R in the size-type code (e.g. 45R1, 22R1)."""
        return self.size_type[2] == "R"

    @property
    def length_ft(self) -> int:
        """Nominal length from the first size-type character (2 → 20 ft, 4 → 40 ft, L → 45 ft)."""
        return {"2": 20, "4": 40, "L": 45}.get(self.size_type[0], 40)


class GoodsPlacement(Record):
    """Part of a goods item stowed in one container (EDIFACT SGP)."""

    container_number: ContainerNumber
    packages: int | None = Field(default=None, ge=0)


class GoodsItem(Record):
    """A goods item of a consignment. ``hs_raw`` keeps the text the HS code was read from."""

    item_number: int = Field(ge=1)
    hs_code: HsCode | None = None
    hs_raw: str = ""
    description: str = ""
    packages: int | None = Field(default=None, ge=0)
    package_type: str = ""
    gross_kg: float | None = Field(default=None, ge=0)
    placements: tuple[GoodsPlacement, ...] = ()


class Consignment(Record):
    """A transport document (bill of lading) and its goods."""

    bill_of_lading: str = Field(min_length=1, max_length=35)
    consignor: Party | None = None
    consignee: Party | None = None
    notify: Party | None = None
    place_of_origin: UnLocode | None = None
    port_of_loading: UnLocode | None = None
    port_of_discharge: UnLocode | None = None
    transhipment_ports: tuple[UnLocode, ...] = ()
    goods_items: tuple[GoodsItem, ...] = ()

    @property
    def container_numbers(self) -> tuple[str, ...]:
        """Containers that carry goods of this consignment, in first-seen order."""
        seen: dict[str, None] = {}
        for item in self.goods_items:
            for placement in item.placements:
                seen.setdefault(placement.container_number, None)
        return tuple(seen)


class VesselCall(Record):
    """A vessel's call at the port of discharge."""

    imo_number: ImoNumber
    vessel_name: str = ""
    voyage_number: str = Field(min_length=1, max_length=17)
    carrier: str = ""
    port_of_call: UnLocode
    eta: datetime | None = None
    ata: datetime | None = None
    previous_ports: tuple[UnLocode, ...] = ()

    @field_validator("eta", "ata")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("times must carry a UTC offset")
        return value


class Manifest(Record):
    """A cargo manifest of one vessel call, as one message delivered it.

    ``interchange_ref`` + ``message_ref`` + ``sender`` identify the message: ingesting the same message again
    changes nothing.
    """

    sender: str = Field(min_length=1)
    recipient: str = ""
    interchange_ref: str = Field(min_length=1)
    message_ref: str = Field(min_length=1)
    document_number: str = ""
    document_time: datetime | None = None
    source_format: str = Field(description="cuscar, json or csv")
    vessel_call: VesselCall
    equipment: tuple[Equipment, ...] = ()
    consignments: tuple[Consignment, ...] = ()

    @field_validator("document_time")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("document_time must carry a UTC offset")
        return value

    @property
    def message_key(self) -> str:
        """The natural key of the message: sender, interchange and message references."""
        return f"{self.sender}/{self.interchange_ref}/{self.message_ref}"
