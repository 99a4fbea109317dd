"""The objective every planner is scored by (integers, so CP-SAT and Python agree to the unit).

A plan earns each scanned container's *reward* — a base for scanning a selected box at all, plus its risk
score, reefer and perishable bonuses, an urgency bonus when its deadline falls within two horizons, an
optional bonus per hour it has already waited (0 by default: it shortens the longest waits when capacity
allows, but when it does not it spends scans on old low-risk boxes), and a very large bonus when the scan is
mandatory — and pays for the *wait* of each scan (minutes from the box being ready, or the horizon opening,
to the scan starting; reefers and perishables cost more per minute) and for every minute a mandatory box is
held past its deadline. Rewards dominate waits over a horizon of a working day, so the
planner never leaves a box out merely to keep the others' wait short.
"""

from __future__ import annotations

from dataclasses import dataclass

from cargoscreen.planning.models import PlanItem


@dataclass(frozen=True)
class Weights:
    """Weights of the objective (see the module text)."""

    base: int = 1000
    risk: int = 2000
    reefer: int = 600
    perishable: int = 300
    urgent: int = 300
    waited_per_hour: int = 0
    mandatory: int = 100_000
    wait_per_minute: int = 1
    reefer_wait_per_minute: int = 3
    late_per_minute: int = 500

    def reward(self, item: PlanItem, *, urgent: bool, waited_minutes: int) -> int:
        """What scanning ``item`` in this horizon is worth."""
        value = self.base + round(self.risk * item.risk) + self.waited_per_hour * max(0, waited_minutes) // 60
        value += self.reefer * item.reefer + self.perishable * (item.perishable and not item.reefer)
        value += self.urgent * urgent + self.mandatory * item.mandatory
        return value

    def wait_cost(self, item: PlanItem) -> int:
        """Cost of one minute of waiting for the scanner."""
        return self.reefer_wait_per_minute if item.reefer or item.perishable else self.wait_per_minute


DEFAULT_WEIGHTS = Weights()
