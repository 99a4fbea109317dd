"""List scheduling by a priority rule, terminal by terminal: the engine of the FIFO and greedy planners.

Whenever one of a terminal's scanners can start a scan (it is free, crewed and not down), it takes the
waiting box that comes first by the rule among those it can still finish before their deadline; a box that
can no longer make its deadline on any of the terminal's scanners is dropped. The scanners never wait
for a box that is not yet discharged while another one is ready (non-delay), so no scanner time is lost to
gaps between scans. Mandatory boxes may, when ``late_mandatory``, be scanned after their deadline.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from cargoscreen.planning.models import Downtime, Plan, PlanItem, Scanner, Slot
from cargoscreen.planning.objective import Weights
from cargoscreen.planning.window import Assignment, Window, build_window, next_fit, to_plan

PriorityKey = Callable[[int], tuple[Any, ...]]
#: The priority rule of a built window.
Rule = Callable[[Window], PriorityKey]


def plan_by_rule(
    items: Iterable[PlanItem],
    scanners: Sequence[Scanner],
    rule: Rule,
    *,
    start: datetime,
    horizon: timedelta,
    fixed: Sequence[Slot],
    downtime: Sequence[Downtime],
    weights: Weights,
    method: str,
    status: str,
    enforce_mandatory: bool,
) -> Plan:
    """Plan the horizon by the priority ``rule`` (the FIFO and greedy planners). With ``enforce_mandatory``,
    mandatory boxes may be scanned late and one that cannot be fitted raises :class:`MandatoryNotPlanned`."""
    began = time.perf_counter()
    window = build_window(
        items, scanners, start=start, horizon=horizon, weights=weights, fixed=fixed, downtime=downtime
    )
    assignment = dispatch(window, rule(window), late_mandatory=enforce_mandatory)
    return to_plan(
        window,
        assignment,
        method=method,
        solve_seconds=time.perf_counter() - began,
        status=status,
        require_mandatory=enforce_mandatory,
    )


def dispatch(window: Window, key: PriorityKey, *, late_mandatory: bool) -> Assignment:
    """Assign the window's candidates by the rule ``key`` (smaller first)."""
    by_terminal: dict[str, list[int]] = {}
    for i, eligible in enumerate(window.eligible):
        by_terminal.setdefault(window.scanners[eligible[0]].terminal, []).append(i)
    assignment: Assignment = {}
    for items in by_terminal.values():
        _dispatch_terminal(window, items, key, late_mandatory, assignment)
    return assignment


def _dispatch_terminal(
    window: Window, items: list[int], key: PriorityKey, late_mandatory: bool, assignment: Assignment
) -> None:
    scanners = window.eligible[items[0]]
    pending = sorted(items, key=lambda i: window.ready[i])
    fastest = min(window.cycle[s] for s in scanners)
    free = dict.fromkeys(scanners, 0)
    active = set(scanners)
    heap: list[tuple[tuple[Any, ...], int]] = []
    released = 0
    while active:
        starts = {s: next_fit(window.blocked[s], free[s], window.cycle[s]) for s in active}
        s = min(active, key=lambda k: (starts[k], k))
        t, cycle = starts[s], window.cycle[s]
        if t + cycle > window.length:
            active.discard(s)
            continue
        while released < len(pending) and window.ready[pending[released]] <= t:
            heapq.heappush(heap, (key(pending[released]), pending[released]))
            released += 1
        chosen, kept = None, []
        while heap:
            entry = heapq.heappop(heap)
            i = entry[1]
            if (late_mandatory and window.items[i].mandatory) or window.due[i] >= t + cycle:
                chosen = i
                break
            if window.due[i] >= t + fastest:
                kept.append(entry)  # a faster scanner of the terminal may still make it
        for entry in kept:
            heapq.heappush(heap, entry)
        if chosen is not None:
            assignment[chosen] = (s, t)
            free[s] = t + cycle
        elif released < len(pending):
            free[s] = window.ready[pending[released]]
        else:
            active.discard(s)
