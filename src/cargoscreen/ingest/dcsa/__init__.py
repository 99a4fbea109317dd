"""DCSA Track & Trace 3.0 events: models of the spec parts we use, mapping to domain records, reader."""

from cargoscreen.ingest.dcsa.mapping import equipment_event_to_dcsa, event_from_dcsa
from cargoscreen.ingest.dcsa.reader import parse_dcsa_events

__all__ = ["equipment_event_to_dcsa", "event_from_dcsa", "parse_dcsa_events"]
