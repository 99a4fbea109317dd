"""Read models of the analyst workstation: today's queue, vessel calls, and the dashboard's daily counts."""

from __future__ import annotations

import builtins
import time
from collections import defaultdict
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import Connection, case, func, select

from cargoscreen.domain.outcomes import InspectionOutcome
from cargoscreen.store.repositories._sql import AnyRow, chunked
from cargoscreen.store.tables import (
    AnalystDecisionRow,
    EquipmentRow,
    InspectionOutcomeRow,
    RiskAssessmentRow,
    ScanRow,
    SelectionDecisionRow,
    SelectionRunRow,
    SensorLaneChangeRow,
    VesselCallRow,
    table_of,
)

_A, _D, _R = RiskAssessmentRow, SelectionDecisionRow, SelectionRunRow
_AD, _O, _V = AnalystDecisionRow, InspectionOutcomeRow, VesselCallRow
_L = SensorLaneChangeRow
#: Longest a cached queue is served (see :meth:`WorklistRepository.queue`).
QUEUE_TTL_S = 5.0


class QueueStatus(StrEnum):
    """Where a selected container stands: waiting, scanned, decided, or inspected (an outcome exists)."""

    PENDING = "PENDING"
    SCANNED = "SCANNED"
    RELEASED = "RELEASED"
    TO_INSPECT = "TO_INSPECT"
    INSPECTED = "INSPECTED"


@dataclass(frozen=True, slots=True)
class QueueItem:
    """A container selected for scan or physical inspection in a selection run, with its state."""

    container_number: str
    imo_number: str
    voyage_number: str
    vessel_name: str
    channel: str
    rank: int
    exploration: bool
    score: float | None
    reasons: tuple[dict[str, Any], ...]
    verdict: str | None
    outcome: str | None
    scans: int
    status: QueueStatus
    sensor_change: str | None = None  # "SCAN → PHYSICAL" when sensors moved it in this run


@dataclass(frozen=True, slots=True)
class Queue:
    """The selected containers of one run (not released to green at selection)."""

    run_id: int
    run_date: date
    items: tuple[QueueItem, ...]


@dataclass(frozen=True, slots=True)
class VesselCallSummary:
    """A vessel call and how many containers it declared."""

    id: int
    imo_number: str
    vessel_name: str
    voyage_number: str
    carrier: str
    port_of_call: str
    eta: datetime | None
    ata: datetime | None
    containers: int


@dataclass(frozen=True, slots=True)
class DailyCounts:
    """One day of the dashboard."""

    day: date
    selected_scan: int = 0
    selected_physical: int = 0
    scanned: int = 0
    inspected: int = 0
    seizures: int = 0
    seized_kg: float = 0.0

    @property
    def hit_rate(self) -> float | None:
        """Seizures per inspection, None on a day without inspections."""
        return self.seizures / self.inspected if self.inspected else None


