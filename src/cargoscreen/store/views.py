"""Plain read models the store hands out (frozen; the CLI, API and web print them as they are)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cargoscreen.domain.events import EquipmentEvent
from cargoscreen.domain.quarantine import Rejection
from cargoscreen.domain.records import Party, Seal


class StoredRejection(Rejection):
    """A quarantined rejection with its row id and when it was stored."""

    id: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class GoodsLine:
    """A goods item of a consignment, with the packages stowed in the container at hand."""

    item_number: int
    hs_code: str | None
    description: str
    packages: int | None
    package_type: str
    gross_kg: float | None
    packages_in_container: int | None


@dataclass(frozen=True, slots=True)
class ConsignmentView:
    """A bill of lading with goods in the container, its parties and its route."""

    bill_of_lading: str
    consignor: Party | None
    consignee: Party | None
    notify: Party | None
    place_of_origin: str | None
    port_of_loading: str | None
    port_of_discharge: str | None
    transhipment_ports: tuple[str, ...]
    goods: tuple[GoodsLine, ...]


@dataclass(frozen=True, slots=True)
class CallVisit:
    """The container on one vessel call: the call, the equipment as declared, seals and consignments.

    The equipment fields are ``None`` when goods were declared in the container but the container itself
    was not listed on the call.
    """

    imo_number: str
    vessel_name: str
    voyage_number: str
    carrier: str
    port_of_call: str
    eta: datetime | None
    ata: datetime | None
    message_key: str | None
    size_type: str | None
    full_empty: str | None
    movement: str | None
    gross_kg: float | None
    reefer: bool | None
    seals: tuple[Seal, ...]
    consignments: tuple[ConsignmentView, ...]


@dataclass(frozen=True, slots=True)
class ContainerDossier:
    """Everything stored about one container: vessel calls (by arrival) and events (by time)."""

    container_number: str
    calls: tuple[CallVisit, ...]
    events: tuple[EquipmentEvent, ...]


@dataclass(frozen=True, slots=True)
class PortSummary:
    """Counts over the whole store.

    ``containers`` counts containers on vessel calls (one per call); ``by_origin_country`` counts
    consignments by the country of their port of loading (``"unknown"`` when absent or not in the port
    list); ``top_hs_chapters`` counts goods items by HS chapter. Both are sorted by count, largest first.
    """

    vessel_calls: int
    containers: int
    reefers: int
    consignments: int
    goods_items: int
    events: int
    quarantined: int
    by_origin_country: tuple[tuple[str, int], ...]
    top_hs_chapters: tuple[tuple[str, int], ...]
