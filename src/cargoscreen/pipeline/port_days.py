"""A simulated port, day after day: select, inspect (SYNTHETIC officers), learn; used by the demo and bench.

Every step goes through the same functions a real deployment uses (ingest, target_day, outcomes in the
store, train_from_outcomes); only the inspections and the intelligence (a tip, a watch-list entry) come from
the simulator's ground truth, and say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from cargoscreen.domain.ports import UnitOfWorkFactory
from cargoscreen.domain.targeting import (
    Channel,
    DailyCapacity,
    ListKind,
    Reliability,
    Tip,
    TipTarget,
    WatchListEntry,
)
from cargoscreen.pipeline.targeting import TargetingOptions, TargetingReport, target_day
from cargoscreen.simulate import SimulatedPort
from cargoscreen.simulate.inspections import simulate_inspections

FULL_SCALE = 33_000


def scaled_capacity(containers_per_day: int, scan: int = 900, physical: int = 100) -> DailyCapacity:
    """Antwerp's order of capacity (≈ 900 scans and ≈ 100 physical a day for 33 000) scaled to the traffic."""
    share = containers_per_day / FULL_SCALE
    return DailyCapacity(scan=max(1, round(scan * share)), physical=max(1, round(physical * share)))


@dataclass
class DayOutcome:
    """One operational day: the targeting report and what the SYNTHETIC inspections found."""

    day: date
    report: TargetingReport
    inspected: int
    seizures: int
    seized_kg: float
    cases_today: int
    cases_selected: int


def synthetic_intelligence(port: SimulatedPort, day: date) -> tuple[list[Tip], list[WatchListEntry]]:
    """A SYNTHETIC tip naming one of the day's true cases and a watch-list entry for a front company."""
    start = datetime.combine(day, time(), UTC)
    today = [c for c in port.ground_truth.cases if c.ata and c.ata.date() == day]
    tips = (
        [
            Tip(
                tip_id=f"SIM-TIP-{today[0].case_id}",
                target_kind=TipTarget.CONTAINER,
                target_value=today[0].container_number,
                source_agency="SIM partner agency (synthetic)",
                reliability=Reliability.B,
                valid_from=start - timedelta(days=2),
                expires_at=start + timedelta(days=5),
                channel=Channel.PHYSICAL,
                note="synthetic tip made from the simulator's ground truth for the demo",
            )
        ]
        if today
        else []
    )
    fronts = port.ground_truth.front_companies
    entries = (
        [
            WatchListEntry(
                list_kind=ListKind.PARTY,
                value=fronts[0].name.title(),
                reason="synthetic demo entry: suspected front company",
                added_by="SIM-ANALYST",
            )
        ]
        if fronts
        else []
    )
    return tips, entries


def run_day(
    *,
    port: SimulatedPort,
    unit_of_work: UnitOfWorkFactory,
    options: TargetingOptions,
    inspect: bool = True,
) -> DayOutcome:
    """Target one day, then (optionally) inspect every selected container and store the outcomes."""
    now = datetime.combine(options.day, time(23, 0), UTC)
    report = target_day(unit_of_work=unit_of_work, options=options, now=now)
    by_number = {c.container_number: c for c in report.cases}
    selected = [
        (
            d.container_number,
            by_number[d.container_number].imo_number,
            by_number[d.container_number].voyage_number,
            d.channel,
        )
        for d in report.selection.decisions
        if d.channel is not Channel.GREEN
    ]
    truth_today = {
        (c.container_number, c.imo_number, c.voyage_number): c.cocaine_kg
        for c in port.ground_truth.cases
        if c.ata and c.ata.date() == options.day
    }
    caught = sum(1 for s in selected if s[:3] in truth_today)
    outcomes = (
        simulate_inspections(port.ground_truth, selected, recorded_at=now, seed=options.seed)
        if inspect
        else []
    )
    if outcomes:
        with unit_of_work() as uow:
            for outcome in outcomes:
                uow.outcomes.add(outcome)
    seizures = [o for o in outcomes if o.positive]
    return DayOutcome(
        day=options.day,
        report=report,
        inspected=len(outcomes),
        seizures=len(seizures),
        seized_kg=sum(o.seized_kg for o in seizures),
        cases_today=len(truth_today),
        cases_selected=caught,
    )