class WorklistRepository:
    """Read-only queries behind the queue, the vessel-call list and the dashboard."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def queue(
        self, run_date: date | None = None, *, cache: MutableMapping[Any, Any] | None = None
    ) -> Queue | None:
        """The selected containers of the latest run (of ``run_date`` if given), by rank; None without runs.

        Given a ``cache`` (a dict the caller keeps), the queue is built once per :meth:`version` and reused
        while the version stands, at most ``QUEUE_TTL_S`` seconds (changes no version sees, such as a scan
        relinked to its container, show within that time).
        """
        key = (run_date, self.version())
        if cache is not None:
            found = cache.get(key)
            if found is not None and time.monotonic() - found[0] < QUEUE_TTL_S:
                return cast(Queue | None, found[1])
        queue = self._queue(run_date)
        if cache is not None:
            cache.clear()  # only the newest version is worth keeping
            cache[key] = (time.monotonic(), queue)
        return queue

    def version(self) -> tuple[Any, ...]:
        """Changes whenever a row the queue reads is added: selection runs, assessments, lane changes,
        decisions, outcomes, scans (one query over the primary keys' maxima)."""
        tables = (_R, _A, _L, _AD, _O, ScanRow)
        return tuple(
            self._conn.execute(select(*(select(func.max(t.id)).scalar_subquery() for t in tables))).one()
        )

    def _queue(self, run_date: date | None) -> Queue | None:
        stmt = select(_R.id, _R.run_date)
        if run_date is not None:
            stmt = stmt.where(_R.run_date == run_date)
        run = self._conn.execute(stmt.order_by(_R.run_date.desc(), _R.id.desc()).limit(1)).first()
        if run is None:
            return None
        rows = self._conn.execute(_queue_statement(run.id)).all()
        changes = self.sensor_changes(run.id)
        states = self._states({row.container_number: row.voyage_number for row in rows})
        items = tuple(
            _item(row, *states.get(row.container_number, (None, None, 0)), changes.get(row.container_number))
            for row in rows
        )
        return Queue(run_id=run.id, run_date=run.run_date, items=items)

    def sensor_changes(self, run_id: int) -> dict[str, str]:
        """Containers whose lane sensors changed in the run: ``"<first old lane> → <last new lane>"``."""
        stmt = select(_L.container_number, _L.old_channel, _L.new_channel).where(_L.run_id == run_id)
        first: dict[str, str] = {}
        last: dict[str, str] = {}
        for row in self._conn.execute(stmt.order_by(_L.changed_at, _L.id)):
            first.setdefault(row.container_number, row.old_channel)
            last[row.container_number] = row.new_channel
        return {number: f"{first[number]} → {lane}" for number, lane in last.items()}

    def _states(self, calls: Mapping[str, str]) -> dict[str, tuple[str | None, str | None, int]]:
        """(decision in force, latest outcome, number of scans) of each container, by its selected voyage."""
        verdicts: dict[str, str] = {}
        outcomes: dict[str, str] = {}
        scans: dict[str, int] = {}
        for chunk in chunked(list(calls)):
            self._chunk_states(chunk, calls, verdicts, outcomes, scans)
        return {
            number: (verdicts.get(number), outcomes.get(number), int(scans.get(number, 0)))
            for number in calls
        }

    def _chunk_states(
        self,
        selected: Sequence[str],
        calls: Mapping[str, str],
        verdicts: dict[str, str],
        outcomes: dict[str, str],
        scans: dict[str, int],
    ) -> None:
        stmt = select(_AD.container_number, _AD.voyage_number, _AD.decision)
        for row in self._conn.execute(stmt.where(_AD.container_number.in_(selected)).order_by(_AD.id)):
            if calls.get(row.container_number) == row.voyage_number:
                verdicts[row.container_number] = row.decision
        stmt_o = select(_O.container_number, _O.voyage_number, _O.result)
        for row in self._conn.execute(
            stmt_o.where(_O.container_number.in_(selected)).order_by(_O.recorded_at, _O.id)
        ):
            if calls.get(row.container_number) == row.voyage_number:
                outcomes[row.container_number] = row.result
        counted = select(ScanRow.container_number, func.count()).where(ScanRow.container_number.in_(selected))
        for number, count in self._conn.execute(counted.group_by(ScanRow.container_number)):
            scans[str(number)] = int(count)

    def vessel_calls(self, *, after_id: int = 0, limit: int = 100) -> builtins.list[VesselCallSummary]:
        """Vessel calls in storage order after the cursor, with their declared container counts."""
        count = (
            select(func.count())
            .where(EquipmentRow.vessel_call_id == _V.id)
            .correlate(_V)
            .scalar_subquery()
            .label("containers")
        )
        stmt = select(_V, count).where(_V.id > after_id).order_by(_V.id).limit(limit)
        return [
            VesselCallSummary(
                id=row.id,
                imo_number=row.imo_number,
                vessel_name=row.vessel_name,
                voyage_number=row.voyage_number,
                carrier=row.carrier,
                port_of_call=row.port_of_call,
                eta=row.eta,
                ata=row.ata,
                containers=int(row.containers),
            )
            for row in self._conn.execute(stmt)
        ]

    def daily_counts(self) -> builtins.list[DailyCounts]:
        """Selected (latest run of each day), scanned on arrival, inspected, seizures and kg, by day."""
        days: defaultdict[date, dict[str, Any]] = defaultdict(dict)
        for day, channel, count in self._selected_per_day():
            days[day]["selected_scan" if channel == "SCAN" else "selected_physical"] = count
        scanned = select(func.date(ScanRow.scanned_at).label("day"), func.count().label("n"))
        scanned = scanned.where(ScanRow.origin == "ARRIVAL").group_by(func.date(ScanRow.scanned_at))
        for row in self._conn.execute(scanned):
            days[_day(row.day)]["scanned"] = int(row.n)
        seizure = case((_O.result == "SEIZURE", 1), else_=0)
        outcomes = select(
            func.date(_O.recorded_at).label("day"),
            func.count().label("n"),
            func.sum(seizure).label("seizures"),
            func.sum(_O.seized_kg).label("kg"),
        ).group_by(func.date(_O.recorded_at))
        for row in self._conn.execute(outcomes):
            days[_day(row.day)].update(
                inspected=int(row.n), seizures=int(row.seizures or 0), seized_kg=float(row.kg or 0.0)
            )
        return [DailyCounts(day=day, **values) for day, values in sorted(days.items())]

    def selected_call(self, container_number: str) -> tuple[str, str] | None:
        """The (IMO number, voyage) the container was last selected on, or None."""
        stmt = (
            select(_D.imo_number, _D.voyage_number)
            .join(_R, _R.id == _D.run_id)
            .where(_D.container_number == container_number)
            .order_by(_R.run_date.desc(), _R.id.desc())
            .limit(1)
        )
        row = self._conn.execute(stmt).first()
        return None if row is None else (row.imo_number, row.voyage_number)

    def scan_refs(
        self, *, flagged: bool | None, submitted_by: str | None, after_id: int, limit: int
    ) -> builtins.list[int]:
        """Storage positions of the scans ``uow.scans.list`` returns for the same arguments (cursors)."""
        stmt = select(ScanRow.id).where(ScanRow.id > after_id)
        if flagged is not None:
            stmt = stmt.where(ScanRow.flag.is_not(None) if flagged else ScanRow.flag.is_(None))
        if submitted_by is not None:
            stmt = stmt.where(ScanRow.submitted_by == submitted_by)
        return [int(ref) for ref in self._conn.execute(stmt.order_by(ScanRow.id).limit(limit)).scalars()]

    def outcomes_of(self, container_number: str) -> builtins.list[InspectionOutcome]:
        """Every inspection outcome of a container, oldest first."""
        return outcomes_of(self._conn, container_number)

    def seizures(self, *, offset: int = 0, limit: int = 100) -> builtins.list[InspectionOutcome]:
        """Outcomes with a seizure, newest first."""
        columns = [c for c in table_of(_O).c if c.key != "id"]
        stmt = (
            select(*columns)
            .where(_O.result == "SEIZURE")
            .order_by(_O.recorded_at.desc(), _O.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return [InspectionOutcome.model_validate(dict(row._mapping)) for row in self._conn.execute(stmt)]

    def _selected_per_day(self) -> builtins.list[tuple[date, str, int]]:
        latest = select(func.max(_R.id).label("run_id")).group_by(_R.run_date).subquery()
        stmt = (
            select(_R.run_date, _D.channel, func.count())
            .join(_D, _D.run_id == _R.id)
            .where(_R.id.in_(select(latest.c.run_id)), _D.channel != "GREEN")
            .group_by(_R.run_date, _D.channel)
        )
        return [(row[0], str(row[1]), int(row[2])) for row in self._conn.execute(stmt)]


def _queue_statement(run_id: int) -> Any:
    same_call = (
        _A.container_number == _D.container_number,
        _A.imo_number == _D.imo_number,
        _A.voyage_number == _D.voyage_number,
    )
    score = (
        select(_A.score).where(*same_call).order_by(_A.assessed_at.desc(), _A.id.desc()).limit(1)
    ).scalar_subquery()
    vessel = (
        select(_V.vessel_name)
        .where(_V.imo_number == _D.imo_number, _V.voyage_number == _D.voyage_number)
        .limit(1)
    ).scalar_subquery()
    return (
        select(
            _D.container_number,
            _D.imo_number,
            _D.voyage_number,
            _D.channel,
            _D.rank,
            _D.exploration,
            _D.reasons,
            score.label("score"),
            vessel.label("vessel_name"),
        )
        .where(_D.run_id == run_id, _D.channel != "GREEN")
        .order_by(_D.rank)
    )


def _item(
    row: AnyRow, verdict: str | None, outcome: str | None, scans: int, sensor_change: str | None
) -> QueueItem:
    if outcome is not None:
        status = QueueStatus.INSPECTED
    elif verdict is not None:
        status = QueueStatus.RELEASED if verdict == "RELEASE" else QueueStatus.TO_INSPECT
    else:
        status = QueueStatus.SCANNED if scans else QueueStatus.PENDING
    return QueueItem(
        container_number=row.container_number,
        imo_number=row.imo_number,
        voyage_number=row.voyage_number,
        vessel_name=row.vessel_name or "",
        channel=row.channel,
        rank=row.rank,
        exploration=bool(row.exploration),
        score=row.score,
        reasons=tuple(row.reasons or ()),
        verdict=verdict,
        outcome=outcome,
        scans=scans,
        status=status,
        sensor_change=sensor_change,
    )


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def outcomes_of(connection: Connection, container_number: str) -> builtins.list[InspectionOutcome]:
    """Every inspection outcome of a container, oldest first."""
    columns = [c for c in table_of(_O).c if c.key != "id"]
    stmt = select(*columns).where(_O.container_number == container_number).order_by(_O.recorded_at, _O.id)
    return [InspectionOutcome.model_validate(dict(row._mapping)) for row in connection.execute(stmt)]
