"""Errors of the planning capability."""

from __future__ import annotations

from collections.abc import Sequence

from cargoscreen.domain.errors import CargoscreenError


class PlanningError(CargoscreenError):
    """A plan that cannot be made as asked."""


class MandatoryNotPlanned(PlanningError):
    """Containers that must be scanned (tips, forced lanes) but found no scanner before their deadline falls
    (within the horizon), or no available scanner at their terminal at all.

    Raised rather than silently deferred: someone has to add a scanner, extend a shift or send the box to
    physical inspection.
    """

    def __init__(self, details: Sequence[tuple[str, str]]) -> None:
        self.details = tuple(details)
        listed = "; ".join(f"{number}: {why}" for number, why in self.details)
        super().__init__(f"{len(self.details)} mandatory container(s) could not be planned — {listed}")
