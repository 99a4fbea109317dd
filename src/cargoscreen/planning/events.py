"""DCSA customs events for the terminals: CUSTOMS_SELECTED_FOR_SCAN with the planned slot.

The domain :class:`EquipmentEvent` has no field for a slot's end or its scanner, so each slot is written as
a *planned* (``PLN``) event whose ``event_time`` is the slot start and whose ``facility_code`` is the
terminal; the scanner and both ends of the slot are in the ``event_id``
(``CUSS-<container>-<scanner>-<start>-<end>``, times as ``YYYYMMDDTHHMMZ`` in UTC), so a moved slot gets a
new event id. Slots dropped from a plan have to be retracted by id (:func:`changed_slots` names them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from cargoscreen.domain.events import EquipmentEvent, EquipmentEventType, EventSource
from cargoscreen.planning.models import Plan, PlanItem, Slot


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%MZ")


def slot_event_id(slot: Slot) -> str:
    """The event id that carries the slot: container, scanner, start and end."""
    return f"CUSS-{slot.container_number}-{slot.scanner_id}-{_stamp(slot.start)}-{_stamp(slot.end)}"


def scan_events(
    slots: Iterable[Slot], items: Mapping[str, PlanItem], *, un_locode: str = "BEANR"
) -> list[EquipmentEvent]:
    """One planned CUSTOMS_SELECTED_FOR_SCAN event per slot (``items`` maps container numbers to boxes)."""
    events = []
    for slot in slots:
        item = items.get(slot.container_number)
        events.append(
            EquipmentEvent(
                event_id=slot_event_id(slot),
                source=EventSource.CUSTOMS,
                event_type=EquipmentEventType.CUSTOMS_SELECTED_FOR_SCAN,
                classifier="PLN",
                event_time=slot.start,
                container_number=slot.container_number,
                un_locode=un_locode,
                facility_code=slot.terminal,
                transport_phase="IMPORT",
                reference=item.reference if item is not None else "",
            )
        )
    return events


def changed_slots(previous: Plan | None, current: Plan) -> tuple[list[Slot], list[Slot]]:
    """Slots of ``current`` that are new or moved since ``previous`` (to announce), and slots of ``previous``
    that are gone or moved (to retract). Fixed slots are never announced again."""
    before = {s.container_number: s for s in previous.slots if not s.fixed} if previous else {}
    now = {s.container_number: s for s in current.slots if not s.fixed}
    same = {n for n, s in now.items() if n in before and _key(before[n]) == _key(s)}
    announce = [s for n, s in now.items() if n not in same]
    begun = {s.container_number for s in current.slots if s.fixed}
    retract = [s for n, s in before.items() if n not in same and n not in begun]
    return announce, retract


def _key(slot: Slot) -> tuple[str, datetime, datetime]:
    return slot.scanner_id, slot.start, slot.end
