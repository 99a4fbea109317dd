"""Planning: what the planner needs to know about a day's selected containers, and the plans it made.

:meth:`PlanningRepository.selection` gathers, for every container of the day's latest selection run, the
facts the pipeline turns into plan items: its lane and reasons, the latest risk score on its vessel call,
the reefer flag and HS codes as declared, the call's ETA and ATA, the terminal's discharge report (DCSA
``DISCHARGED`` or COARRI) closest to the call's arrival, and any planned or estimated gate-out.
"""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Connection, select, update

from cargoscreen.domain.targeting import RiskAssessment
from cargoscreen.store.repositories._sql import AnyRow, chunked, insert_many, insert_returning_ids
from cargoscreen.store.repositories.assessments import AssessmentRepository
from cargoscreen.store.repositories.selections import SelectionRepository
from cargoscreen.store.tables import (
    ConsignmentRow,
    EquipmentEventRow,
    EquipmentRow,
    GoodsItemRow,
    GoodsPlacementRow,
    PlanRunRow,
    PlanSlotRow,
    ScannerRow,
    VesselCallRow,
)

#: A terminal event farther than this from the call's arrival belongs to another visit of the container.
SAME_VISIT = timedelta(days=4)


class ScannerLike(Protocol):
    @property
    def scanner_id(self) -> str: ...

    @property
    def terminal(self) -> str: ...

    @property
    def scan_minutes(self) -> int: ...

    @property
    def move_minutes(self) -> int: ...

    @property
    def available(self) -> bool: ...


