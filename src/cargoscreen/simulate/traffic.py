"""The SYNTHETIC port day/week generator: ``simulate_port(config)``.

Per day: the services calling that weekday, each call sized so the day sums to ``containers_per_day``
(± 3 % day-to-day variation), cargo drawn per call (``calls``), smuggling cases and seal discrepancies drawn
over the day's laden boxes (``smuggling``), then the terminal's discharge and gate-out events (``terminal``).
Each part draws from its own numpy stream (seed, part, day): the same configuration gives the same port.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from cargoscreen.domain.events import EquipmentEvent
from cargoscreen.domain.records import Manifest
from cargoscreen.domain.reference import ports
from cargoscreen.simulate.calls import CallDraft, CallDrafter, empty_shares
from cargoscreen.simulate.cargo import PROFILES, base_mix, solve_reefer_tilt
from cargoscreen.simulate.config import SimulationConfig, stream
from cargoscreen.simulate.parties import PartyPopulation, PartyProfile
from cargoscreen.simulate.services import SERVICES, ScheduledCall, Vessel, calls_on, vessel_pools
from cargoscreen.simulate.smuggling import ORIGIN_RISK, benign_mismatch, case_probabilities, draw_case
from cargoscreen.simulate.terminal import call_events
from cargoscreen.simulate.truth import (
    ContainerTruth,
    FrontCompany,
    GroundTruth,
    Misdeclaration,
    SmugglingCase,
)

log = logging.getLogger(__name__)

_VESSELS, _PARTIES, _CALLS, _CASES, _EVENTS = range(5)  # labels of the random streams


@dataclass(frozen=True, slots=True)
class SimulatedPort:
    """A SYNTHETIC port day or week: what customs receives, and apart from it, the ground truth.

    ``manifests`` (one per vessel call) and ``events`` (terminal reports) carry only what carriers and
    terminals would send; ``ground_truth`` and ``population`` hold what only the simulator knows.
    """

    config: SimulationConfig
    manifests: list[Manifest]
    events: list[EquipmentEvent]
    ground_truth: GroundTruth
    population: PartyPopulation

    @property
    def synthetic(self) -> bool:
        """Always true: nothing here describes real traffic."""
        return True

    def container_count(self) -> int:
        """Containers discharged over the simulated days."""
        return sum(len(m.equipment) for m in self.manifests)


@dataclass(slots=True)
class _DayTruth:
    cases: list[SmugglingCase]
    containers: list[ContainerTruth]
    high_risk: int
    expected: float


def origin_volumes(config: SimulationConfig) -> dict[str, float]:
    """Expected laden containers a year per origin country, from the services' shares and lanes."""
    empties = empty_shares(config)
    total = sum(s.volume_share for s in SERVICES)
    volumes: dict[str, float] = defaultdict(float)
    for service in SERVICES:
        laden = config.containers_per_day * 365 * service.volume_share / total * (1 - empties[service.code])
        lanes = service.lane_weights()
        weight_sum = sum(w for _, w in lanes)
        for lane, weight in lanes:
            volumes[ports()[lane.origin].country] += laden * weight / weight_sum
    return dict(volumes)


def lane_bills(volumes: dict[str, float], tilt: float) -> dict[tuple[str, str], float]:
    """Expected bills of lading a year per (origin country, commodity)."""
    bills: dict[tuple[str, str], float] = {}
    for country, laden in volumes.items():
        weights = {k: w * (tilt if PROFILES[k].reefer else 1.0) for k, w in base_mix(country).items()}
        total = sum(weights.values())
        for key, weight in weights.items():
            bills[(country, key)] = laden * weight / total * PROFILES[key].bl_p
    return bills


def call_sizes(calls: list[ScheduledCall], config: SimulationConfig, rng: np.random.Generator) -> list[int]:
    """Containers per call: the service's mean call size with noise, summing to the day's total."""
    if not calls:
        return []
    base = np.array([c.service.volume_share / c.service.calls_per_week for c in calls])
    raw = base * rng.lognormal(0.0, 0.2, size=len(calls))
    total = max(len(calls), round(config.containers_per_day * float(rng.uniform(0.97, 1.03))))
    exact = raw / raw.sum() * total
    sizes = np.maximum(1, np.floor(exact)).astype(int)
    shortfall = total - int(sizes.sum())
    if shortfall > 0:
        sizes[np.argsort(sizes - exact)[:shortfall]] += 1
    return [int(size) for size in sizes]


