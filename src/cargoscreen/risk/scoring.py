"""Risk assessment: rules, watch lists, tips and the model combined into one score with reasons.

The score is a noisy-or: each signal is read as an independent chance that the container is worth a look,
so ``score = 1 - (1 - p_model) * prod_i (1 - w_i)`` over the weights ``w_i`` of the matched weight rules and
watch-list hits (a hit weighs its list kind's weight times the similarity) and the model probability
``p_model`` (left out when no model score is given). The score stays in [0, 1], grows with every extra
signal, and two 0.3 rules give 0.51, not 0.6. Forced lanes (channel rules, tips) do not change the score:
``forced_channel`` carries them, PHYSICAL winning over SCAN.

Reasons come in this order: tips, forced rules, weight rules (heaviest first), watch-list hits, model.
Rules are evaluated column-wise with numpy over all cases; party names are matched in one rapidfuzz call.
Assessments and reasons are built from values already validated (domain records, checked rules) without
re-validation: at 33 000 containers a day, pydantic re-checking every IMO number costs more than the rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from cargoscreen.domain.targeting import Channel, Reason, RiskAssessment, Tip
from cargoscreen.risk.case import ContainerCase, FieldValue
from cargoscreen.risk.explain import model_reasons, rule_reason, tip_reason, watchlist_reason
from cargoscreen.risk.gcpause import cyclic_gc_paused
from cargoscreen.risk.rules import RuleHits, RuleSet
from cargoscreen.risk.tips import TipMatch, forced_channel, match_tips
from cargoscreen.risk.watchlists import DEFAULT_THRESHOLD, WatchList, WatchListHit

_FLOOR = 1e-12  # a weight of 1 keeps log(1 - w) finite: the score is then 1 to machine precision


def assess(
    cases: Sequence[ContainerCase],
    *,
    rules: RuleSet,
    watchlists: WatchList | None = None,
    tips: Sequence[Tip] = (),
    model_scores: Mapping[str, float] | None = None,
    model_explanations: Mapping[str, list[tuple[str, float]]] | None = None,
    now: datetime,
    model_version: str | None = None,
    model_variances: Mapping[str, float] | None = None,
) -> list[RiskAssessment]:
    """One assessment per case at ``now`` (rules and watch-list entries by day, tips by the moment)."""
    if now.tzinfo is None:
        raise ValueError("now must carry a UTC offset")
    if any(v < 0 for v in (model_variances or {}).values()):
        raise ValueError("model variances cannot be negative")
    with cyclic_gc_paused():
        day = now.date()
        hits = rules.evaluate(cases, on=day)
        listed = watchlists.match_cases(cases, on=day) if watchlists else [[] for _ in cases]
        threshold = watchlists.threshold if watchlists else DEFAULT_THRESHOLD
        tipped = match_tips(cases, tips, at=now, threshold=threshold)
        probability = _probabilities(cases, model_scores)
        keep = _rule_keep(hits) + _list_keep(listed, watchlists)
        combined = np.clip(1.0 - np.exp(keep) * (1.0 - np.nan_to_num(probability, nan=0.0)), 0.0, 1.0)
        explanations = model_explanations or {}
        lanes, rule_reasons = _rule_lanes(hits), _RuleReasons(hits)
        context = _Context(listed, tipped, watchlists, explanations, model_version, lanes, rule_reasons)
        variances = model_variances or {}
        return [
            _assessment(
                case,
                i,
                float(combined[i]),
                probability[i],
                variances.get(case.container_number),
                now,
                context,
            )
            for i, case in enumerate(cases)
        ]


def _probabilities(
    cases: Sequence[ContainerCase], model_scores: Mapping[str, float] | None
) -> np.ndarray[Any, np.dtype[np.float64]]:
    scores = model_scores or {}
    probability = np.array([scores.get(c.container_number, np.nan) for c in cases], dtype=np.float64)
    if np.any((probability < 0.0) | (probability > 1.0)):
        raise ValueError("model scores must be probabilities between 0 and 1")
    return probability


@dataclass(frozen=True)
class _Context:
    """What every case's assessment reads besides its own row."""

    listed: list[list[WatchListHit]]
    tipped: list[list[TipMatch]]
    watchlists: WatchList | None
    explanations: Mapping[str, list[tuple[str, float]]]
    model_version: str | None
    lanes: list[Channel | None]
    rule_reasons: _RuleReasons


