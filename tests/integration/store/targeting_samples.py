"""Synthetic targeting records for the store tests: assessments, decisions, tips, watch lists, outcomes."""

from __future__ import annotations

from datetime import datetime, timedelta

from store_samples import T0, container

from cargoscreen.domain.outcomes import InspectionOutcome, OutcomeResult
from cargoscreen.domain.targeting import (
    Channel,
    ExplorationKind,
    ListKind,
    Reason,
    ReasonKind,
    Reliability,
    RiskAssessment,
    SelectionDecision,
    Tip,
    TipTarget,
    WatchListEntry,
)

IMO = "9321483"


def reasons(code: str = "R1") -> tuple[Reason, ...]:
    """A rule reason with details and a model reason (synthetic)."""
    return (
        Reason(
            kind=ReasonKind.RULE,
            code=code,
            text="Banana reefer from a risky hub (synthetic)",
            weight=0.25,
            details={"origin.country": "EC", "hub": "PAMIT"},
        ),
        Reason(kind=ReasonKind.MODEL, code="consignee.age_days", text="new consignee", weight=0.125),
    )


def assessment(
    number: str,
    score: float,
    *,
    at: datetime = T0,
    voyage: str = "001E",
    forced: Channel | None = None,
    code: str = "R1",
) -> RiskAssessment:
    return RiskAssessment(
        container_number=number,
        imo_number=IMO,
        voyage_number=voyage,
        score=score,
        model_probability=score / 2,
        model_variance=0.01,
        reasons=reasons(code),
        forced_channel=forced,
        assessed_at=at,
        model_version="container-2026-03",
    )


def decision(
    number: str, rank: int, channel: Channel = Channel.GREEN, *, explore: ExplorationKind | None = None
) -> SelectionDecision:
    extra = () if explore is None else (Reason(kind=ReasonKind.EXPLORATION, code=explore, text="explored"),)
    return SelectionDecision(
        container_number=number,
        channel=channel,
        reasons=reasons() + extra,
        exploration=explore is not None,
        exploration_kind=explore,
        rank=rank,
    )


def tip(tip_id: str, *, start: datetime = T0, days: int = 3, value: str = "mscu 123456-6") -> Tip:
    return Tip(
        tip_id=tip_id,
        target_kind=TipTarget.CONTAINER,
        target_value=value,
        source_agency="Synthetic Maritime Analysis Centre",
        reliability=Reliability.B,
        valid_from=start,
        expires_at=start + timedelta(days=days),
        channel=Channel.SCAN,
        note="synthetic",
    )


def entry(kind: ListKind, value: str, until: str | None = None) -> WatchListEntry:
    return WatchListEntry(
        list_kind=kind,
        value=value,
        reason="synthetic intelligence",
        added_by="analyst-1",
        valid_until=None if until is None else datetime.fromisoformat(until).date(),
    )


def outcome(number: str, *, minutes: int = 0, seizure: bool = False) -> InspectionOutcome:
    return InspectionOutcome(
        container_number=number,
        imo_number=IMO,
        voyage_number="001E",
        channel=Channel.PHYSICAL,
        result=OutcomeResult.SEIZURE if seizure else OutcomeResult.CLEAN,
        substance="cocaine" if seizure else "",
        seized_kg=42.5 if seizure else 0.0,
        location="door end" if seizure else "",
        note="synthetic",
        recorded_by="officer-7",
        recorded_at=T0 + timedelta(minutes=minutes),
    )


BOXES = tuple(container(owner, serial) for owner, serial in (("MSCU", 1), ("TGHU", 2), ("CMAU", 3)))
