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
from datetime import datetime
from typing import Any

import numpy as np

from cargoscreen.domain.targeting import Channel, Reason, RiskAssessment, Tip
from cargoscreen.risk.case import ContainerCase
from cargoscreen.risk.explain import model_reasons, rule_reason, tip_reason, watchlist_reason
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
    day = now.date()
    hits = rules.evaluate(cases, on=day)
    listed = watchlists.match_cases(cases, on=day) if watchlists else [[] for _ in cases]
    threshold = watchlists.threshold if watchlists else DEFAULT_THRESHOLD
    tipped = match_tips(cases, tips, at=now, threshold=threshold)
    keep = _rule_keep(hits) + _list_keep(listed, watchlists)
    scores = model_scores or {}
    probability = np.array([scores.get(c.container_number, np.nan) for c in cases], dtype=np.float64)
    combined = 1.0 - np.exp(keep) * (1.0 - np.nan_to_num(probability, nan=0.0))
    forced = _rule_lanes(hits)
    results = []
    for i, case in enumerate(cases):
        p = None if np.isnan(probability[i]) else float(probability[i])
        reasons = _reasons(hits, i, listed[i], tipped[i], watchlists)
        if p is not None:
            explanation = (model_explanations or {}).get(case.container_number)
            reasons += model_reasons(p, explanation, version=model_version)
        results.append(
            RiskAssessment.model_construct(
                container_number=case.container_number,
                imo_number=case.imo_number,
                voyage_number=case.voyage_number,
                score=float(np.clip(combined[i], 0.0, 1.0)),
                model_probability=p,
                model_variance=(model_variances or {}).get(case.container_number),
                reasons=tuple(reasons),
                forced_channel=_stronger(forced[i], forced_channel(tipped[i])),
                assessed_at=now,
                model_version=model_version if p is not None else None,
            )
        )
    return results


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


def _reasons(
    hits: RuleHits,
    i: int,
    listed: list[WatchListHit],
    tipped: list[TipMatch],
    watchlists: WatchList | None,
) -> list[Reason]:
    reasons = [tip_reason(match) for match in tipped]
    matched = np.flatnonzero(hits.matched[i]).tolist()
    forced = [j for j in matched if hits.rules[j].channel is not None]
    weighted = sorted(
        (j for j in matched if hits.rules[j].weight is not None), key=lambda j: -(hits.weights[j])
    )
    for j in forced + weighted:
        facts = {name: hits.columns.raw(name)[i] for name in hits.fields[j]}
        reasons.append(rule_reason(hits.rules[j], facts))
    if watchlists is not None:
        strongest = sorted(_strongest(listed), key=lambda h: -watchlists.weight(h))
        reasons += [watchlist_reason(hit, watchlists.weight(hit)) for hit in strongest]
    return reasons
