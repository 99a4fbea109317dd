"""The greedy planner: mandatory boxes first, then by reward (risk, reefer, urgency), each scanned as soon as
a scanner of its terminal is free.

Its plan is good on its own and is the warm start of the CP-SAT planner.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from cargoscreen.planning.dispatch import dispatch
from cargoscreen.planning.models import Downtime, Plan, PlanItem, Scanner, Slot
from cargoscreen.planning.objective import DEFAULT_WEIGHTS, Weights
from cargoscreen.planning.window import Assignment, Window, build_window, to_plan


def greedy_assignment(window: Window) -> Assignment:
    """The greedy assignment of a built window."""

    def key(i: int) -> tuple[Any, ...]:
        return (not window.items[i].mandatory, -window.reward[i], window.due[i], window.ready[i], i)

    return dispatch(window, key, late_mandatory=True)


def plan_greedy(
    items: Iterable[PlanItem],
    scanners: Sequence[Scanner],
    *,
    start: datetime,
    horizon: timedelta,
    fixed: Sequence[Slot] = (),
    downtime: Sequence[Downtime] = (),
    weights: Weights = DEFAULT_WEIGHTS,
) -> Plan:
    """Plan the horizon greedily; raises :class:`MandatoryNotPlanned` when a mandatory box cannot be fitted."""
    began = time.perf_counter()
    window = build_window(
        items, scanners, start=start, horizon=horizon, weights=weights, fixed=fixed, downtime=downtime
    )
    assignment = greedy_assignment(window)
    return to_plan(
        window,
        assignment,
        method="greedy",
        solve_seconds=time.perf_counter() - began,
        status="GREEDY",
        require_mandatory=True,
    )
