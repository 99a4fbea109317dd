"""Targeting stage: score a day's containers and select them within capacity; store and emit the decisions.

Reads the day's manifests and the parties' history (strictly before the day) from the store, builds one case
per container, assesses it with the rule profile, watch lists, tips and the learned model (when one is
active), selects lanes under the day's capacity with an exploration share, then stores the assessments, the
selection run, the tip uses and one DCSA customs event per container, in one transaction.
"""

from __future__ import annotations

import json
import time as clock
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import numpy as np

from cargoscreen.domain.events import EquipmentEvent, EventSource
from cargoscreen.domain.ports import PartyHistoryView, UnitOfWorkFactory
from cargoscreen.domain.targeting import DailyCapacity, RiskAssessment, SelectionResult, Tip
from cargoscreen.risk.case import ContainerCase, PartySeen, build_cases
from cargoscreen.risk.container_model import ContainerRiskModel
from cargoscreen.risk.features import PastParties
from cargoscreen.risk.gcpause import cyclic_gc_paused
from cargoscreen.risk.normalise import normalise_party
from cargoscreen.risk.rules import RuleSet
from cargoscreen.risk.scoring import assess
from cargoscreen.risk.selection import equipment_event_type, select
from cargoscreen.risk.tips import tip_uses
from cargoscreen.risk.watchlists import WatchList


@dataclass(frozen=True)
class TargetingOptions:
    """What today's targeting uses; ``model`` is the active learned model, if any."""

    day: date
    capacity: DailyCapacity
    rules: RuleSet
    exploration_share: float = 0.1
    uncertainty_share: float = 0.5
    seed: int = 0
    model: ContainerRiskModel | None = None
    model_version: str | None = None
    created_by: str = "cargoscreen"


@dataclass
class TargetingReport:
    """What the run did: its cases, assessments, the selection and the customs events emitted."""

    run_id: int
    cases: list[ContainerCase]
    assessments: list[RiskAssessment]
    selection: SelectionResult
    events: list[EquipmentEvent]
    tip_uses: int
    history_known: bool
    seconds: dict[str, float] = field(default_factory=dict)


def day_window(day: date) -> tuple[datetime, datetime]:
    """Midnight to midnight (UTC) of the operational day."""
    start = datetime.combine(day, time(), UTC)
    return start, start + timedelta(days=1)


def target_day(
    *, unit_of_work: UnitOfWorkFactory, options: TargetingOptions, now: datetime
) -> TargetingReport:
    """Assess and select the containers of the vessel calls arriving on ``options.day``."""
    timings: dict[str, float] = {}
    started = clock.perf_counter()
    start, end = day_window(options.day)
    with unit_of_work() as uow:
        manifests = uow.history.manifests_between(start, end)
        tips = uow.tips.active(now)
        entries = uow.watchlists.all(options.day)
    past = past_parties(unit_of_work, options.day)
    known = bool(past.consignees)
    with cyclic_gc_paused():
        cases = [case for m in manifests for case in build_cases(m, past.consignees if known else None)]
    timings["read_and_build_cases"] = clock.perf_counter() - started
    assessments = _assess(cases, options, tips, WatchList(entries) if entries else None, now, past, timings)
    mark = clock.perf_counter()
    result = select(
        assessments,
        capacity=options.capacity,
        exploration_share=options.exploration_share,
        uncertainty_share=options.uncertainty_share,
        seed=options.seed,
    )
    timings["select"] = clock.perf_counter() - mark
    events = customs_events(cases, result, now)
    mark = clock.perf_counter()
    uses = tip_uses(assessments)
    with unit_of_work() as uow:
        uow.assessments.add_many(assessments)
        run_id = uow.selections.save(
            result,
            run_date=options.day,
            imo_voyage_of={c.container_number: (c.imo_number, c.voyage_number) for c in cases},
            exploration_share=options.exploration_share,
            model_version=options.model_version,
            created_by=options.created_by,
        )
        uow.tips.log_uses(uses)
        uow.events.add_many(events)
    timings["store"] = clock.perf_counter() - mark
    return TargetingReport(run_id, cases, assessments, result, events, len(uses), known, timings)


def _assess(
    cases: Sequence[ContainerCase],
    options: TargetingOptions,
    tips: Sequence[Tip],
    watchlist: WatchList | None,
    now: datetime,
    past: PastParties,
    timings: dict[str, float],
) -> list[RiskAssessment]:
    mark = clock.perf_counter()
    scores: dict[str, float] | None = None
    variances: dict[str, float] | None = None
    explanations: dict[str, list[tuple[str, float]]] | None = None
    if options.model is not None and cases:
        scores, variances, explanations = model_scores(options.model, cases, past)
    timings["model"] = clock.perf_counter() - mark
    mark = clock.perf_counter()
    assessments = assess(
        cases,
        rules=options.rules,
        watchlists=watchlist,
        tips=tips,
        model_scores=scores,
        model_explanations=explanations,
        model_variances=variances,
        now=now,
        model_version=options.model_version,
    )
    timings["assess"] = clock.perf_counter() - mark
    return assessments


