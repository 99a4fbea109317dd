"""Risk assessments: appended in bulk, read back as the latest per container or per vessel call."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Select, func, select

from cargoscreen.domain.ids import parse_container_number, parse_imo_number
from cargoscreen.domain.targeting import RiskAssessment
from cargoscreen.store.repositories._sql import AnyRow, gc_paused, insert_many
from cargoscreen.store.repositories.reasons import reasons_to_json
from cargoscreen.store.tables import RiskAssessmentRow

_A = RiskAssessmentRow
_COLUMNS = (
    _A.container_number,
    _A.imo_number,
    _A.voyage_number,
    _A.score,
    _A.model_probability,
    _A.model_variance,
    _A.forced_channel,
    _A.assessed_at,
    _A.model_version,
    _A.reasons,
)


class AssessmentRepository:
    """Risk assessments of one unit of work; every assessment is kept (a container is re-assessed often).

    "Latest" means the newest ``assessed_at``, and of equal times the one stored last.
    """

    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def add_many(self, assessments: Sequence[RiskAssessment]) -> int:
        """Append the assessments with one bulk insert; return how many."""
        with gc_paused():
            insert_many(self._conn, _A, [_row(assessment) for assessment in assessments])
        return len(assessments)

    def latest_for(self, container_number: str) -> RiskAssessment | None:
        """The latest assessment of a container (any accepted spelling), on any vessel call."""
        number = parse_container_number(container_number)
        stmt = select(*_COLUMNS).where(_A.container_number == number)
        row = self._conn.execute(stmt.order_by(_A.assessed_at.desc(), _A.id.desc()).limit(1)).first()
        return None if row is None else assessment_from_row(row)

    def latest_for_call(self, imo_number: str, voyage_number: str) -> list[RiskAssessment]:
        """The latest assessment of each container of a vessel call, by container number."""
        stmt = _latest_per_container(
            _A.imo_number == parse_imo_number(imo_number), _A.voyage_number == voyage_number
        )
        with gc_paused():
            return [assessment_from_row(row) for row in self._conn.execute(stmt)]

    def count(self) -> int:
        """How many assessments are stored."""
        return int(self._conn.execute(select(func.count()).select_from(_A)).scalar_one())


def _latest_per_container(*where: Any) -> Select[Any]:
    newest = (
        func.row_number()
        .over(partition_by=_A.container_number, order_by=(_A.assessed_at.desc(), _A.id.desc()))
        .label("newest")
    )
    ranked = select(*_COLUMNS, newest).where(*where).subquery()
    columns = [ranked.c[column.key] for column in _COLUMNS]
    return select(*columns).where(ranked.c.newest == 1).order_by(ranked.c.container_number)


def _row(assessment: RiskAssessment) -> dict[str, Any]:
    forced = assessment.forced_channel
    return {
        "container_number": assessment.container_number,
        "imo_number": assessment.imo_number,
        "voyage_number": assessment.voyage_number,
        "score": assessment.score,
        "model_probability": assessment.model_probability,
        "model_variance": assessment.model_variance,
        "forced_channel": None if forced is None else str(forced),
        "assessed_at": assessment.assessed_at,
        "model_version": assessment.model_version,
        "reasons": reasons_to_json(assessment.reasons),
    }


def assessment_from_row(row: AnyRow) -> RiskAssessment:
    """The domain assessment of a stored row (columns named as its fields; reasons as stored JSON)."""
    return RiskAssessment.model_validate(row._asdict())
