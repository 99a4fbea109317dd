"""The baseline: first discharged, first scanned, on the first free scanner of the box's terminal.

FIFO knows nothing of risk, reefers or tips: it serves boxes in the order they became ready, skipping those
that can no longer make their deadline. It never raises for a mandatory box it could not fit (it is the
yardstick, not a planner to run the port with).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from cargoscreen.planning.dispatch import PriorityKey, plan_by_rule
from cargoscreen.planning.models import Downtime, Plan, PlanItem, Scanner, Slot
from cargoscreen.planning.objective import DEFAULT_WEIGHTS, Weights
from cargoscreen.planning.window import Window


def fifo_rule(window: Window) -> PriorityKey:
    """First discharged first (ties by index)."""
    return lambda i: (window.items[i].discharge_at, i)


def plan_fifo(
    items: Iterable[PlanItem],
    scanners: Sequence[Scanner],
    *,
    start: datetime,
    horizon: timedelta,
    fixed: Sequence[Slot] = (),
    downtime: Sequence[Downtime] = (),
    weights: Weights = DEFAULT_WEIGHTS,
) -> Plan:
    """Plan the horizon first-come first-served (the objective is still computed, for comparison)."""
    return plan_by_rule(
        items, scanners, fifo_rule, start=start, horizon=horizon, fixed=fixed, downtime=downtime,
        weights=weights, method="fifo", status="FIFO", enforce_mandatory=False,
    )  # fmt: skip