def _assessment(
    case: ContainerCase,
    i: int,
    score: float,
    probability: float,
    variance: float | None,
    now: datetime,
    context: _Context,
) -> RiskAssessment:
    p = None if np.isnan(probability) else float(probability)
    tipped = context.tipped[i]
    reasons = [tip_reason(m) for m in tipped] + context.rule_reasons(i)
    reasons += _list_reasons(context.listed[i], context.watchlists)
    if p is not None:
        explanation = context.explanations.get(case.container_number)
        reasons += model_reasons(p, explanation, version=context.model_version)
    return RiskAssessment.model_construct(
        container_number=case.container_number,
        imo_number=case.imo_number,
        voyage_number=case.voyage_number,
        score=score,
        model_probability=p,
        model_variance=variance,
        reasons=tuple(reasons),
        forced_channel=_stronger(context.lanes[i], forced_channel(tipped)),
        assessed_at=now,
        model_version=context.model_version if p is not None else None,
    )


def _rule_keep(hits: RuleHits) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Sum over matched weight rules of log(1 - w): one matrix product for all cases."""
    logs = np.log(np.clip(1.0 - np.asarray(hits.weights, dtype=np.float64), _FLOOR, 1.0))
    keep: np.ndarray[Any, np.dtype[np.float64]] = hits.matched.astype(np.float64) @ logs
    return keep if len(hits.rules) else np.zeros(hits.matched.shape[0])


def _list_keep(
    listed: list[list[WatchListHit]], watchlists: WatchList | None
) -> np.ndarray[Any, np.dtype[np.float64]]:
    keep = np.zeros(len(listed))
    if watchlists is None:
        return keep
    for i, found in enumerate(listed):
        for hit in _strongest(found):
            keep[i] += np.log(max(1.0 - watchlists.weight(hit), _FLOOR))
    return keep


def _strongest(found: list[WatchListHit]) -> list[WatchListHit]:
    """One hit per watch-list entry (the most similar): a party named twice on a case counts once."""
    best: dict[tuple[str, str], WatchListHit] = {}
    for hit in found:
        key = (hit.entry.list_kind.value, hit.entry.value)
        if key not in best or hit.similarity > best[key].similarity:
            best[key] = hit
    return list(best.values())


def _rule_lanes(hits: RuleHits) -> list[Channel | None]:
    physical = [j for j, rule in enumerate(hits.rules) if rule.channel is Channel.PHYSICAL]
    scan = [j for j, rule in enumerate(hits.rules) if rule.channel is Channel.SCAN]
    is_physical: list[bool] = np.any(hits.matched[:, physical], axis=1).tolist()
    is_scan: list[bool] = np.any(hits.matched[:, scan], axis=1).tolist()
    return [
        Channel.PHYSICAL if p else Channel.SCAN if s else None
        for p, s in zip(is_physical, is_scan, strict=True)
    ]


def _stronger(a: Channel | None, b: Channel | None) -> Channel | None:
    if Channel.PHYSICAL in (a, b):
        return Channel.PHYSICAL
    return a or b


class _RuleReasons:
    """Each case's rule reasons: forced rules first, then by weight. A reason is built once per distinct
    (rule, facts read) and shared between cases (reasons are immutable)."""

    def __init__(self, hits: RuleHits) -> None:
        self.hits = hits
        self.order = sorted(
            range(len(hits.rules)), key=lambda j: (hits.rules[j].channel is None, -hits.weights[j])
        )
        self.matched = hits.matched[:, self.order]
        self.built: dict[tuple[int, tuple[FieldValue, ...]], Reason] = {}

    def __call__(self, i: int) -> list[Reason]:
        reasons = []
        for k in np.flatnonzero(self.matched[i]).tolist():
            j = self.order[k]
            names = self.hits.fields[j]
            facts = tuple(self.hits.columns.raw(name)[i] for name in names)
            reason = self.built.get((j, facts))
            if reason is None:
                reason = rule_reason(self.hits.rules[j], dict(zip(names, facts, strict=True)))
                self.built[(j, facts)] = reason
            reasons.append(reason)
        return reasons


def _list_reasons(listed: list[WatchListHit], watchlists: WatchList | None) -> list[Reason]:
    if watchlists is None:
        return []
    strongest = sorted(_strongest(listed), key=lambda h: -watchlists.weight(h))
    return [watchlist_reason(hit, watchlists.weight(hit)) for hit in strongest]
