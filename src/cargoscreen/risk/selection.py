"""Selection under today's capacity: forced lanes first, then by score, with a share spent on exploration.

1. Forced containers (tips, channel rules) fill their lane first, tips before rules, riskier first. When they
   exceed the lane's capacity they are still selected, and listed in ``overflow`` with a capacity reason.
2. Of each lane's remaining capacity, ``exploration_share`` is kept for exploration; the rest goes by score
   (rank 1 = highest score, ties by container number): the riskiest to PHYSICAL as long as their score is at
   least ``physical_min_score`` (opening a box costs hours), the next ones to SCAN. Only scores above
   ``min_score`` are selected this way.
3. The exploration budget of each lane is split: ``uncertainty_share`` of it to the containers the targeting
   is least sure of (highest model variance if given, else model probability nearest 0.5, else score nearest
   the day's cut), the rest to containers drawn at random from everything not yet selected. Without
   exploration only what the model already likes is ever inspected and its labels drift (Kim et al.).
4. Everything else is GREEN. The same assessments and ``seed`` give the same decisions, in any input order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from cargoscreen.domain.events import EquipmentEventType
from cargoscreen.domain.targeting import (
    Channel,
    DailyCapacity,
    ExplorationKind,
    Reason,
    ReasonKind,
    RiskAssessment,
    SelectionDecision,
    SelectionResult,
)
from cargoscreen.risk.gcpause import cyclic_gc_paused

LANES = (Channel.PHYSICAL, Channel.SCAN)
_EVENTS = {
    Channel.GREEN: EquipmentEventType.CUSTOMS_RELEASED,
    Channel.SCAN: EquipmentEventType.CUSTOMS_SELECTED_FOR_SCAN,
    Channel.PHYSICAL: EquipmentEventType.CUSTOMS_SELECTED_FOR_INSPECTION,
}


def equipment_event_type(channel: Channel) -> EquipmentEventType:
    """The DCSA equipment event that tells the terminal a lane: CUSTOMS_RELEASED / _SELECTED_FOR_SCAN / ..."""
    return _EVENTS[channel]


@dataclass
class _Day:
    """The selection being built: assessments by rank, lane picks and the reasons added on the way."""

    ranked: list[RiskAssessment]
    capacity: DailyCapacity
    lanes: dict[int, Channel] = field(default_factory=dict)
    extra: dict[int, Reason] = field(default_factory=dict)
    explored: dict[int, ExplorationKind] = field(default_factory=dict)
    overflow: list[int] = field(default_factory=list)

    def limit(self, lane: Channel) -> int:
        return self.capacity.physical if lane is Channel.PHYSICAL else self.capacity.scan

    def used(self, lane: Channel) -> int:
        return sum(1 for chosen in self.lanes.values() if chosen is lane)

    def free(self) -> list[int]:
        return [i for i in range(len(self.ranked)) if i not in self.lanes]


def select(
    assessments: Sequence[RiskAssessment],
    *,
    capacity: DailyCapacity,
    exploration_share: float = 0.1,
    uncertainty_share: float = 0.5,
    seed: int = 0,
    min_score: float = 0.0,
    physical_min_score: float = 0.5,
) -> SelectionResult:
    """Decide every container's lane for the day (see the module text for the order of filling)."""
    if not (0.0 <= exploration_share <= 1.0 and 0.0 <= uncertainty_share <= 1.0):
        raise ValueError("exploration_share and uncertainty_share are fractions between 0 and 1")
    with cyclic_gc_paused():
        day = _Day(sorted(assessments, key=lambda a: (-a.score, a.container_number)), capacity)
        for lane in LANES:
            _fill_forced(day, lane)
        budget = {lane: max(0, day.limit(lane) - day.used(lane)) for lane in LANES}
        explore = {lane: int(exploration_share * budget[lane] + 0.5) for lane in LANES}
        slots = {lane: budget[lane] - explore[lane] for lane in LANES}
        cut = _exploit(day, slots, min_score, physical_min_score)
        rng = np.random.default_rng(seed)
        for lane in LANES:
            uncertain = int(uncertainty_share * explore[lane] + 0.5)
            _explore_uncertain(day, lane, uncertain, cut)
            _explore_random(day, lane, explore[lane] - uncertain, rng)
        return _result(day, min_score)


def _fill_forced(day: _Day, lane: Channel) -> None:
    forced = [i for i, a in enumerate(day.ranked) if a.forced_channel is lane]
    forced.sort(key=lambda i: (not any(r.kind is ReasonKind.TIP for r in day.ranked[i].reasons), i))
    limit = day.limit(lane)
    for k, i in enumerate(forced):
        day.lanes[i] = lane
        if k >= limit:
            day.overflow.append(i)
            text = f"forced to {lane.value} beyond today's {lane.value} capacity of {limit}: selected anyway"
            day.extra[i] = _reason(kind=ReasonKind.CAPACITY, code="forced-over-capacity", text=text)