class SlotLike(Protocol):
    @property
    def container_number(self) -> str: ...

    @property
    def scanner_id(self) -> str: ...

    @property
    def terminal(self) -> str: ...

    @property
    def start(self) -> datetime: ...

    @property
    def end(self) -> datetime: ...

    @property
    def fixed(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class SelectedBox:
    """A container of a selection run with the facts planning needs (``None``: not known to the store)."""

    container_number: str
    imo_number: str
    voyage_number: str
    channel: str
    reason_kinds: frozenset[str]
    risk: float | None
    forced_channel: str | None
    reefer: bool | None
    hs_codes: tuple[str, ...]
    eta: datetime | None
    ata: datetime | None
    discharged_at: datetime | None
    discharge_facility: str | None
    gate_out_by: datetime | None


@dataclass(frozen=True, slots=True)
class DaySelection:
    """The latest selection run of a day and its containers."""

    run_id: int
    run_date: date
    boxes: tuple[SelectedBox, ...]


@dataclass(frozen=True, slots=True)
class StoredSlot:
    container_number: str
    scanner_id: str
    terminal: str
    start: datetime
    end: datetime
    fixed: bool
    event_id: str


@dataclass(frozen=True, slots=True)
class StoredPlan:
    """A stored plan run and its slots (by start)."""

    run_id: int
    plan_date: date
    method: str
    horizon_start: datetime
    horizon_end: datetime
    objective: int
    status: str
    solve_seconds: float
    metrics: Mapping[str, Any]
    unplanned: tuple[Mapping[str, Any], ...]
    slots: tuple[StoredSlot, ...]
    created_at: datetime


class PlanningRepository:
    """Scanners, selected containers' facts and plan runs of one unit of work."""

    def __init__(self, connection: Connection, clock: Callable[[], datetime]) -> None:
        self._conn = connection
        self._clock = clock
        self._selections = SelectionRepository(connection, clock)
        self._assessments = AssessmentRepository(connection)

    def selection(self, day: date, channels: Sequence[str] = ("SCAN",)) -> DaySelection | None:
        """The latest selection run of ``day`` with the facts of its containers in ``channels``."""
        saved = self._selections.latest(day)
        if saved is None:
            return None
        decisions = [d for d in saved.decisions if str(d.channel) in channels]
        calls = {d.container_number: saved.vessel_calls[d.container_number] for d in decisions}
        risks = self._risks(set(calls.values()))
        declared = self._declared(calls)
        events = self._events(list(calls))
        boxes = []
        for d in decisions:
            call = calls[d.container_number]
            facts = declared.get(d.container_number, {})
            arrival = facts.get("ata") or facts.get("eta")
            discharge, gate_out = _visit_events(events.get(d.container_number, []), arrival)
            risk = risks.get((d.container_number, *call))
            boxes.append(
                SelectedBox(
                    container_number=d.container_number,
                    imo_number=call[0],
                    voyage_number=call[1],
                    channel=str(d.channel),
                    reason_kinds=frozenset(str(r.kind) for r in d.reasons),
                    risk=risk.score if risk else None,
                    forced_channel=str(risk.forced_channel) if risk and risk.forced_channel else None,
                    reefer=facts.get("reefer"),
                    hs_codes=tuple(facts.get("hs_codes", ())),
                    eta=facts.get("eta"),
                    ata=facts.get("ata"),
                    discharged_at=discharge.event_time if discharge else None,
                    discharge_facility=discharge.facility_code if discharge else None,
                    gate_out_by=gate_out.event_time if gate_out else None,
                )
            )
        return DaySelection(run_id=saved.run_id, run_date=saved.run_date, boxes=tuple(boxes))

    def save_scanners(self, scanners: Sequence[ScannerLike], shifts: Mapping[str, Sequence[str]]) -> int:
        """Store the scanners as configured (insert new ones, update known ones); return how many."""
        now = self._clock()
        known = set(self._conn.execute(select(ScannerRow.scanner_id)).scalars())
        for scanner in scanners:
            values = {
                "terminal": scanner.terminal,
                "scan_minutes": scanner.scan_minutes,
                "move_minutes": scanner.move_minutes,
                "shifts": list(shifts.get(scanner.scanner_id, ())),
                "available": scanner.available,
                "updated_at": now,
            }
            if scanner.scanner_id in known:
                stmt = update(ScannerRow).where(ScannerRow.scanner_id == scanner.scanner_id).values(**values)
                self._conn.execute(stmt)
            else:
                insert_many(self._conn, ScannerRow, [values | {"scanner_id": scanner.scanner_id}])
        return len(scanners)

    def scanners(self) -> builtins.list[dict[str, Any]]:
        """The stored scanners, by id."""
        stmt = select(ScannerRow).order_by(ScannerRow.scanner_id)
        return [
            {c: getattr(row, c) for c in ("scanner_id", "terminal", "scan_minutes", "move_minutes", "shifts",
                                          "available")}
            for row in self._conn.execute(stmt)
        ]  # fmt: skip

    def save_plan(
        self,
        *,
        day: date,
        selection_run_id: int | None,
        method: str,
        horizon: tuple[datetime, datetime],
        objective: int,
        status: str,
        solve_seconds: float,
        metrics: Mapping[str, Any],
        unplanned: Sequence[Mapping[str, Any]],
        slots: Sequence[SlotLike],
        event_ids: Mapping[str, str],
        created_by: str,
    ) -> int:
        """Store a plan run and its slots; ``event_ids`` maps container numbers to the announcing event."""
        run = {
            "plan_date": day, "selection_run_id": selection_run_id, "method": method,
            "horizon_start": horizon[0], "horizon_end": horizon[1], "objective": objective, "status": status,
            "solve_seconds": solve_seconds, "metrics": dict(metrics), "unplanned": [dict(u) for u in unplanned],
            "created_by": created_by, "created_at": self._clock(),
        }  # fmt: skip
        run_id = insert_returning_ids(self._conn, PlanRunRow, [run])[0]
        rows = [
            {"run_id": run_id, "container_number": s.container_number, "scanner_id": s.scanner_id,
             "terminal": s.terminal, "starts_at": s.start, "ends_at": s.end, "fixed": s.fixed,
             "event_id": event_ids.get(s.container_number, "")}
            for s in slots
        ]  # fmt: skip
        insert_many(self._conn, PlanSlotRow, rows)
        return run_id

    def latest_plan(self, day: date | None = None) -> StoredPlan | None:
        """The latest plan run (of ``day`` if given) with its slots, or ``None``."""
        stmt = select(PlanRunRow)
        if day is not None:
            stmt = stmt.where(PlanRunRow.plan_date == day)
        run = self._conn.execute(stmt.order_by(PlanRunRow.plan_date.desc(), PlanRunRow.id.desc())).first()
        if run is None:
            return None
        slot_stmt = select(PlanSlotRow).where(PlanSlotRow.run_id == run.id).order_by(PlanSlotRow.starts_at)
        slots = tuple(
            StoredSlot(
                s.container_number, s.scanner_id, s.terminal, s.starts_at, s.ends_at, s.fixed, s.event_id
            )
            for s in self._conn.execute(slot_stmt)
        )
        return StoredPlan(
            run_id=run.id, plan_date=run.plan_date, method=run.method, horizon_start=run.horizon_start,
            horizon_end=run.horizon_end, objective=run.objective, status=run.status,
            solve_seconds=run.solve_seconds, metrics=run.metrics, unplanned=tuple(run.unplanned), slots=slots,
            created_at=run.created_at,
        )  # fmt: skip

    def _risks(self, calls: set[tuple[str, str]]) -> dict[tuple[str, str, str], RiskAssessment]:
        found = {}
        for imo, voyage in sorted(calls):
            for a in self._assessments.latest_for_call(imo, voyage):
                found[(a.container_number, imo, voyage)] = a
        return found

    def _declared(self, calls: Mapping[str, tuple[str, str]]) -> dict[str, dict[str, Any]]:
        """Reefer flag, ETA/ATA and HS codes of each container on its own call."""
        facts: dict[str, dict[str, Any]] = {}
        call_ids: dict[str, int] = {}
        e, v = EquipmentRow, VesselCallRow
        for chunk in chunked(sorted(calls)):
            stmt = (
                select(e.container_number, e.reefer, v.id, v.imo_number, v.voyage_number, v.eta, v.ata)
                .join(v, v.id == e.vessel_call_id)
                .where(e.container_number.in_(chunk))
            )
            for row in self._conn.execute(stmt):
                if calls[row.container_number] == (row.imo_number, row.voyage_number):
                    call_ids[row.container_number] = row.id
                    facts[row.container_number] = {"reefer": row.reefer, "eta": row.eta, "ata": row.ata}
        g, p, c = GoodsItemRow, GoodsPlacementRow, ConsignmentRow
        for chunk in chunked(sorted(calls)):
            goods = (
                select(p.container_number, g.hs_code, c.vessel_call_id)
                .join(g, g.id == p.goods_item_id)
                .join(c, c.id == g.consignment_id)
                .where(p.container_number.in_(chunk), g.hs_code.is_not(None))
            )
            for item in self._conn.execute(goods):
                if call_ids.get(item.container_number) == item.vessel_call_id:
                    facts.setdefault(item.container_number, {}).setdefault("hs_codes", []).append(
                        item.hs_code
                    )
        return facts

    def _events(self, numbers: Sequence[str]) -> dict[str, builtins.list[AnyRow]]:
        ev = EquipmentEventRow
        found: dict[str, list[AnyRow]] = defaultdict(list)
        for chunk in chunked(sorted(numbers)):
            stmt = (
                select(ev.container_number, ev.event_type, ev.classifier, ev.event_time, ev.facility_code)
                .where(ev.container_number.in_(chunk), ev.event_type.in_(("DISCHARGED", "GATED_OUT")))
                .order_by(ev.event_time, ev.id)
            )
            for row in self._conn.execute(stmt):
                found[row.container_number].append(row)
        return found


def _visit_events(events: Sequence[AnyRow], arrival: datetime | None) -> tuple[AnyRow | None, AnyRow | None]:
    """The discharge report nearest the arrival (an actual one before an estimate), and the planned or
    estimated gate-out after it. Without an arrival time, the latest discharge is taken."""
    discharges = [e for e in events if e.event_type == "DISCHARGED"]
    if arrival is not None:
        discharges = [e for e in discharges if abs(e.event_time - arrival) <= SAME_VISIT]
        discharges.sort(key=lambda e: (e.classifier != "ACT", abs(e.event_time - arrival)))
    else:
        discharges.sort(key=lambda e: (e.classifier != "ACT", -e.event_time.timestamp()))
    discharge = discharges[0] if discharges else None
    after = discharge.event_time if discharge else arrival
    gate_outs = [
        e for e in events
        if e.event_type == "GATED_OUT" and e.classifier in ("PLN", "EST") and (after is None or e.event_time > after)
    ]  # fmt: skip
    return discharge, (gate_outs[0] if gate_outs else None)
