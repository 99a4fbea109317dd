"""One planning horizon in whole minutes: the candidates, the scanners' free time, and turning an assignment
back into a :class:`Plan`.

Minute 0 is the horizon start. A box is ready at the first whole minute at or after its discharge and due at
the last whole minute at or before its deadline. Each scanner's *blocked* time — outside its shifts, its
downtime, and slots that had begun before the horizon opened — is kept as sorted, merged intervals.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cargoscreen.planning.errors import MandatoryNotPlanned
from cargoscreen.planning.metrics import evaluate
from cargoscreen.planning.models import (
    Downtime,
    Plan,
    PlanItem,
    Scanner,
    Slot,
    Unplanned,
    UnplannedReason,
)
from cargoscreen.planning.objective import Weights

Interval = tuple[int, int]
#: item index → (scanner index, start minute)
Assignment = dict[int, tuple[int, int]]


@dataclass
class Window:
    """A horizon ready for the planners (indices refer to ``items`` and ``scanners``)."""

    start: datetime
    length: int
    weights: Weights
    scanners: list[Scanner]
    cycle: list[int]
    blocked: list[list[Interval]]
    items: list[PlanItem] = field(default_factory=list)
    ready: list[int] = field(default_factory=list)
    due: list[int] = field(default_factory=list)
    reward: list[int] = field(default_factory=list)
    wait_cost: list[int] = field(default_factory=list)
    eligible: list[list[int]] = field(default_factory=list)
    fixed: list[Slot] = field(default_factory=list)
    left_out: list[tuple[PlanItem, Unplanned]] = field(default_factory=list)

    def at(self, minute: int) -> datetime:
        """The time of a minute of the horizon."""
        return self.start + timedelta(minutes=minute)


def next_fit(blocked: Sequence[Interval], earliest: int, duration: int) -> int:
    """The first start ≥ ``earliest`` such that ``[start, start + duration)`` misses every blocked interval."""
    start = earliest
    k = bisect.bisect_right(blocked, (start, math.inf)) - 1
    for block_start, block_end in blocked[max(k, 0) :]:
        if block_end <= start:
            continue
        if start + duration <= block_start:
            return start
        start = block_end
    return start


def _minutes_after(moment: datetime, origin: datetime, *, up: bool) -> int:
    seconds = (moment - origin).total_seconds() / 60.0
    return math.ceil(seconds) if up else math.floor(seconds)


def _merged(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for lo, hi in sorted(intervals):
        if hi <= lo:
            continue
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _blocked(
    scanner: Scanner, start: datetime, length: int, downtime: Sequence[Downtime], fixed: Sequence[Slot]
) -> list[Interval]:
    """Minutes of ``[0, length)`` the scanner cannot start new work in."""
    crewed = _merged(
        (max(0, _minutes_after(s.start, start, up=True)), min(length, _minutes_after(s.end, start, up=False)))
        for s in scanner.shifts
    )
    off: list[Interval] = []
    cursor = 0
    for lo, hi in crewed:
        if lo > cursor:
            off.append((cursor, lo))
        cursor = max(cursor, hi)
    if cursor < length:
        off.append((cursor, length))
    for down in downtime:
        if down.scanner_id == scanner.scanner_id:
            off.append(
                (_minutes_after(down.start, start, up=False), _minutes_after(down.end, start, up=True))
            )
    for slot in fixed:
        if slot.scanner_id == scanner.scanner_id:
            off.append(
                (_minutes_after(slot.start, start, up=False), _minutes_after(slot.end, start, up=True))
            )
    return _merged((max(0, lo), min(length, hi)) for lo, hi in off)


def build_window(
    items: Iterable[PlanItem],
    scanners: Sequence[Scanner],
    *,
    start: datetime,
    horizon: timedelta,
    weights: Weights,
    fixed: Sequence[Slot] = (),
    downtime: Sequence[Downtime] = (),
) -> Window:
    """Candidates and scanner time of the horizon ``[start, start + horizon)``.

    Boxes discharged after the horizon, with no available scanner at their terminal, or (unless mandatory)
    whose deadline falls before one scan cycle could end, are left out with their reason.
    """
    if start.tzinfo is None:
        raise ValueError("start must carry a UTC offset")
    length = int(horizon.total_seconds() // 60)
    if length <= 0:
        raise ValueError("the horizon must be at least one minute long")
    usable = [s for s in scanners if s.available]
    window = Window(
        start=start,
        length=length,
        weights=weights,
        scanners=usable,
        cycle=[s.cycle_minutes for s in usable],
        blocked=[_blocked(s, start, length, downtime, fixed) for s in usable],
        fixed=[s.model_copy(update={"fixed": True}) for s in fixed],
    )
    at_terminal: dict[str, list[int]] = {}
    for index, scanner in enumerate(usable):
        at_terminal.setdefault(scanner.terminal, []).append(index)
    begun = {s.container_number for s in fixed}
    for item in sorted(items, key=lambda i: i.container_number):
        if item.container_number not in begun:
            _add(window, item, at_terminal.get(item.terminal, []))
    return window


def _add(window: Window, item: PlanItem, eligible: list[int]) -> None:
    ready = max(0, _minutes_after(item.discharge_at, window.start, up=True))
    due = _minutes_after(item.deadline_at, window.start, up=False)
    if not eligible:
        why = f"no available scanner at terminal {item.terminal}"
        window.left_out.append((item, _unplanned(item, UnplannedReason.NO_SCANNER, why)))
        return
    if ready >= window.length:
        why = f"discharged at {item.discharge_at.isoformat()}, after the horizon"
        window.left_out.append((item, _unplanned(item, UnplannedReason.NOT_READY, why)))
        return
    if not item.mandatory and due < ready + min(window.cycle[s] for s in eligible):
        why = f"deadline {item.deadline_at.isoformat()} leaves no time for a scan"
        window.left_out.append((item, _unplanned(item, UnplannedReason.DEADLINE, why)))
        return
    urgent = due < 2 * window.length
    waited = _minutes_after(window.start, item.discharge_at, up=False)
    window.items.append(item)
    window.ready.append(ready)
    window.due.append(due)
    window.reward.append(window.weights.reward(item, urgent=urgent, waited_minutes=waited))
    window.wait_cost.append(window.weights.wait_cost(item))
    window.eligible.append(eligible)


def _unplanned(item: PlanItem, reason: UnplannedReason, detail: str) -> Unplanned:
    return Unplanned.model_construct(container_number=item.container_number, reason=reason, detail=detail)


def objective(window: Window, assignment: Assignment) -> int:
    """The shared objective of an assignment (see :mod:`cargoscreen.planning.objective`)."""
    total = 0
    late_cost = window.weights.late_per_minute
    for i, (s, start) in assignment.items():
        total += window.reward[i] - window.wait_cost[i] * (start - window.ready[i])
        total -= late_cost * max(0, start + window.cycle[s] - window.due[i])
    return total


def to_plan(
    window: Window,
    assignment: Assignment,
    *,
    method: str,
    solve_seconds: float,
    status: str,
    require_mandatory: bool,
    warm_start_objective: int | None = None,
) -> Plan:
    """The plan of an assignment; with ``require_mandatory``, raises :class:`MandatoryNotPlanned` for a
    mandatory box left out whose deadline falls within the horizon or whose terminal has no scanner (one
    due later is deferred to the next horizon)."""
    slots = [
        Slot.model_construct(
            container_number=window.items[i].container_number,
            scanner_id=window.scanners[s].scanner_id,
            terminal=window.scanners[s].terminal,
            start=window.at(start),
            end=window.at(start + window.cycle[s]),
            fixed=False,
        )
        for i, (s, start) in sorted(assignment.items(), key=lambda kv: (kv[1][1], kv[1][0]))
    ]
    left = [(item, why) for item, why in window.left_out]
    failed: list[tuple[str, str]] = []
    for i, item in enumerate(window.items):
        if i in assignment:
            continue
        left.append((item, _left_reason(window, i)))
        if require_mandatory and item.mandatory and window.due[i] < window.length:
            failed.append((item.container_number, "no scanner time before its deadline in the horizon"))
    if require_mandatory:
        failed += [(item.container_number, why.detail) for item, why in window.left_out
                   if item.mandatory and why.reason is UnplannedReason.NO_SCANNER]  # fmt: skip
    if failed:
        raise MandatoryNotPlanned(failed)
    end = window.at(window.length)
    metrics = evaluate([item for item, _ in left] + _assigned(window, assignment), slots, until=end)
    return Plan(
        method=method,
        horizon_start=window.start,
        horizon_end=end,
        slots=tuple(window.fixed) + tuple(slots),
        unplanned=tuple(why for _, why in left),
        metrics=metrics,
        objective=objective(window, assignment),
        warm_start_objective=warm_start_objective,
        solve_seconds=solve_seconds,
        status=status,
    )


def _assigned(window: Window, assignment: Assignment) -> list[PlanItem]:
    return [window.items[i] for i in sorted(assignment)]


def _left_reason(window: Window, i: int) -> Unplanned:
    item = window.items[i]
    if window.due[i] < window.length:
        why = f"cannot be scanned before its deadline {item.deadline_at.isoformat()} in this horizon"
        return _unplanned(item, UnplannedReason.DEADLINE, why)
    return _unplanned(item, UnplannedReason.CAPACITY, "no scanner time left in the horizon: deferred")
