"""Read queries of the workstation's sensor views that ``uow.sensors`` does not answer on its own.

The sensor repository keeps each lane change without the score that caused it; the score is the
container's risk assessment in force when the lane changed (the newest one assessed at or before the
change; the re-targeting stores it just before it moves the lane).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, select

from cargoscreen.store.tables import RiskAssessmentRow

_A = RiskAssessmentRow


class SensorPageReads:
    """Read-only queries over one connection (the caller's unit of work)."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def scores_at(self, container_number: str, moments: Sequence[datetime]) -> list[float | None]:
        """The container's risk score in force at each moment (``None`` before its first assessment)."""
        if not moments:
            return []
        stmt = (
            select(_A.assessed_at, _A.score)
            .where(_A.container_number == container_number)
            .order_by(_A.assessed_at, _A.id)
        )
        history = [(row.assessed_at, float(row.score)) for row in self._conn.execute(stmt)]
        found: list[float | None] = []
        for moment in moments:
            before = [score for at, score in history if at <= moment]
            found.append(before[-1] if before else None)
        return found
