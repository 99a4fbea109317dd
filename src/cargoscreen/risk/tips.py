"""Tips from partner agencies: which cases a valid tip names, the lane it forces, and the uses to log.

A tip names a container (ISO 6346), a bill of lading, a vessel (IMO: every container of that call) or a party
(matched fuzzily like the watch lists). It counts from ``valid_from`` until ``expires_at`` (excluded), judged
at the assessment time. A matched tip forces its channel (PHYSICAL unless the tip says SCAN); each use comes
back as a :class:`~cargoscreen.domain.targeting.TipUse` for the caller to log.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from cargoscreen.domain.targeting import Channel, ReasonKind, RiskAssessment, Tip, TipTarget, TipUse
from cargoscreen.risk.case import ContainerCase
from cargoscreen.risk.normalise import normalise_bill
from cargoscreen.risk.watchlists import DEFAULT_THRESHOLD, PARTY_ROLES, PartyMatcher, Scorer


@dataclass(frozen=True, slots=True)
class TipMatch:
    """A tip that names this case: on which fact, with what value, how similar (100 unless a party name)."""

    tip: Tip
    matched_on: str
    value: str
    similarity: float = 100.0


def valid_tips(tips: Iterable[Tip], at: datetime) -> list[Tip]:
    """The tips in force at ``at``."""
    return [tip for tip in tips if tip.valid_at(at)]


def match_tips(
    cases: Sequence[ContainerCase],
    tips: Iterable[Tip],
    *,
    at: datetime,
    threshold: float = DEFAULT_THRESHOLD,
    scorer: Scorer = "token_sort",
) -> list[list[TipMatch]]:
    """For each case, the tips valid at ``at`` that name it."""
    active = valid_tips(tips, at)
    found: list[list[TipMatch]] = [[] for _ in cases]
    exact = [t for t in active if t.target_kind is not TipTarget.PARTY]
    if exact:
        for case, matches in zip(cases, found, strict=True):
            matches.extend(_exact(case, exact))
    parties = [t for t in active if t.target_kind is TipTarget.PARTY]
    if parties:
        _match_parties(
            cases,
            parties,
            found,
            PartyMatcher([t.target_value for t in parties], threshold=threshold, scorer=scorer),
        )
    return found


def _exact(case: ContainerCase, tips: list[Tip]) -> list[TipMatch]:
    bills = {normalise_bill(c.bill_of_lading): c.bill_of_lading for c in case.consignments}
    matches = []
    for tip in tips:
        if tip.target_kind is TipTarget.CONTAINER and tip.target_value == case.container_number:
            matches.append(TipMatch(tip, "container", case.container_number))
        elif tip.target_kind is TipTarget.VESSEL and tip.target_value == case.imo_number:
            matches.append(TipMatch(tip, "vessel", case.imo_number))
        elif tip.target_kind is TipTarget.BILL_OF_LADING and tip.target_value in bills:
            matches.append(TipMatch(tip, "bill of lading", bills[tip.target_value]))
    return matches


def _match_parties(
    cases: Sequence[ContainerCase], tips: list[Tip], found: list[list[TipMatch]], matcher: PartyMatcher
) -> None:
    queries = [
        (i, role, p.name) for i, c in enumerate(cases) for attr, role in PARTY_ROLES for p in c.parties(attr)
    ]
    for (i, role, name), matches in zip(queries, matcher.match([q[2] for q in queries]), strict=True):
        for index, similarity in matches:
            if all(m.tip.tip_id != tips[index].tip_id for m in found[i]):
                found[i].append(TipMatch(tips[index], role, name, similarity))


def forced_channel(matches: Iterable[TipMatch]) -> Channel | None:
    """PHYSICAL if any matched tip asks for it, else SCAN if any tip matched, else None."""
    channels = {m.tip.channel for m in matches}
    if Channel.PHYSICAL in channels:
        return Channel.PHYSICAL
    return Channel.SCAN if channels else None


def tip_uses(assessments: Iterable[RiskAssessment]) -> list[TipUse]:
    """One use per tip reason of each assessment, timed at the assessment (to be logged by the caller)."""
    return [
        TipUse(tip_id=reason.code, container_number=a.container_number, used_at=a.assessed_at)
        for a in assessments
        for reason in a.reasons
        if reason.kind is ReasonKind.TIP
    ]
