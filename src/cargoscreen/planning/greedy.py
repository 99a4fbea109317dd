"""The greedy planner: mandatory boxes first, then by reward (risk, reefer, urgency), each scanned as soon as
a scanner of its terminal is free.

Its plan is good on its own and is the warm start of the CP-SAT planner.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from cargoscreen.planning.dispatch import PriorityKey, dispatch, plan_by_rule
from cargoscreen.planning.models import Downtime, Plan, PlanItem, Scanner, Slot
from cargoscreen.planning.objective import DEFAULT_WEIGHTS, Weights
from cargoscreen.planning.window import Assignment, Window


def greedy_rule(window: Window) -> PriorityKey:
    """Mandatory first, then the highest reward, the earliest deadline, the earliest ready (ties by index)."""
    return lambda i: (not window.items[i].mandatory, -window.reward[i], window.due[i], window.ready[i], i)


def greedy_assignment(window: Window) -> Assignment:
    """The greedy assignment of a built window."""
    return dispatch(window, greedy_rule(window), late_mandatory=True)


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
    return plan_by_rule(
        items, scanners, greedy_rule, start=start, horizon=horizon, fixed=fixed, downtime=downtime,
        weights=weights, method="greedy", status="GREEDY", enforce_mandatory=True,
    )  # fmt: skip
