"""Plain read models the store hands out (frozen; the CLI, API and web print them as they are)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cargoscreen.domain.events import EquipmentEvent
from cargoscreen.domain.quarantine import Rejection
from cargoscreen.domain.records import Party, Seal
from cargoscreen.domain.targeting import Channel, DailyCapacity, SelectionDecision, SelectionResult


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


@dataclass(frozen=True, slots=True)
class SavedSelection:
    """A stored selection run: its day, capacity and lanes used, and the decisions rebuilt in their order.

    ``overflow`` lists the forced decisions beyond capacity in the order the selection gave them;
    ``vessel_calls`` maps each container to the (IMO number, voyage) it was selected on.
    """

    run_id: int
    run_date: date
    created_at: datetime
    created_by: str
    capacity: DailyCapacity
    used: Mapping[Channel, int]
    exploration_share: float
    model_version: str | None
    decisions: tuple[SelectionDecision, ...]
    overflow: tuple[SelectionDecision, ...]
    vessel_calls: Mapping[str, tuple[str, str]]

    @property
    def result(self) -> SelectionResult:
        """The run as the domain :class:`SelectionResult` that was saved."""
        return SelectionResult(
            decisions=self.decisions, capacity=self.capacity, used=dict(self.used), overflow=self.overflow
        )


@dataclass(frozen=True, slots=True)
class ModelVersionView:
    """A registered model: its version, kind (e.g. ``container``), parameters, metrics and artifact."""

    version: str
    kind: str
    created_at: datetime
    params: Mapping[str, Any]
    metrics: Mapping[str, Any]
    artifact_path: str
    active: bool


@dataclass(frozen=True, slots=True)
class PartyActivity:
    """One party (by key) in past manifests: its earliest vessel-call arrival and how many B/Ls named it."""

    first_seen: datetime
    bills_of_lading: int


@dataclass(frozen=True, slots=True)
class PartyHistory:
    """What manifests of vessel calls arriving before ``before`` showed of their parties.

    Keys are the parties' ``dedupe_key`` (``"<country>:<normalised name>"``) unless the query was given its
    own key function. ``pairs`` holds every (shipper key, consignee key) seen on one B/L.
    """

    before: datetime
    consignees: Mapping[str, PartyActivity]
    shippers: Mapping[str, PartyActivity]
    pairs: frozenset[tuple[str, str]]

    def partners(self) -> dict[str, frozenset[str]]:
        """The shippers each consignee received goods from, by consignee key."""
        found: dict[str, set[str]] = {}
        for shipper, consignee in self.pairs:
            found.setdefault(consignee, set()).add(shipper)
        return {key: frozenset(value) for key, value in found.items()}