def _draft_day(
    drafter: CallDrafter, pools: dict[str, tuple[Vessel, ...]], config: SimulationConfig, day: int
) -> list[CallDraft]:
    rng = stream(config, _CALLS, day)
    start = config.day_start(day)
    calls = calls_on(start.date(), pools)
    sizes = call_sizes(calls, config, rng)
    return [
        drafter.draft_call(c, n, start, seq, rng)
        for seq, (c, n) in enumerate(zip(calls, sizes, strict=True), 1)
    ]


def _day_truth(drafts: list[CallDraft], config: SimulationConfig, day: int) -> _DayTruth:
    rng = stream(config, _CASES, day)
    facts = [fact for draft in drafts for fact in draft.facts]
    probabilities = case_probabilities(facts, config.smuggling_rate)
    hits = rng.random(len(facts)) < probabilities
    benign = rng.random(len(facts)) < config.benign_seal_mismatch_rate
    label = f"{config.start_date + timedelta(days=day):%Y%m%d}"
    high_risk = sum(f.origin_country in ORIGIN_RISK for f in facts)
    truth = _DayTruth([], [], high_risk, float(probabilities.sum()))
    for box, hit, innocent in zip(facts, hits.tolist(), benign.tolist(), strict=True):
        if hit:
            case, container = draw_case(box, f"SIM-CASE-{label}-{len(truth.cases) + 1:03d}", rng)
            truth.cases.append(case)
            truth.containers.append(container)
        elif innocent and box.equipment.seals:
            truth.containers.append(benign_mismatch(box, rng))
    return truth


def _day_events(
    drafts: list[CallDraft], truth: _DayTruth, config: SimulationConfig, day: int
) -> list[EquipmentEvent]:
    rng = stream(config, _EVENTS, day)
    door_seals = {t.container_number: t.actual_seals for t in truth.containers}
    fast = {c.container_number for c in truth.cases if c.fast_pickup}
    events: list[EquipmentEvent] = []
    for draft in drafts:
        references = {f.equipment.container_number: f.bill_of_lading for f in draft.facts}
        events += call_events(
            draft.vessel_call,
            draft.equipment,
            facility=draft.scheduled.service.terminal,
            door_seals=door_seals,
            references=references,
            fast_pickups=fast,
            rng=rng,
        )
    return events


def build_population(config: SimulationConfig) -> tuple[PartyPopulation, float]:
    """The party population of the run and the reefer tilt that meets ``config.reefer_share``."""
    volumes = origin_volumes(config)
    tilt = solve_reefer_tilt(volumes, config.reefer_share)
    return PartyPopulation(config, lane_bills(volumes, tilt), stream(config, _PARTIES)), tilt


def simulate_port(config: SimulationConfig) -> SimulatedPort:
    """Simulate ``config.days`` SYNTHETIC days of container arrivals at Antwerp, with ground truth."""
    population, tilt = build_population(config)
    drafter = CallDrafter(config, population, tilt)
    pools = vessel_pools(stream(config, _VESSELS))
    manifests: list[Manifest] = []
    events: list[EquipmentEvent] = []
    cases: list[SmugglingCase] = []
    containers: list[ContainerTruth] = []
    misdeclarations: list[Misdeclaration] = []
    high_risk, expected = 0, 0.0
    for day in range(config.days):
        drafts = _draft_day(drafter, pools, config, day)
        truth = _day_truth(drafts, config, day)
        events += _day_events(drafts, truth, config, day)
        manifests += [draft.manifest() for draft in drafts]
        misdeclarations += [m for draft in drafts for m in draft.misdeclarations]
        cases += truth.cases
        containers += truth.containers
        high_risk += truth.high_risk
        expected += truth.expected
    events.sort(key=lambda event: (event.event_time, event.event_id))
    ground_truth = GroundTruth(
        config=config,
        high_risk_laden_containers=high_risk,
        expected_cases=round(expected, 6),
        cases=tuple(cases),
        containers=tuple(containers),
        misdeclarations=tuple(misdeclarations),
        front_companies=tuple(_front(p) for p in population.front_companies),
        population=population.summary(),
    )
    log.info("simulated port", extra={"calls": len(manifests), "events": len(events), "cases": len(cases)})
    return SimulatedPort(config, manifests, events, ground_truth, population)


def _front(profile: PartyProfile) -> FrontCompany:
    party = profile.party
    return FrontCompany(
        party_id=profile.party_id,
        name=party.name,
        country=party.country,
        eori=party.eori,
        first_seen=profile.first_seen,
    )
