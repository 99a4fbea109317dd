"""SYNTHETIC cocaine cases and their ground truth, kept apart from what customs sees.

Methods follow DOMAIN.md: rip-on/rip-off behind the doors (often with a swapped or cloned seal), bricks in
the cargo, cavities in the structure, the reefer unit, hollowed goods, impregnated goods. The probability of a
case is ``smuggling_rate`` on average over laden containers from high-risk origins, shifted towards risky
containers by multipliers (all *estimates*): origin (Ecuador highest), perishables, reefers, transhipment via
a hub, a new shipper–consignee pair, and above all a front-company consignee.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt

from cargoscreen.domain.records import Equipment, Seal, SealSource
from cargoscreen.simulate.cargo import PROFILES
from cargoscreen.simulate.parties import PartyProfile
from cargoscreen.simulate.truth import ContainerTruth, Location, SmugglingCase, SmugglingMethod

#: Relative risk of a laden container by origin country (estimate, after seizure statistics: Ecuador,
#: Panama, Colombia, Brazil, Costa Rica, Paraguay via Montevideo, West Africa as transit).
ORIGIN_RISK = {
    "EC": 3.0, "PA": 2.2, "CO": 2.2, "BR": 1.6, "CR": 1.6, "PY": 1.5, "VE": 1.5, "SR": 1.2, "GY": 1.0,
    "UY": 1.0, "PE": 1.0, "GT": 1.0, "HN": 1.0, "DO": 1.0, "AR": 0.8, "NI": 0.8, "SV": 0.6, "JM": 0.6,
    "HT": 0.6, "TT": 0.6, "MX": 0.5, "CL": 0.5, "SL": 0.8, "GN": 0.8, "GW": 0.8, "LR": 0.6, "CV": 0.5,
    "SN": 0.5, "CI": 0.5, "GH": 0.5, "TG": 0.5, "NG": 0.4, "BJ": 0.4, "CM": 0.4, "GA": 0.3, "CG": 0.3,
}  # fmt: skip
LOW_RISK = 0.002  # relative risk of a laden container from any other origin
FRONT_COMPANY_FACTOR = 30.0
MAX_P = 0.9  # no container is certain to carry drugs
_LENGTH_M = {20: 6.058, 40: 12.192, 45: 13.716}


@dataclass(frozen=True, slots=True)
class BoxFacts:
    """Everything about a laden container the ground truth needs (traffic fills it in)."""

    equipment: Equipment
    bill_of_lading: str
    imo_number: str
    voyage_number: str
    manifest_key: str
    ata: datetime | None
    cargo: str
    origin: str
    origin_country: str
    hub: str | None
    consignee: PartyProfile
    new_pair: bool

    @property
    def perishable(self) -> bool:
        return PROFILES[self.cargo].perishable

    def risk_weight(self) -> float:
        """Relative chance that this container carries a case (multipliers are estimates)."""
        weight = ORIGIN_RISK.get(self.origin_country, LOW_RISK)
        weight *= 2.0 if self.perishable else 1.0
        weight *= 1.5 if self.equipment.reefer else 1.0
        weight *= 1.5 if self.hub else 1.0
        weight *= 2.0 if self.new_pair else 1.0
        return weight * (FRONT_COMPANY_FACTOR if self.consignee.front_company else 1.0)


def case_probabilities(boxes: Sequence[BoxFacts], rate: float) -> npt.NDArray[np.float64]:
    """Per-container probabilities ∝ risk weight, capped at ``MAX_P``; mean ``rate`` over high-risk boxes.

    The scale is found by bisection so that capping the riskiest boxes does not lower the mean.
    """
    weights = np.array([b.risk_weight() for b in boxes], dtype=float)
    high = np.array([b.origin_country in ORIGIN_RISK for b in boxes], dtype=bool)
    target = rate * high.sum()
    if target <= 0 or weights[high].sum() <= 0:
        return np.zeros(len(boxes))
    high_weights = weights[high]
    lo, hi = 0.0, MAX_P / high_weights[high_weights > 0].min()
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if np.minimum(MAX_P, high_weights * mid).sum() < target else (lo, mid)
    probabilities: npt.NDArray[np.float64] = np.minimum(MAX_P, weights * hi)
    return probabilities


def _method(box: BoxFacts, rng: np.random.Generator) -> SmugglingMethod:
    sector = PROFILES[box.cargo].sector
    front = box.consignee.front_company
    weights = {
        SmugglingMethod.RIP_ON_RIP_OFF: 40.0 * (0.2 if front else 1.5),
        SmugglingMethod.BRICKS_IN_CARGO: 30.0 * (2.0 if front else 1.0),
        SmugglingMethod.STRUCTURE_CAVITY: 10.0,
        SmugglingMethod.REEFER_UNIT: 8.0 if box.equipment.reefer else 0.0,
        SmugglingMethod.HOLLOW_GOODS: (6.0 if sector in {"fruit", "timber"} else 0.0)
        * (2.0 if front else 1.0),
        SmugglingMethod.IMPREGNATED: (6.0 if box.cargo in _IMPREGNABLE else 1.0) * (2.0 if front else 1.0),
    }
    methods = list(weights)
    p = np.array(list(weights.values()))
    return methods[int(rng.choice(len(methods), p=p / p.sum()))]


_IMPREGNABLE = {"charcoal", "textiles", "cotton", "mixed", "paper", "furniture", "flowers", "rubber"}
_PLACES: dict[SmugglingMethod, tuple[tuple[Location, ...], str]] = {
    SmugglingMethod.RIP_ON_RIP_OFF: ((Location.DOOR_END,), "duffel bag"),
    SmugglingMethod.BRICKS_IN_CARGO: (
        (Location.CARGO_MIDDLE, Location.CARGO_FRONT, Location.DOOR_END),
        "brick",
    ),
    SmugglingMethod.STRUCTURE_CAVITY: ((Location.FLOOR, Location.ROOF, Location.FRONT_WALL), "package"),
    SmugglingMethod.REEFER_UNIT: ((Location.REEFER_UNIT,), "package"),
    SmugglingMethod.HOLLOW_GOODS: ((Location.CARGO_MIDDLE, Location.THROUGHOUT), "hollowed item"),
    SmugglingMethod.IMPREGNATED: ((Location.THROUGHOUT,), "impregnated load"),
}


def _amount(method: SmugglingMethod, rng: np.random.Generator) -> tuple[float, int]:
    """Cocaine kg and number of units (bags, bricks, packages...)."""
    if method is SmugglingMethod.RIP_ON_RIP_OFF:
        bags = 1 + int(rng.binomial(9, 0.3))
        return round(float(rng.uniform(20, 40, size=bags).sum()), 1), bags
    low, high, median = {
        SmugglingMethod.BRICKS_IN_CARGO: (20, 500, 150),
        SmugglingMethod.STRUCTURE_CAVITY: (20, 150, 60),
        SmugglingMethod.REEFER_UNIT: (15, 80, 35),
        SmugglingMethod.HOLLOW_GOODS: (50, 600, 200),
        SmugglingMethod.IMPREGNATED: (30, 500, 120),
    }[method]
    kg = round(float(np.clip(rng.lognormal(np.log(median), 0.7), low, high)), 1)
    units = 1 if method is SmugglingMethod.IMPREGNATED else max(1, round(kg / rng.uniform(1.0, 1.2)))
    if method is SmugglingMethod.HOLLOW_GOODS:
        units = max(1, round(kg / rng.uniform(8, 40)))
    return kg, units


def _distance(location: Location, length_m: float, rng: np.random.Generator) -> float:
    fraction = {
        Location.DOOR_END: rng.uniform(0.01, 0.1),
        Location.CARGO_MIDDLE: rng.uniform(0.3, 0.7),
        Location.CARGO_FRONT: rng.uniform(0.7, 0.95),
        Location.FLOOR: rng.uniform(0.05, 0.95),
        Location.ROOF: rng.uniform(0.05, 0.95),
        Location.FRONT_WALL: 0.99,
        Location.REEFER_UNIT: 1.0,
        Location.THROUGHOUT: 0.5,
    }[location]
    return round(float(fraction) * length_m, 2)


def other_seal_number(seal_number: str, rng: np.random.Generator, *, typo: bool = False) -> str:
    """A different seal number of the same shape: digits redrawn, or one digit changed (a typo)."""
    positions = [i for i, ch in enumerate(seal_number) if ch.isdigit()]
    if not positions:
        return f"{seal_number}X"
    chars = list(seal_number)
    while "".join(chars) == seal_number:
        for i in [positions[int(rng.integers(len(positions)))]] if typo else positions:
            chars[i] = str(int(rng.integers(10)))
    return "".join(chars)


def _seals(method: SmugglingMethod, box: BoxFacts, rng: np.random.Generator) -> tuple[str, tuple[Seal, ...]]:
    """Seal state ("swapped", "cloned", "intact") and the seals actually on the door."""
    declared = box.equipment.seals
    if method is not SmugglingMethod.RIP_ON_RIP_OFF or not declared:
        return "intact", declared
    draw = rng.random()
    if draw < 0.70:
        first = declared[0]
        swapped = Seal(seal_number=other_seal_number(first.seal_number, rng), source=first.source)
        return "swapped", (swapped, *declared[1:])
    return ("cloned" if draw < 0.95 else "intact"), declared  # intact: doors lifted off their hinges


def draw_case(box: BoxFacts, case_id: str, rng: np.random.Generator) -> tuple[SmugglingCase, ContainerTruth]:
    """The ground truth of a case in ``box``."""
    method = _method(box, rng)
    kg, units = _amount(method, rng)
    locations, unit_kind = _PLACES[method]
    location = locations[int(rng.integers(len(locations)))]
    state, actual = _seals(method, box, rng)
    rip = method is SmugglingMethod.RIP_ON_RIP_OFF
    loaded_at = box.hub if rip and box.hub and rng.random() < 0.5 else box.origin
    case = SmugglingCase(
        case_id=case_id,
        container_number=box.equipment.container_number,
        bill_of_lading=box.bill_of_lading,
        imo_number=box.imo_number,
        voyage_number=box.voyage_number,
        manifest_key=box.manifest_key,
        ata=box.ata,
        method=method,
        cocaine_kg=kg,
        units=units,
        unit_kind=unit_kind,
        location=location,
        distance_from_door_m=_distance(location, _LENGTH_M[box.equipment.length_ft], rng),
        seal_swapped=state == "swapped",
        seal_cloned=state == "cloned",
        manifest_seals=tuple(s.seal_number for s in box.equipment.seals),
        actual_seals=tuple(s.seal_number for s in actual),
        loaded_at=loaded_at,
        door_opened_at=loaded_at if rip else None,
        origin_country=box.origin_country,
        transhipped_via=box.hub,
        consignee_party_id=box.consignee.party_id,
        front_company=box.consignee.front_company,
        new_pair=box.new_pair,
        hs_code=PROFILES[box.cargo].hs_code,
        reefer=box.equipment.reefer,
        perishable=box.perishable,
        fast_pickup=rip and bool(rng.random() < 0.35),
    )
    truth = ContainerTruth(
        container_number=case.container_number,
        manifest_seals=case.manifest_seals,
        actual_seals=actual,
        reason="smuggling_case",
        case_id=case_id,
    )
    return case, truth


def benign_mismatch(box: BoxFacts, rng: np.random.Generator) -> ContainerTruth:
    """An innocent seal discrepancy: origin customs opened and resealed the box, or a typo in the manifest."""
    declared = box.equipment.seals
    if box.origin_country in ORIGIN_RISK and rng.random() < 0.7:
        number = f"{box.origin_country}C{int(rng.integers(1_000_000, 9_999_999))}"
        actual = (Seal(seal_number=number, source=SealSource.CUSTOMS), *declared[1:])
        reason = "resealed_by_origin_customs"
    else:
        first = declared[0]
        actual = (
            Seal(seal_number=other_seal_number(first.seal_number, rng), source=first.source),
            *declared[1:],
        )
        reason = "clerical_error"
    return ContainerTruth(
        container_number=box.equipment.container_number,
        manifest_seals=tuple(s.seal_number for s in declared),
        actual_seals=actual,
        reason=reason,
    )
