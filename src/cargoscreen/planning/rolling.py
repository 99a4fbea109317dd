"""Rolling horizon: keep the open selection, and re-plan the next hours whenever something changes.

At each :meth:`RollingPlanner.replan` the slots of the previous plan that have begun (start before *now*) are
fixed — their boxes leave the open selection and their scanner stays busy until they end — the boxes whose
deadline has passed unscanned are dropped (mandatory boxes are kept until scanned), and the horizon
``[now, now + horizon)`` is planned again with the chosen method. Changes that call for a re-plan: a new or
updated selection, a box withdrawn, a discharge time moved, a scanner down or back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Literal

from cargoscreen.planning.cpsat import SolverOptions, plan_cpsat
from cargoscreen.planning.fifo import plan_fifo
from cargoscreen.planning.greedy import plan_greedy
from cargoscreen.planning.models import Downtime, Plan, PlanItem, Scanner, Slot
from cargoscreen.planning.objective import DEFAULT_WEIGHTS, Weights

Method = Literal["fifo", "greedy", "cpsat"]


class RollingPlanner:
    """The open selection of a port and its current plan (in memory; the store keeps it between runs)."""

    def __init__(
        self,
        scanners: Sequence[Scanner],
        *,
        method: Method = "cpsat",
        horizon: timedelta = timedelta(hours=6),
        weights: Weights = DEFAULT_WEIGHTS,
        options: SolverOptions = SolverOptions(),
    ) -> None:
        self.method: Method = method
        self.horizon = horizon
        self.weights = weights
        self.options = options
        self._scanners = {s.scanner_id: s for s in scanners}
        self._items: dict[str, PlanItem] = {}
        self._begun: dict[str, Slot] = {}
        self._dropped: dict[str, PlanItem] = {}
        self._downtime: list[Downtime] = []
        self._plan: Plan | None = None
        self._changed = True

    @property
    def changed(self) -> bool:
        """True when something changed since the last plan."""
        return self._changed

    @property
    def plan(self) -> Plan | None:
        """The current plan."""
        return self._plan

    @property
    def begun(self) -> tuple[Slot, ...]:
        """Every slot that had begun at the last re-plan, in start order (what was executed)."""
        return tuple(sorted(self._begun.values(), key=lambda s: (s.start, s.scanner_id)))

    @property
    def dropped(self) -> tuple[PlanItem, ...]:
        """Boxes whose deadline passed before they were scanned."""
        return tuple(self._dropped.values())

    @property
    def open_items(self) -> tuple[PlanItem, ...]:
        """Boxes still waiting for a scan."""
        return tuple(self._items.values())

    def select(self, items: Iterable[PlanItem]) -> None:
        """Add boxes to the selection, or replace the details of boxes already in it (not of begun scans)."""
        for item in items:
            if item.container_number not in self._begun:
                self._items[item.container_number] = item
                self._dropped.pop(item.container_number, None)
                self._changed = True

    def withdraw(self, container_number: str) -> None:
        """Take a box out of the selection (released, or sent to physical inspection instead)."""
        if self._items.pop(container_number, None) is not None:
            self._changed = True

    def arrival_changed(
        self, container_number: str, discharge_at: datetime, deadline_at: datetime | None = None
    ) -> None:
        """A box's discharge (and perhaps its deadline) moved; unknown or begun boxes are ignored."""
        item = self._items.get(container_number)
        if item is None:
            return
        update = {"discharge_at": discharge_at, "deadline_at": deadline_at or item.deadline_at}
        self._items[container_number] = PlanItem.model_validate({**item.model_dump(), **update})
        self._changed = True

    def scanner_down(self, downtime: Downtime) -> None:
        """A scanner is (or will be) out of service for a while."""
        if downtime.scanner_id not in self._scanners:
            raise KeyError(f"unknown scanner {downtime.scanner_id!r}")
        self._downtime.append(downtime)
        self._changed = True

    def set_available(self, scanner_id: str, available: bool) -> None:
        """Take a scanner out of service, or bring it back, until further notice."""
        scanner = self._scanners[scanner_id]
        self._scanners[scanner_id] = scanner.model_copy(update={"available": available})
        self._changed = True

    def replan(self, now: datetime) -> Plan:
        """Fix begun slots, drop expired boxes and plan ``[now, now + horizon)`` again.

        Raises :class:`MandatoryNotPlanned` (greedy and CP-SAT) when a mandatory box cannot be scanned before
        its deadline within the horizon; the begun slots are fixed all the same and the previous plan kept.
        """
        self._commit(now)
        for number, item in list(self._items.items()):
            if not item.mandatory and item.deadline_at <= now:
                self._dropped[number] = self._items.pop(number)
        carried = [slot for slot in self._begun.values() if slot.end > now]
        downtime = [d for d in self._downtime if d.end > now]
        scanners = list(self._scanners.values())
        items = list(self._items.values())
        if self.method == "cpsat":
            plan = plan_cpsat(items, scanners, start=now, horizon=self.horizon, fixed=carried,
                              downtime=downtime, weights=self.weights, options=self.options)  # fmt: skip
        else:
            planner = plan_fifo if self.method == "fifo" else plan_greedy
            plan = planner(items, scanners, start=now, horizon=self.horizon, fixed=carried,
                           downtime=downtime, weights=self.weights)  # fmt: skip
        self._plan = plan
        self._changed = False
        return plan

    def _commit(self, now: datetime) -> None:
        if self._plan is None:
            return
        for slot in self._plan.slots:
            if slot.fixed or slot.start >= now or slot.container_number not in self._items:
                continue
            if any(_overlaps(slot, d) for d in self._downtime):
                continue  # the scanner broke down before this scan could start
            self._begun[slot.container_number] = slot.model_copy(update={"fixed": True})
            del self._items[slot.container_number]


def _overlaps(slot: Slot, downtime: Downtime) -> bool:
    return downtime.scanner_id == slot.scanner_id and downtime.start < slot.end and slot.start < downtime.end
