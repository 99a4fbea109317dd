"""The SYNTHETIC trading population: shippers per origin and commodity, consignees, forwarders, fronts.

Each party has a history (``first_seen``) and a shipment frequency; shippers keep long-standing consignees and
only now and then (``new_pair_rate``) ship to someone new. A share of parties is new (first seen in the last
90 days). Front companies are recently created consignees with generic names and few shipments, fed by
high-risk origins; ``front_company`` is ground truth and never reaches a manifest.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from pydantic import BaseModel, ConfigDict

from cargoscreen.domain.records import Party
from cargoscreen.simulate import names
from cargoscreen.simulate.cargo import PROFILES
from cargoscreen.simulate.config import SimulationConfig, Weighted, parse_weights

#: Where consignees sit (estimate). Hinterland countries import via Antwerp; the others receive Antwerp
#: transhipment by feeder, so their share (``transhipment_share``) sets the transhipment share of traffic.
HINTERLAND = "BE:42 NL:18 DE:16 FR:13 LU:2 AT:2 CZ:3 IT:2 ES:2"
ONWARD = "GB:30 IE:12 SE:12 FI:8 DK:6 PL:10 LT:5 PT:7 NO:5"
ONWARD_PORTS = {
    "GB": "GBFXT",
    "IE": "IEDUB",
    "SE": "SEGOT",
    "FI": "FIHEL",
    "DK": "DKAAR",
    "PL": "PLGDN",
    "LT": "LTKLJ",
    "PT": "PTLEI",
    "NO": "NOOSL",
}
_REGULAR_CUM = {n: np.cumsum(w[:n]) / sum(w[:n]) for n, w in ((n, [0.7, 0.2, 0.1]) for n in (1, 2, 3))}
SECTORS = ("fruit", "seafood", "coffee", "agri", "timber", "flowers", "food", "general")


@dataclass(frozen=True, slots=True)
class PartyProfile:
    """A party with its (SYNTHETIC) history; ``front_company`` is ground truth."""

    party_id: str
    role: str
    party: Party
    sector: str
    first_seen: date
    shipments_per_year: float
    front_company: bool = False

    def is_new(self, on: date, days: int = 90) -> bool:
        """First seen within ``days`` before ``on``."""
        return (on - self.first_seen).days <= days


class PopulationSummary(BaseModel):
    """Counts of the SYNTHETIC population, for reports and ground truth."""

    model_config = ConfigDict(frozen=True)

    synthetic: bool = True
    shippers: int
    consignees: int
    forwarders: int
    front_companies: int
    new_parties: int
    shipper_countries: dict[str, int]
    consignee_countries: dict[str, int]


@dataclass(slots=True)
class _Pool:
    members: list[PartyProfile] = field(default_factory=list)
    sampler: Weighted[PartyProfile] | None = None

    def seal(self) -> None:
        self.sampler = Weighted(self.members, [m.shipments_per_year for m in self.members])

    def draw(self, rng: np.random.Generator) -> PartyProfile:
        assert self.sampler is not None
        return self.sampler.draw(rng)


def _country_sampler(transhipment_share: float) -> Weighted[str]:
    home = parse_weights(HINTERLAND)
    onward = parse_weights(ONWARD)
    weights: dict[str, float] = defaultdict(float)
    for country, w in home.items():
        weights[country] += w / sum(home.values()) * (1 - transhipment_share)
    for country, w in onward.items():
        weights[country] += w / sum(onward.values()) * transhipment_share
    return Weighted(list(weights), list(weights.values()))


class PartyPopulation:
    """Build once per simulation; draw shippers, consignees and notify parties for each shipment."""

    def __init__(
        self, config: SimulationConfig, lane_bills: dict[tuple[str, str], float], rng: np.random.Generator
    ):
        """``lane_bills``: expected bills of lading a year per (origin country, commodity) at this scale."""
        self._config = config
        self._rng = rng
        self._counter = 0
        self.profiles: list[PartyProfile] = []
        self._consignees = {sector: _Pool() for sector in SECTORS}
        self._shippers: dict[tuple[str, str], _Pool] = {}
        self._regular: dict[str, tuple[PartyProfile, ...]] = {}
        self._build_consignees(lane_bills)
        self._build_shippers(lane_bills)
        fronts = max(3, round(0.01 * sum(len(p.members) for p in self._consignees.values())))
        self.front_companies = [self._front_company() for _ in range(fronts)]
        self.forwarders = [self._new("forwarder", "BE", "general", 200.0) for _ in range(12)]

    # -- construction ------------------------------------------------------------------------------
    def _first_seen(self, *, new: bool, front: bool) -> date:
        low, high = (14, 180) if front else (1, 90) if new else (365, 365 * 25)
        return self._config.start_date - timedelta(days=int(self._rng.integers(low, high)))

    def _new(
        self, role: str, country: str, sector: str, per_year: float, *, front: bool = False
    ) -> PartyProfile:
        rng = self._rng
        self._counter += 1
        street, city, postcode = names.address(country, rng)
        name = names.front_company_name(country, rng) if front else names.company_name(country, sector, rng)
        party = Party(
            name=name,
            street=street,
            city=city,
            postcode=postcode,
            country=country,
            eori=names.eori(country, rng),
        )
        new = not front and bool(rng.random() < self._config.new_party_share)
        first_seen = self._first_seen(new=new, front=front)
        per_year = per_year * (0.2 if new else 1.0)
        party_id = f"SIM-{role[0].upper()}{self._counter:06d}"
        profile = PartyProfile(party_id, role, party, sector, first_seen, per_year, front)
        self.profiles.append(profile)
        return profile

    def _build_consignees(self, lane_bills: dict[tuple[str, str], float]) -> None:
        per_sector: dict[str, float] = defaultdict(float)
        for (_, cargo), bills in lane_bills.items():
            per_sector[PROFILES[cargo].sector] += bills
        countries = _country_sampler(self._config.transhipment_share)
        for sector in SECTORS:
            bills = per_sector[sector]
            count = int(np.clip(round(1.5 * np.sqrt(bills)), 5, 1500))
            shares = self._rng.lognormal(0.0, 1.2, size=count)
            for share in shares / shares.sum():
                self._consignees[sector].members.append(
                    self._new("consignee", countries.draw(self._rng), sector, max(0.5, bills * share))
                )
            self._consignees[sector].seal()

    def _build_shippers(self, lane_bills: dict[tuple[str, str], float]) -> None:
        for (country, cargo), bills in sorted(lane_bills.items()):
            sector = PROFILES[cargo].sector
            count = int(np.clip(round(np.sqrt(bills)), 2, 400))
            shares = self._rng.lognormal(0.0, 1.2, size=count)
            pool = _Pool()
            for share in shares / shares.sum():
                shipper = self._new("shipper", country, sector, max(0.5, bills * share))
                pool.members.append(shipper)
                self._regular[shipper.party_id] = self._regular_consignees(sector)
            pool.seal()
            self._shippers[(country, cargo)] = pool

    def _regular_consignees(self, sector: str) -> tuple[PartyProfile, ...]:
        count = int(self._rng.integers(1, 4))
        return tuple(self._consignees[sector].draw(self._rng) for _ in range(count))

    def _front_company(self) -> PartyProfile:
        country = str(self._rng.choice(["BE", "BE", "BE", "NL", "NL", "DE", "FR"]))
        sector = str(self._rng.choice(["fruit", "fruit", "food", "general"]))
        return self._new("consignee", country, sector, float(self._rng.uniform(2, 12)), front=True)

    # -- drawing -----------------------------------------------------------------------------------
    def shipper(
        self, country: str, cargo: str, rng: np.random.Generator, *, prefer_new: bool = False
    ) -> PartyProfile:
        """A shipper of ``cargo`` from ``country``, by frequency (a new one if ``prefer_new``)."""
        pool = self._shippers[(country, cargo)]
        if prefer_new:
            fresh = [m for m in pool.members if m.is_new(self._config.start_date)]
            if fresh:
                return fresh[int(rng.integers(len(fresh)))]
        return pool.draw(rng)

    def consignee(self, shipper: PartyProfile, rng: np.random.Generator) -> tuple[PartyProfile, bool]:
        """The consignee of a shipment and whether the pair is new (outside the shipper's usual ones)."""
        if rng.random() < self._config.new_pair_rate:
            return self._consignees[shipper.sector].draw(rng), True
        regular = self._regular[shipper.party_id]
        return regular[int(np.searchsorted(_REGULAR_CUM[len(regular)], rng.random(), side="right"))], False

    def front_company(self, rng: np.random.Generator) -> PartyProfile:
        """One of the front companies."""
        return self.front_companies[int(rng.integers(len(self.front_companies)))]

    def notify(self, consignee: PartyProfile, rng: np.random.Generator) -> PartyProfile:
        """The notify party: the consignee itself, or a forwarder / customs broker at Antwerp."""
        if consignee.front_company or rng.random() < 0.65:
            return consignee
        return self.forwarders[int(rng.integers(len(self.forwarders)))]

    def summary(self) -> PopulationSummary:
        """Counts by role, country, novelty and front companies."""
        start = self._config.start_date
        by_role = Counter(p.role for p in self.profiles)
        return PopulationSummary(
            shippers=by_role["shipper"],
            consignees=by_role["consignee"],
            forwarders=by_role["forwarder"],
            front_companies=len(self.front_companies),
            new_parties=sum(p.is_new(start) for p in self.profiles),
            shipper_countries=dict(Counter(p.party.country for p in self.profiles if p.role == "shipper")),
            consignee_countries=dict(
                Counter(p.party.country for p in self.profiles if p.role == "consignee")
            ),
        )
