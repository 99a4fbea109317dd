"""The equipment event repository: deduplicated by (source, event_id)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from cargoscreen.domain.events import EquipmentEvent
from cargoscreen.store.repositories._sql import AnyRow, insert_ignore
from cargoscreen.store.tables import EquipmentEventRow, table_of


class EventRepository:
    """Equipment events of one unit of work."""

    def __init__(self, connection: Connection, clock: Callable[[], datetime]) -> None:
        self._conn = connection
        self._clock = clock

    def add_many(self, events: Sequence[EquipmentEvent]) -> int:
        """Store events not stored yet (by source and event id); return how many were new."""
        now = self._clock()
        rows = [_event_row(event, now) for event in events]
        return insert_ignore(self._conn, EquipmentEventRow, rows, keys=("source", "event_id"))

    def for_container(self, container_number: str) -> list[EquipmentEvent]:
        """Every stored event of a container, oldest first."""
        columns = [c for c in table_of(EquipmentEventRow).c if c.key not in {"id", "stored_at"}]
        stmt = (
            select(*columns)
            .where(EquipmentEventRow.container_number == container_number)
            .order_by(EquipmentEventRow.event_time, EquipmentEventRow.id)
        )
        return [event_from_row(row) for row in self._conn.execute(stmt)]

    def count(self) -> int:
        """How many events are stored."""
        return int(self._conn.execute(select(func.count()).select_from(EquipmentEventRow)).scalar_one())


def _event_row(event: EquipmentEvent, now: datetime) -> dict[str, Any]:
    fields = event.model_dump(exclude={"seals"})
    seals = [[seal.seal_number, str(seal.source)] for seal in event.seals]
    return fields | {"seals": seals, "stored_at": now}


def event_from_row(row: AnyRow) -> EquipmentEvent:
    """The domain event of a stored row (columns named as the event's fields)."""
    fields = dict(row._mapping)
    fields["seals"] = [{"seal_number": number, "source": source} for number, source in fields["seals"]]
    return EquipmentEvent.model_validate(fields)
