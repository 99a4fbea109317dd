"""Inspection outcomes: the labels of the learning loop, stored once per inspection."""

from __future__ import annotations

import builtins
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, func, select

from cargoscreen.domain.outcomes import InspectionOutcome
from cargoscreen.store.repositories._sql import insert_ignore
from cargoscreen.store.tables import InspectionOutcomeRow, table_of

_O = InspectionOutcomeRow
_KEY = ("container_number", "imo_number", "voyage_number", "channel", "recorded_at")


class OutcomeRepository:
    """Outcomes of one unit of work, unique per container, vessel call, channel and recording time."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def add(self, outcome: InspectionOutcome) -> bool:
        """Store an outcome; ``False`` (nothing written) when the same inspection is stored."""
        row = outcome.model_dump(mode="json") | {"recorded_at": outcome.recorded_at}
        return insert_ignore(self._conn, _O, [row], keys=_KEY) == 1

    def all(self) -> builtins.list[InspectionOutcome]:
        """Every outcome, oldest first."""
        return self._select()

    def since(self, moment: datetime) -> builtins.list[InspectionOutcome]:
        """The outcomes recorded at or after ``moment``, oldest first."""
        return self._select(_O.recorded_at >= moment)

    def count(self) -> int:
        """How many outcomes are stored."""
        return int(self._conn.execute(select(func.count()).select_from(_O)).scalar_one())

    def _select(self, *where: ColumnElement[bool]) -> builtins.list[InspectionOutcome]:
        columns = [c for c in table_of(_O).c if c.key != "id"]
        stmt = select(*columns).where(*where).order_by(_O.recorded_at, _O.id)
        return [InspectionOutcome.model_validate(dict(row._mapping)) for row in self._conn.execute(stmt)]
