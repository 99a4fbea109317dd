"""Today's lanes in memory, changed one container at a time when a sensor signal re-scores it.

:class:`LaneBoard` holds the lane of every container of today's selection run, the capacity, and for each
lane the containers that were selected *by score* (only they may be displaced: forced, tipped and
exploration picks stay). When a container's score or forced lane changes (:meth:`LaneBoard.update`):

1. a forced lane stronger than its lane is taken at once; a full lane gives up its lowest-scored member
   (back to GREEN), and when nobody can give way the container is selected anyway (over capacity);
2. a GREEN container goes to PHYSICAL when its score reaches ``physical_min_score`` and beats the lowest
   PHYSICAL member (or a place is free), else to SCAN when it beats the lowest SCAN member (or a place is
   free), that member going back to GREEN;
3. a container already selected by score keeps its place with its new score (it is harder to displace).

The rules are those of the daily selection (``risk.selection``) applied to one container.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cargoscreen.domain.targeting import Channel, DailyCapacity, ReasonKind, SelectionDecision

_STRENGTH = {Channel.GREEN: 0, Channel.SCAN: 1, Channel.PHYSICAL: 2}


@dataclass(frozen=True, slots=True)
class LaneChange:
    """One container moved from a lane to another, and why (plain words)."""

    container_number: str
    old: Channel
    new: Channel
    why: str
    over_capacity: bool = False


class LaneBoard:
    """The lanes of one day's selection (see the module text)."""

    def __init__(
        self, capacity: DailyCapacity, decisions: Iterable[SelectionDecision], physical_min_score: float = 0.5
    ) -> None:
        self.capacity = capacity
        self.physical_min_score = physical_min_score
        self.lanes: dict[str, Channel] = {}
        self.movable: dict[Channel, dict[str, float]] = {Channel.SCAN: {}, Channel.PHYSICAL: {}}
        for decision in decisions:
            self.lanes[decision.container_number] = decision.channel
            score = _by_score(decision)
            if decision.channel is not Channel.GREEN and score is not None:
                self.movable[decision.channel][decision.container_number] = score

    def used(self, lane: Channel) -> int:
        return sum(1 for chosen in self.lanes.values() if chosen is lane)

    def limit(self, lane: Channel) -> int:
        return self.capacity.physical if lane is Channel.PHYSICAL else self.capacity.scan

    def update(self, container_number: str, score: float, forced: Channel | None) -> list[LaneChange]:
        """The lane changes a new score (and forced lane) of one container makes; applied to the board."""
        current = self.lanes.get(container_number)
        if current is None:
            return []  # not on today's run: its next daily selection will place it
        if forced is not None and _STRENGTH[forced] > _STRENGTH[current]:
            return self._force(container_number, current, forced)
        if current is Channel.GREEN:
            for lane in (Channel.PHYSICAL, Channel.SCAN):
                if lane is Channel.PHYSICAL and score < self.physical_min_score:
                    continue
                changes = self._compete(container_number, lane, score)
                if changes:
                    return changes
        elif container_number in self.movable[current]:
            self.movable[current][container_number] = max(score, self.movable[current][container_number])
        return []

    def _force(self, number: str, current: Channel, lane: Channel) -> list[LaneChange]:
        changes = []
        over = False
        if self.used(lane) >= self.limit(lane):
            lowest = self._lowest(lane)
            if lowest is None:
                over = True
            else:
                changes.append(
                    self._release(lowest, lane, f"gave its {lane.value} place to {number} (forced)")
                )
        self._leave(number, current)
        self.lanes[number] = lane
        why = f"forced to {lane.value} by a sensor signal" + (" beyond today's capacity" if over else "")
        return [LaneChange(number, current, lane, why, over), *changes]

    def _compete(self, number: str, lane: Channel, score: float) -> list[LaneChange]:
        changes = []
        if self.used(lane) >= self.limit(lane):
            lowest = self._lowest(lane)
            if lowest is None or self.movable[lane][lowest] >= score:
                return []
            low_score = self.movable[lane][lowest]
            why = f"displaced from {lane.value} by {number} (score {score:.2f} > {low_score:.2f})"
            changes.append(self._release(lowest, lane, why))
            text = (
                f"re-scored {score:.2f} by a sensor signal: beats {lowest} ({low_score:.2f}) for {lane.value}"
            )
        else:
            text = f"re-scored {score:.2f} by a sensor signal: a {lane.value} place was free"
        self.lanes[number] = lane
        self.movable[lane][number] = score
        return [LaneChange(number, Channel.GREEN, lane, text), *changes]

    def _lowest(self, lane: Channel) -> str | None:
        members = self.movable[lane]
        return min(members, key=lambda n: (members[n], n)) if members else None

    def _release(self, number: str, lane: Channel, why: str) -> LaneChange:
        self._leave(number, lane)
        self.lanes[number] = Channel.GREEN
        return LaneChange(number, lane, Channel.GREEN, why)

    def _leave(self, number: str, lane: Channel) -> None:
        if lane is not Channel.GREEN:
            self.movable[lane].pop(number, None)


def _by_score(decision: SelectionDecision) -> float | None:
    """The score of a decision made by rank (its capacity reason carries it), else ``None``."""
    if decision.exploration:
        return None
    for reason in decision.reasons:
        if reason.kind is ReasonKind.CAPACITY and reason.code in {"by-score", "sensor-retarget"}:
            return reason.weight
    return None
