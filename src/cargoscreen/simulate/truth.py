"""Ground truth of a SYNTHETIC port: smuggling cases, seal discrepancies, misdeclarations, front companies.

None of this reaches a manifest. It is what an evaluation compares the platform's findings with.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

from cargoscreen.domain.records import Seal
from cargoscreen.simulate.config import SimulationConfig
from cargoscreen.simulate.parties import PopulationSummary


class _Truth(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SmugglingMethod(StrEnum):
    """How the drugs travel (DOMAIN.md, modus operandi)."""

    RIP_ON_RIP_OFF = "rip_on_rip_off"
    BRICKS_IN_CARGO = "bricks_in_cargo"
    STRUCTURE_CAVITY = "structure_cavity"
    REEFER_UNIT = "reefer_unit"
    HOLLOW_GOODS = "hollow_goods"
    IMPREGNATED = "impregnated"


class Location(StrEnum):
    """Where in the container the drugs are."""

    DOOR_END = "door_end"
    CARGO_MIDDLE = "cargo_middle"
    CARGO_FRONT = "cargo_front"
    FLOOR = "floor"
    ROOF = "roof"
    FRONT_WALL = "front_wall"
    REEFER_UNIT = "reefer_unit"
    THROUGHOUT = "throughout"


class SmugglingCase(_Truth):
    """Ground truth of one SYNTHETIC case: never part of a manifest."""

    synthetic: bool = True
    case_id: str
    container_number: str
    bill_of_lading: str
    imo_number: str
    voyage_number: str
    manifest_key: str
    ata: datetime | None
    method: SmugglingMethod
    cocaine_kg: float
    units: int
    unit_kind: str
    location: Location
    distance_from_door_m: float
    seal_swapped: bool
    seal_cloned: bool
    manifest_seals: tuple[str, ...]
    actual_seals: tuple[str, ...]
    loaded_at: str
    door_opened_at: str | None
    origin_country: str
    transhipped_via: str | None
    consignee_party_id: str
    front_company: bool
    new_pair: bool
    hs_code: str | None
    reefer: bool
    perishable: bool
    fast_pickup: bool


class ContainerTruth(_Truth):
    """A container whose door seals differ from its manifest, and why (smuggling or innocent)."""

    container_number: str
    manifest_seals: tuple[str, ...]
    actual_seals: tuple[Seal, ...]
    reason: str
    case_id: str | None = None


class Misdeclaration(_Truth):
    """Goods declared other than they are (front companies do it): vague text or understated weight."""

    bill_of_lading: str
    container_numbers: tuple[str, ...]
    kind: Literal["vague_description", "weight_understated"]
    declared: str
    actual: str


class FrontCompany(_Truth):
    """A consignee that exists to receive drugs: recently created, generic name, few shipments."""

    party_id: str
    name: str
    country: str
    eori: str | None
    first_seen: date


class GroundTruth(_Truth):
    """Everything the simulator knows and customs does not. ``synthetic`` is always true."""

    synthetic: Literal[True] = True
    generator: str = "cargoscreen.simulate"
    config: SimulationConfig
    high_risk_laden_containers: int
    expected_cases: float
    cases: tuple[SmugglingCase, ...]
    containers: tuple[ContainerTruth, ...]
    misdeclarations: tuple[Misdeclaration, ...]
    front_companies: tuple[FrontCompany, ...]
    population: PopulationSummary