def _exploit(
    day: _Day, slots: dict[Channel, int], min_score: float, physical_min_score: float
) -> float | None:
    """Fill PHYSICAL by rank with scores of at least ``physical_min_score``, then SCAN by rank; returns the
    lowest score selected this way (the day's cut), if any."""
    free = [i for i in day.free() if day.ranked[i].score > min_score]
    physical = [i for i in free if day.ranked[i].score >= physical_min_score][: slots[Channel.PHYSICAL]]
    taken = set(physical)
    scan = [i for i in free if i not in taken][: slots[Channel.SCAN]]
    for lane, picks in ((Channel.PHYSICAL, physical), (Channel.SCAN, scan)):
        for i in picks:
            day.lanes[i] = lane
            score = day.ranked[i].score
            text = f"rank {i + 1} by score ({score:.2f}): within today's {lane.value} capacity"
            day.extra[i] = _reason(kind=ReasonKind.CAPACITY, code="by-score", text=text, weight=score)
    return min((day.ranked[i].score for i in physical + scan), default=None)


def _uncertainty(assessment: RiskAssessment, cut: float | None, how: str) -> float:
    if how == "variance":
        return -(assessment.model_variance or 0.0)
    if how == "probability":
        p = assessment.model_probability
        return abs(p - 0.5) if p is not None else 1.0
    return abs(assessment.score - (cut if cut is not None else 0.5))


def _explore_uncertain(day: _Day, lane: Channel, count: int, cut: float | None) -> None:
    free = day.free()
    if count <= 0 or not free:
        return
    candidates = [day.ranked[i] for i in free]
    how = "variance" if any(a.model_variance for a in candidates) else "score"
    if how == "score" and any(a.model_probability is not None for a in candidates):
        how = "probability"
    for i in sorted(free, key=lambda i: (_uncertainty(day.ranked[i], cut, how), i))[:count]:
        a = day.ranked[i]
        measure = {
            "variance": f"model variance {a.model_variance or 0.0:.3f} is among the highest",
            "probability": f"model probability {a.model_probability or 0.0:.2f} is close to 0.5",
            "score": f"score {a.score:.2f} is close to today's cut ({cut if cut is not None else 0.5:.2f})",
        }[how]
        _explored(
            day, i, lane, ExplorationKind.UNCERTAINTY, f"uncertainty exploration for {lane.value}: {measure}"
        )


def _explore_random(day: _Day, lane: Channel, count: int, rng: np.random.Generator) -> None:
    free = sorted(day.free(), key=lambda i: day.ranked[i].container_number)
    count = min(count, len(free))
    if count <= 0:
        return
    for pick in sorted(rng.choice(len(free), size=count, replace=False).tolist()):
        i = free[pick]
        text = f"random exploration for {lane.value}: drawn at random so the targeting learns beyond what it picks"
        _explored(day, i, lane, ExplorationKind.RANDOM, text)


def _explored(day: _Day, i: int, lane: Channel, kind: ExplorationKind, text: str) -> None:
    day.lanes[i] = lane
    day.explored[i] = kind
    day.extra[i] = _reason(kind=ReasonKind.EXPLORATION, code=kind.value, text=text)


def _reason(*, kind: ReasonKind, code: str, text: str, weight: float = 0.0) -> Reason:
    return Reason.model_construct(kind=kind, code=code, text=text, weight=weight, details={})


def _result(day: _Day, min_score: float) -> SelectionResult:
    """Decisions built without re-validation: their values come from validated assessments and this module
    (at 33 000 containers, re-checking each container number took most of the selection time)."""
    decisions = []
    for i, assessment in enumerate(day.ranked):
        lane = day.lanes.get(i, Channel.GREEN)
        extra = day.extra.get(i)
        if extra is None and lane is Channel.GREEN and assessment.score > min_score:
            text = f"rank {i + 1} by score ({assessment.score:.2f}): today's capacity went to higher-ranked containers"
            extra = _reason(kind=ReasonKind.CAPACITY, code="capacity-full", text=text)
        decisions.append(
            SelectionDecision.model_construct(
                container_number=assessment.container_number,
                channel=lane,
                reasons=assessment.reasons + ((extra,) if extra else ()),
                exploration=i in day.explored,
                exploration_kind=day.explored.get(i),
                rank=i + 1,
            )
        )
    return SelectionResult(
        decisions=tuple(decisions),
        capacity=day.capacity,
        used={lane: day.used(lane) for lane in LANES},
        overflow=tuple(decisions[i] for i in day.overflow),
    )
