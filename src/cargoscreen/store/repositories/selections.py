"""Selection runs: a day's decisions saved in bulk and read back as the domain result."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, select

from cargoscreen.domain.ids import parse_container_number
from cargoscreen.domain.targeting import Channel, DailyCapacity, SelectionDecision, SelectionResult
from cargoscreen.store.repositories._sql import AnyRow, gc_paused, insert_many, insert_returning_ids
from cargoscreen.store.repositories.reasons import reasons_to_json
from cargoscreen.store.tables import SelectionDecisionRow, SelectionRunRow
from cargoscreen.store.views import SavedSelection

_R, _D = SelectionRunRow, SelectionDecisionRow
_DECISION_COLUMNS = (
    _D.container_number,
    _D.imo_number,
    _D.voyage_number,
    _D.channel,
    _D.rank,
    _D.exploration,
    _D.exploration_kind,
    _D.reasons,
    _D.overflow_position,
)


class SelectionRepository:
    """Selection runs of one unit of work.

    Runs are never overwritten: saving a day again adds a run. The latest run of a day is the one saved
    last; the latest run overall is the latest run of the newest day.
    """

    def __init__(self, connection: Connection, clock: Callable[[], datetime]) -> None:
        self._conn = connection
        self._clock = clock

    def save(
        self,
        result: SelectionResult,
        *,
        run_date: date,
        imo_voyage_of: Mapping[str, tuple[str, str]],
        exploration_share: float,
        model_version: str | None,
        created_by: str,
    ) -> int:
        """Store a run and its decisions (one bulk insert); return the run id.

        ``imo_voyage_of`` gives the (IMO number, voyage) of every decided container. Raises ``ValueError``
        when a container has none, or an overflow decision is not one of the decisions.
        """
        with gc_paused():
            return self._save(result, run_date, imo_voyage_of, exploration_share, model_version, created_by)

    def _save(
        self,
        result: SelectionResult,
        run_date: date,
        imo_voyage_of: Mapping[str, tuple[str, str]],
        exploration_share: float,
        model_version: str | None,
        created_by: str,
    ) -> int:
        positions = _overflow_positions(result)
        run = {
            "run_date": run_date,
            "created_at": self._clock(),
            "capacity_scan": result.capacity.scan,
            "capacity_physical": result.capacity.physical,
            "used": {str(channel): count for channel, count in result.used.items()},
            "exploration_share": exploration_share,
            "model_version": model_version,
            "created_by": created_by,
        }
        run_id = insert_returning_ids(self._conn, _R, [run])[0]
        rows = [_decision_row(run_id, d, imo_voyage_of, positions) for d in result.decisions]
        insert_many(self._conn, _D, rows)
        return run_id

    def latest(self, run_date: date | None = None) -> SavedSelection | None:
        """The latest run (of ``run_date`` if given) with its decisions, or ``None``."""
        stmt = select(_R)
        if run_date is not None:
            stmt = stmt.where(_R.run_date == run_date)
        run = self._conn.execute(stmt.order_by(_R.run_date.desc(), _R.id.desc()).limit(1)).first()
        if run is None:
            return None
        with gc_paused():
            return self._saved(run)

    def decision_for(self, container_number: str) -> SelectionDecision | None:
        """The container's decision in the latest run that decided it, or ``None``."""
        number = parse_container_number(container_number)
        stmt = (
            select(*_DECISION_COLUMNS)
            .join(_R, _R.id == _D.run_id)
            .where(_D.container_number == number)
            .order_by(_R.run_date.desc(), _R.id.desc())
            .limit(1)
        )
        row = self._conn.execute(stmt).first()
        return None if row is None else _decision(row)

    def _saved(self, run: AnyRow) -> SavedSelection:
        stmt = select(*_DECISION_COLUMNS).where(_D.run_id == run.id).order_by(_D.id)
        rows = self._conn.execute(stmt).all()
        decisions = tuple(_decision(row) for row in rows)
        overflowing = sorted(
            (
                (int(row.overflow_position), decision)
                for row, decision in zip(rows, decisions, strict=True)
                if row.overflow_position is not None
            ),
            key=lambda pair: pair[0],
        )
        return SavedSelection(
            run_id=run.id,
            run_date=run.run_date,
            created_at=run.created_at,
            created_by=run.created_by,
            capacity=DailyCapacity(scan=run.capacity_scan, physical=run.capacity_physical),
            used={Channel(channel): int(count) for channel, count in run.used.items()},
            exploration_share=run.exploration_share,
            model_version=run.model_version,
            decisions=decisions,
            overflow=tuple(decision for _, decision in overflowing),
            vessel_calls={row.container_number: (row.imo_number, row.voyage_number) for row in rows},
        )


def _overflow_positions(result: SelectionResult) -> dict[str, int]:
    decided = {decision.container_number: decision for decision in result.decisions}
    positions: dict[str, int] = {}
    for position, decision in enumerate(result.overflow):
        if decided.get(decision.container_number) != decision:
            raise ValueError(f"overflow decision of {decision.container_number} is not among the decisions")
        positions[decision.container_number] = position
    return positions


def _decision_row(
    run_id: int,
    decision: SelectionDecision,
    imo_voyage_of: Mapping[str, tuple[str, str]],
    overflow_positions: Mapping[str, int],
) -> dict[str, Any]:
    number = decision.container_number
    call = imo_voyage_of.get(number)
    if call is None:
        raise ValueError(f"no vessel call (IMO number, voyage) given for container {number}")
    kind = decision.exploration_kind
    position = overflow_positions.get(number)
    return {
        "run_id": run_id,
        "container_number": number,
        "imo_number": call[0],
        "voyage_number": call[1],
        "channel": str(decision.channel),
        "rank": decision.rank,
        "exploration": decision.exploration,
        "exploration_kind": None if kind is None else str(kind),
        "reasons": reasons_to_json(decision.reasons),
        "overflow": position is not None,
        "overflow_position": position,
    }


def _decision(row: AnyRow) -> SelectionDecision:
    """The stored decision, validated (reasons too) in one pydantic call."""
    return SelectionDecision.model_validate(
        {
            "container_number": row.container_number,
            "channel": row.channel,
            "reasons": row.reasons,
            "exploration": row.exploration,
            "exploration_kind": row.exploration_kind,
            "rank": row.rank,
        }
    )