#: Party ages and novelty mean something only when the store's history reaches this far back: with a
#: shorter history every party would look new (first seen on the first day the store has).
MIN_HISTORY_DAYS = 90


#: Explanations (TreeSHAP contributions) are computed for this many of the riskiest containers only: they
#: are what an officer reads, and explaining all 33 000 would cost more than everything else together.
EXPLAINED = 1500


def model_scores(
    model: ContainerRiskModel, cases: Sequence[ContainerCase], past: PastParties, explained: int = EXPLAINED
) -> tuple[dict[str, float], dict[str, float], dict[str, list[tuple[str, float]]]]:
    """Probability and variance of every case; top-3 contributions of the ``explained`` most probable."""
    shippers = past.shippers or None
    with cyclic_gc_paused():
        scored = model.score(cases, top=0, shippers=shippers)
        numbers = [c.container_number for c in cases]
        order = np.argsort(-scored.probability, kind="stable")[:explained]
        riskiest = [cases[i] for i in order]
        explanations = model.explain(riskiest, top=3, shippers=shippers)
    return (
        dict(zip(numbers, scored.probability.tolist(), strict=True)),
        dict(zip(numbers, scored.variance.tolist(), strict=True)),
        {c.container_number: list(e) for c, e in zip(riskiest, explanations, strict=True)},
    )


def past_parties(unit_of_work: UnitOfWorkFactory, day: date) -> PastParties:
    """Consignees and shippers of the calls arriving before ``day``; empty (history unknown) when the store
    holds less than :data:`MIN_HISTORY_DAYS` days of manifests before it."""
    with unit_of_work() as uow:
        history = uow.history.party_history(
            day_window(day)[0], key=lambda name, _country: normalise_party(name)
        )
    firsts = [seen.first_seen.date() for seen in history.consignees.values()]
    if not firsts or (day - min(firsts)).days < MIN_HISTORY_DAYS:
        return PastParties(consignees={}, shippers={})
    return _as_past_parties(history)


def _as_past_parties(history: PartyHistoryView) -> PastParties:
    """The store's party history in the form the risk capability reads (keys: normalised names)."""
    partners: dict[str, set[str]] = {}
    for shipper, consignee in history.pairs:
        partners.setdefault(consignee, set()).add(shipper)
    consignees = {
        key: PartySeen(seen.first_seen.date(), seen.bills_of_lading, frozenset(partners.get(key, ())))
        for key, seen in history.consignees.items()
    }
    shippers = {
        key: PartySeen(seen.first_seen.date(), seen.bills_of_lading) for key, seen in history.shippers.items()
    }
    return PastParties(consignees=consignees, shippers=shippers)


def customs_events(
    cases: Sequence[ContainerCase], result: SelectionResult, now: datetime
) -> list[EquipmentEvent]:
    """One DCSA customs event per decided container: selected for scan / inspection, or released."""
    by_number = {c.container_number: c for c in cases}
    stamp = now.strftime("%Y%m%dT%H%M%S")
    events = []
    for decision in result.decisions:
        case = by_number[decision.container_number]
        event_type = equipment_event_type(decision.channel)
        events.append(
            EquipmentEvent(
                event_id=f"CUSTOMS-{event_type.value}-{case.container_number}-{case.imo_number}-{case.voyage_number}-{stamp}",
                source=EventSource.CUSTOMS,
                event_type=event_type,
                event_time=now,
                container_number=case.container_number,
                size_type=case.equipment.size_type,
                full_empty=case.equipment.full_empty,
                un_locode="BEANR",
                transport_phase="IMPORT",
                seals=case.equipment.seals,
                reference=f"{case.imo_number}/{case.voyage_number}",
            )
        )
    return events


def write_customs_outbox(report: TargetingReport, folder: Path, day: date) -> Path:
    """The run's customs events as DCSA Track & Trace 3.0 JSON, for the terminal operating systems."""
    from cargoscreen.ingest.dcsa import equipment_event_to_dcsa

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"customs-events-{day}-run{report.run_id}.json"
    partial = path.with_suffix(".json.part")
    events = [equipment_event_to_dcsa(event) for event in report.events]
    partial.write_text(json.dumps({"events": events}, ensure_ascii=False) + "\n", encoding="utf-8")
    partial.replace(path)
    return path
