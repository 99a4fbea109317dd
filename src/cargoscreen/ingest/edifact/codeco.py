"""CODECO (container gate-in/gate-out report) → GATED_IN / GATED_OUT equipment events.

Supported BGM document codes: ``34`` gate-in report → GATED_IN, ``36`` gate-out report → GATED_OUT (as in
the ITIGG/SMDG CODECO guides; check the partner's guide for local codes). The place is ``LOC+165``.
"""

from __future__ import annotations

from cargoscreen.domain.batch import ParseResult
from cargoscreen.domain.events import EquipmentEventType, EventSource
from cargoscreen.ingest.edifact.common import Context
from cargoscreen.ingest.edifact.interchange import Message
from cargoscreen.ingest.edifact.reports import ReportKind, read_report

CODECO = ReportKind(
    source=EventSource.CODECO,
    event_types={"34": EquipmentEventType.GATED_IN, "36": EquipmentEventType.GATED_OUT},
    locations={EquipmentEventType.GATED_IN: ("165",), EquipmentEventType.GATED_OUT: ("165",)},
)


def read_codeco(message: Message, context: Context) -> ParseResult:
    """Read one CODECO message: one event per ``EQD+CN`` group."""
    return read_report(message, context, CODECO)
