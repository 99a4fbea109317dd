"""Planning stage: turn a day's stored scan selection into slots on the mobile scanners, store the plan and
announce each slot to the terminal as a DCSA CUSTOMS_SELECTED_FOR_SCAN (``PLN``) event.

Plan items come from the store's facts about every container of the day's latest selection run in the SCAN
lane (``uow.planning.selection``): the risk score of its latest assessment on the call; *mandatory* when a
tip chose it or its lane was forced (tips, sensors); the discharge time from the terminal's discharge report
(DCSA ``DISCHARGED`` / COARRI), else the call's ATA, else its ETA; the terminal from the discharge report;
and the deadline from a planned or estimated gate-out when the terminal sent one, else discharge + 24 h for
reefers and perishables (HS chapters 02-04, 06-08) and + 48 h for other boxes — the early end of the usual
24-36 h and 48-72 h, so that no real deadline is passed unknowingly (settings ``PLANNING__*_DEADLINE_HOURS``).

The day is planned the way the rolling planner runs at the port: from the day's start, a horizon re-planned
every ``replan_every`` until the day ends; slots begun at a re-plan stay as they were. A mandatory box that
cannot be scanned in time (or has no scanner at its terminal) is withdrawn and reported for escalation —
send it to physical inspection or add a scanner — and the rest is planned.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from cargoscreen.domain.events import EquipmentEvent
from cargoscreen.domain.ports import UnitOfWorkFactory
from cargoscreen.domain.ports_ops import SelectedBoxView, StoredPlanView
from cargoscreen.planning.cpsat import SolverOptions
from cargoscreen.planning.errors import MandatoryNotPlanned
from cargoscreen.planning.events import scan_events, slot_event_id
from cargoscreen.planning.metrics import evaluate
from cargoscreen.planning.models import (
    TERMINAL_PATTERN,
    PlanItem,
    PlanMetrics,
    Scanner,
    Shift,
    Slot,
    Unplanned,
)
from cargoscreen.planning.rolling import Method, RollingPlanner

PERISHABLE_CHAPTERS = frozenset({"02", "03", "04", "06", "07", "08"})


@dataclass(frozen=True)
class ScannerSpec:
    """A scanner as configured: its daily shifts as ``HH:MM-HH:MM`` (UTC; an end before the start is the
    next day)."""

    scanner_id: str
    terminal: str
    scan_minutes: int = 3
    move_minutes: int = 12
    shifts: tuple[str, ...] = ("06:00-13:45", "14:00-21:45", "22:00-05:45")
    available: bool = True


@dataclass(frozen=True)
class PlanningOptions:
    """How a day is planned."""

    day: date
    scanners: Sequence[ScannerSpec]
    method: Method = "cpsat"
    horizon: timedelta = timedelta(hours=6)
    replan_every: timedelta = timedelta(hours=2)
    solver: SolverOptions = field(default_factory=SolverOptions)
    reefer_deadline: timedelta = timedelta(hours=24)
    dry_deadline: timedelta = timedelta(hours=48)
    start: datetime | None = None  # default: the day's 00:00 UTC
    un_locode: str = "BEANR"
    created_by: str = "cargoscreen"


@dataclass
class DayPlanReport:
    """The day's plan: slots by scanner, what was left out and why, the metrics and the events."""

    run_id: int
    day: date
    method: str
    items: list[PlanItem]
    slots: list[Slot]
    unplanned: list[Unplanned]
    skipped: list[tuple[str, str]]
    escalated: list[tuple[str, str]]
    metrics: PlanMetrics
    events: list[EquipmentEvent]
    retracted: list[str] = field(default_factory=list)
    replans: int = 0
    solve_seconds: float = 0.0
    horizon: tuple[datetime, datetime] | None = None

    def by_scanner(self) -> dict[str, list[Slot]]:
        """Slots per scanner, in start order."""
        grouped: dict[str, list[Slot]] = {}
        for slot in sorted(self.slots, key=lambda s: (s.scanner_id, s.start)):
            grouped.setdefault(slot.scanner_id, []).append(slot)
        return grouped


def plan_item(box: SelectedBoxView, options: PlanningOptions) -> PlanItem | str:
    """The plan item of a selected box, or why it cannot be planned."""
    ready = box.discharged_at or box.ata or box.eta
    if ready is None:
        return "no discharge report and no arrival time"
    terminal = box.discharge_facility or ""
    if not terminal:
        return "no terminal known: no discharge report (COARRI / DCSA DISCHARGED) for this call"
    if not _is_terminal(terminal):
        return f"terminal code {terminal!r} is not an SMDG code"
    perishable = any(code[:2] in PERISHABLE_CHAPTERS for code in box.hs_codes)
    reefer = bool(box.reefer)
    deadline = box.gate_out_by
    if deadline is None or deadline <= ready:
        deadline = ready + (options.reefer_deadline if reefer or perishable else options.dry_deadline)
    return PlanItem(
        container_number=box.container_number,
        terminal=terminal,
        discharge_at=ready,
        deadline_at=deadline,
        reefer=reefer,
        perishable=perishable and not reefer,
        risk=min(max(box.risk or 0.0, 0.0), 1.0),
        mandatory="tip" in box.reason_kinds or box.forced_channel is not None,
        reference=f"{box.imo_number}/{box.voyage_number}",
    )


def _is_terminal(code: str) -> bool:
    return re.fullmatch(TERMINAL_PATTERN.strip("^$"), code) is not None


