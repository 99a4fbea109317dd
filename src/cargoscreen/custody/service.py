"""Custody use cases: register a seizure from an inspection, record events, rebuild cases from the ledger."""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from datetime import datetime

from cargoscreen.custody.errors import CustodyError, LedgerError
from cargoscreen.custody.events import CustodyEvent, Seizure
from cargoscreen.custody.ledger import Anchor, Ledger, LedgerEntry, verify
from cargoscreen.custody.models import SealFound
from cargoscreen.custody.reconcile import DEFAULT_TOLERANCE, Tolerance
from cargoscreen.custody.state import CaseFile, apply, replay
from cargoscreen.domain.outcomes import InspectionOutcome


def seizure_from_outcome(
    outcome: InspectionOutcome,
    *,
    case_number: str,
    occurred_at: datetime,
    recorded_by: str,
    place: str,
    acting_officer: str,
    witness_officer: str,
    package_count: int,
    gross_kg: float,
    seals_found: Sequence[SealFound] = (),
    photos: Sequence[str] = (),
    presumptive_test: str = "",
    bill_of_lading: str = "",
) -> Seizure:
    """The seizure of an inspection outcome: the container, vessel call and substance come from it."""
    if not outcome.positive:
        raise CustodyError(f"case {case_number}: the inspection of {outcome.container_number} found nothing")
    return Seizure(
        case_number=case_number,
        occurred_at=occurred_at,
        recorded_by=recorded_by,
        container_number=outcome.container_number,
        imo_number=outcome.imo_number,
        voyage_number=outcome.voyage_number,
        bill_of_lading=bill_of_lading,
        place=place,
        seals_found=tuple(seals_found),
        acting_officer=acting_officer,
        witness_officer=witness_officer,
        photos=tuple(photos),
        substance=outcome.substance,
        presumptive_test=presumptive_test,
        package_count=package_count,
        gross_kg=gross_kg,
    )


def record(
    ledger: Ledger,
    cases: MutableMapping[str, CaseFile],
    event: CustodyEvent,
    *,
    tolerance: Tolerance = DEFAULT_TOLERANCE,
) -> CaseFile:
    """Check ``event`` against its case, then sign it into the ledger; a refused event writes nothing."""
    case = apply(cases.get(event.case_number), event, tolerance=tolerance)
    ledger.append(event)
    cases[event.case_number] = case
    return case


def cases_from_ledger(
    entries: Sequence[LedgerEntry],
    key: bytes,
    *,
    anchor: Anchor | None = None,
    tolerance: Tolerance = DEFAULT_TOLERANCE,
) -> dict[str, CaseFile]:
    """Verify the ledger, then rebuild every case from it; raises :class:`LedgerError` when it was tampered."""
    report = verify(entries, key, anchor=anchor)
    if not report.ok:
        raise LedgerError(f"the custody ledger fails verification at entry {report.first_bad_seq} "
                          f"({report.problem}): {report.detail}")  # fmt: skip
    return replay((entry.event() for entry in entries), tolerance=tolerance)
