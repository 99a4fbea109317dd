"""Weight reconciliation: at every step the weights found must match what the chain says should be there.

* packaging: the bags' sealed weights against the gross weight seized;
* storage, transfers, destruction: each bag weighed against its sealed weight;
* sampling: a bag's sealed weight minus the samples taken from it against its reseal weight.

A difference within the tolerance (the larger of an absolute and a relative allowance — scale precision,
bag material) passes; any other is recorded as a failed reconciliation and raised as an alert. The event is
still recorded: it is what happened, and the ledger must show it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from pydantic import Field

from cargoscreen.custody.models import BagWeight, EvidenceBag, Reseal, Sample
from cargoscreen.domain.records import Record


@dataclass(frozen=True)
class Tolerance:
    """Allowed difference: ``max(absolute_kg, relative × expected)`` (defaults are estimates)."""

    absolute_kg: float = 0.2
    relative: float = 0.005

    def allows(self, expected_kg: float, found_kg: float) -> bool:
        """True when ``found_kg`` is close enough to ``expected_kg``."""
        return abs(found_kg - expected_kg) <= max(self.absolute_kg, self.relative * abs(expected_kg)) + 1e-9


DEFAULT_TOLERANCE = Tolerance()


class Reconciliation(Record):
    """One weight check: which step, of what (the case or a bag), expected against found."""

    case_number: str
    step: str = Field(description="the event kind, e.g. PACKAGED")
    subject: str = Field(description="'case' or a bag serial")
    expected_kg: float
    found_kg: float
    ok: bool
    occurred_at: datetime

    @property
    def difference_kg(self) -> float:
        """Found minus expected."""
        return self.found_kg - self.expected_kg


def _check(
    case_number: str,
    step: str,
    subject: str,
    expected: float,
    found: float,
    at: datetime,
    tolerance: Tolerance,
) -> Reconciliation:
    return Reconciliation(
        case_number=case_number,
        step=step,
        subject=subject,
        expected_kg=round(expected, 6),
        found_kg=round(found, 6),
        ok=tolerance.allows(expected, found),
        occurred_at=at,
    )


def packaging(
    case_number: str, seized_kg: float, bags: Sequence[EvidenceBag], at: datetime, tolerance: Tolerance
) -> Reconciliation:
    """The bags' sealed weights against the gross weight seized."""
    total = sum(bag.sealed_kg for bag in bags)
    return _check(case_number, "PACKAGED", "case", seized_kg, total, at, tolerance)


def weighed(
    case_number: str,
    step: str,
    expected: Mapping[str, float],
    found: Sequence[BagWeight],
    at: datetime,
    tolerance: Tolerance,
) -> list[Reconciliation]:
    """Each weighed bag against its sealed weight."""
    return [
        _check(case_number, step, w.bag_serial, expected[w.bag_serial], w.kg, at, tolerance) for w in found
    ]


def sampling(
    case_number: str,
    expected: Mapping[str, float],
    samples: Sequence[Sample],
    reseals: Sequence[Reseal],
    at: datetime,
    tolerance: Tolerance,
) -> list[Reconciliation]:
    """For each resealed bag: its sealed weight minus the samples taken from it against the new seal."""
    taken: dict[str, float] = {}
    for sample in samples:
        taken[sample.bag_serial] = taken.get(sample.bag_serial, 0.0) + sample.sample_kg
    return [
        _check(
            case_number,
            "SAMPLED",
            r.bag_serial,
            expected[r.bag_serial] - taken.get(r.bag_serial, 0.0),
            r.sealed_kg,
            at,
            tolerance,
        )
        for r in reseals
    ]