def scanners_for(specs: Sequence[ScannerSpec], start: datetime, end: datetime) -> list[Scanner]:
    """The scanners with their shifts laid out over ``[start, end)`` (a day either side to be safe)."""
    days = [start.date() + timedelta(days=n) for n in range(-1, (end.date() - start.date()).days + 2)]
    scanners = []
    for spec in specs:
        shifts = sorted((s for day in days for s in _shifts_of(spec, day)), key=lambda s: s.start)
        scanners.append(
            Scanner(scanner_id=spec.scanner_id, terminal=spec.terminal, shifts=tuple(shifts),
                    scan_minutes=spec.scan_minutes, move_minutes=spec.move_minutes, available=spec.available)
        )  # fmt: skip
    return scanners


def _shifts_of(spec: ScannerSpec, day: date) -> Iterable[Shift]:
    for text in spec.shifts:
        try:
            first, last = (time.fromisoformat(part.strip()) for part in text.split("-"))
        except ValueError:
            raise ValueError(f"scanner {spec.scanner_id}: shift {text!r} is not HH:MM-HH:MM") from None
        begin = datetime.combine(day, first, UTC)
        finish = datetime.combine(day, last, UTC)
        yield Shift(start=begin, end=finish if finish > begin else finish + timedelta(days=1))


def plan_day(*, unit_of_work: UnitOfWorkFactory, options: PlanningOptions) -> DayPlanReport:
    """Plan the day's scan selection on the scanners, store the plan and its DCSA events."""
    with unit_of_work() as uow:
        selection = uow.planning.selection(options.day)
        previous = uow.planning.latest_plan(options.day)
    if selection is None:
        raise LookupError(f"no selection stored for {options.day}: run `cargoscreen risk select` first")
    items: list[PlanItem] = []
    skipped: list[tuple[str, str]] = []
    for box in selection.boxes:
        made = plan_item(box, options)
        if isinstance(made, str):
            skipped.append((box.container_number, made))
        else:
            items.append(made)
    start = options.start or datetime.combine(options.day, time(), UTC)
    end = start + timedelta(days=1)
    scanners = scanners_for(options.scanners, start, end + options.horizon)
    report = _roll(items, scanners, options, start, end)
    report.skipped = skipped
    by_number = {item.container_number: item for item in items}
    report.events = scan_events(report.slots, by_number, un_locode=options.un_locode)
    report.retracted = _retracted(previous, report.slots)
    with unit_of_work() as uow:
        uow.planning.save_scanners(scanners, {s.scanner_id: list(s.shifts) for s in options.scanners})
        uow.events.add_many(report.events)
        report.run_id = uow.planning.save_plan(
            day=options.day, selection_run_id=selection.run_id, method=options.method,
            horizon=report.horizon or (start, end), objective=0, status=f"{report.replans} re-plans",
            solve_seconds=report.solve_seconds, metrics=report.metrics.model_dump(mode="json"),
            unplanned=[u.model_dump(mode="json") for u in report.unplanned]
            + [{"container_number": n, "reason": "not_plannable", "detail": why} for n, why in skipped]
            + [{"container_number": n, "reason": "escalated", "detail": why} for n, why in report.escalated],
            slots=report.slots, event_ids={e.container_number: e.event_id for e in report.events},
            created_by=options.created_by,
        )  # fmt: skip
    return report


def _roll(
    items: list[PlanItem], scanners: list[Scanner], options: PlanningOptions, start: datetime, end: datetime
) -> DayPlanReport:
    planner = RollingPlanner(scanners, method=options.method, horizon=options.horizon, options=options.solver)
    planner.select(items)
    escalated: list[tuple[str, str]] = []
    moment, replans, seconds = start, 0, 0.0
    while True:
        try:
            plan = planner.replan(moment)
        except MandatoryNotPlanned as exc:
            for number, why in exc.details:
                planner.withdraw(number)
                escalated.append((number, why))
            continue
        replans, seconds = replans + 1, seconds + plan.solve_seconds
        if moment + options.replan_every >= end:
            break
        moment += options.replan_every
    slots = {s.container_number: s for s in planner.begun}
    slots.update({s.container_number: s for s in plan.slots if s.container_number not in slots})
    dropped = [Unplanned(container_number=i.container_number, reason="deadline", detail="deadline passed unscanned")
               for i in planner.dropped]  # fmt: skip
    ordered = sorted(slots.values(), key=lambda s: (s.start, s.scanner_id))
    return DayPlanReport(
        run_id=0, day=options.day, method=options.method, items=items, slots=ordered,
        unplanned=[*dropped, *plan.unplanned], skipped=[], escalated=escalated,
        metrics=evaluate(items, ordered, until=plan.horizon_end), events=[], replans=replans,
        solve_seconds=seconds, horizon=(start, plan.horizon_end),
    )  # fmt: skip


def _retracted(previous: StoredPlanView | None, slots: Sequence[Slot]) -> list[str]:
    """Event ids of the previous plan of the day whose slot moved or went (the terminal drops them)."""
    if previous is None:
        return []
    now = {slot_event_id(s) for s in slots}
    old = [
        slot_event_id(Slot(container_number=s.container_number, scanner_id=s.scanner_id, terminal=s.terminal,
                           start=s.start, end=s.end))
        for s in previous.slots
    ]  # fmt: skip
    return [event_id for event_id in old if event_id not in now]


def write_scan_outbox(report: DayPlanReport, folder: Path) -> Path:
    """The plan's slots as DCSA Track & Trace JSON for the terminals, with the ids of retracted slots."""
    from cargoscreen.ingest.dcsa import equipment_event_to_dcsa

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"scan-slots-{report.day}-plan{report.run_id}.json"
    partial = path.with_suffix(".json.part")
    body = {"events": [equipment_event_to_dcsa(e) for e in report.events], "retracted": report.retracted}
    partial.write_text(json.dumps(body, ensure_ascii=False) + "\n", encoding="utf-8")
    partial.replace(path)
    return path
