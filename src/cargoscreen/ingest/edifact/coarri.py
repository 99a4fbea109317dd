"""COARRI (container discharge/loading report) → DISCHARGED / LOADED equipment events.

Supported BGM document codes: ``44`` discharge report → DISCHARGED, ``46`` loading report → LOADED (check
the partner's guide for local codes). The place is ``LOC+11`` (discharge) or ``LOC+9`` (loading), else
``LOC+165``; ``LOC+147`` (stowage cell) is not a place and is ignored.
"""

from __future__ import annotations

from cargoscreen.domain.batch import ParseResult
from cargoscreen.domain.events import EquipmentEventType, EventSource
from cargoscreen.ingest.edifact.common import Context
from cargoscreen.ingest.edifact.interchange import Message
from cargoscreen.ingest.edifact.reports import ReportKind, read_report

COARRI = ReportKind(
    source=EventSource.COARRI,
    event_types={"44": EquipmentEventType.DISCHARGED, "46": EquipmentEventType.LOADED},
    locations={EquipmentEventType.DISCHARGED: ("11", "165"), EquipmentEventType.LOADED: ("9", "165")},
)


def read_coarri(message: Message, context: Context) -> ParseResult:
    """Read one COARRI message: one event per ``EQD+CN`` group."""
    return read_report(message, context, COARRI)
