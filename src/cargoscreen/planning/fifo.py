"""The baseline: first discharged, first scanned, on the first free scanner of the box's terminal.

FIFO knows nothing of risk, reefers or tips: it serves boxes in the order they became ready, skipping those
that can no longer make their deadline. It never raises for a mandatory box it could not fit (it is the
yardstick, not a planner to run the port with).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from cargoscreen.planning.dispatch import dispatch
from cargoscreen.planning.models import Downtime, Plan, PlanItem, Scanner, Slot
from cargoscreen.planning.objective import DEFAULT_WEIGHTS, Weights
from cargoscreen.planning.window import build_window, to_plan


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
    began = time.perf_counter()
    window = build_window(
        items, scanners, start=start, horizon=horizon, weights=weights, fixed=fixed, downtime=downtime
    )
    assignment = dispatch(window, lambda i: (window.items[i].discharge_at, i), late_mandatory=False)
    return to_plan(
        window,
        assignment,
        method="fifo",
        solve_seconds=time.perf_counter() - began,
        status="FIFO",
        require_mandatory=False,
    )
