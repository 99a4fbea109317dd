"""`cargoscreen plan` — the day's scan selection laid out on the mobile scanners, announced to the terminals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Literal, cast

import typer
from rich.table import Table

from cargoscreen.cli.context import AppContext, console, load_context
from cargoscreen.cli.targeting import fail
from cargoscreen.domain.errors import CargoscreenError
from cargoscreen.pipeline.planning import (
    DayPlanReport,
    PlanningOptions,
    ScannerSpec,
    plan_day,
    write_scan_outbox,
)
from cargoscreen.planning.cpsat import SolverOptions

METHODS = ("cpsat", "greedy", "fifo")


def planning_options(ctx: AppContext, day: date, method: str) -> PlanningOptions:
    """The planning options of the settings for one day."""
    policy = ctx.settings.planning
    scanners = [ScannerSpec(scanner_id=s.scanner_id, terminal=s.terminal, scan_minutes=s.scan_minutes,
                            move_minutes=s.move_minutes, shifts=tuple(s.shifts), available=s.available)
                for s in policy.scanners]  # fmt: skip
    return PlanningOptions(
        day=day, scanners=scanners, method=cast(Literal["fifo", "greedy", "cpsat"], method),
        horizon=timedelta(hours=policy.horizon_hours), replan_every=timedelta(hours=policy.replan_hours),
        solver=SolverOptions(time_limit_seconds=policy.cpsat_time_limit_s, workers=policy.cpsat_workers),
        reefer_deadline=timedelta(hours=policy.reefer_deadline_hours),
        dry_deadline=timedelta(hours=policy.dry_deadline_hours),
    )  # fmt: skip


def plan(
    day: str | None = typer.Option(None, "--day", help="Operational day (YYYY-MM-DD); default: today (UTC)."),
    method: str = typer.Option(
        "cpsat", "--method", help="cpsat (greedy polished by CP-SAT), greedy or fifo."
    ),
    show: int = typer.Option(12, "--show", min=0, help="Slots to print per scanner."),
) -> None:
    """Plan the day's scan selection on the scanners (rolling horizon) and write the DCSA slot events."""
    if method not in METHODS:
        raise fail(ValueError(f"--method must be one of {', '.join(METHODS)}, not {method!r}"))
    ctx = load_context()
    db = ctx.ready_database()
    try:
        the_day = date.fromisoformat(day) if day else datetime.now(UTC).date()
        report = plan_day(unit_of_work=db.unit_of_work, options=planning_options(ctx, the_day, method))
    except (CargoscreenError, LookupError, ValueError) as exc:
        raise fail(exc) from None
    for table in plan_tables(report, show=show):
        console.print(table)
    for line in summary_lines(report):
        console.print(line, highlight=False)
    outbox = write_scan_outbox(report, ctx.settings.data_dir / "outbox")
    console.print(f"{len(report.events)} CUSTOMS_SELECTED_FOR_SCAN slot events ({len(report.retracted)} retracted) "
                  f"written to [bold]{outbox}[/bold]")  # fmt: skip


def plan_tables(report: DayPlanReport, *, show: int) -> list[Table]:
    """One table per scanner: its slots (the first ``show``) with the box's flags and risk."""
    items = {item.container_number: item for item in report.items}
    tables = []
    for scanner_id, slots in report.by_scanner().items():
        risk = sum(items[s.container_number].risk for s in slots)
        table = Table(
            title=f"Scanner {scanner_id} ({slots[0].terminal}): {len(slots)} scans, risk {risk:.2f}"
        )
        for column in ("start (UTC)", "end", "container", "flags", "risk", "added dwell", "deadline"):
            table.add_column(column)
        for slot in slots[:show]:
            item = items[slot.container_number]
            flags = " ".join(f for f, on in (("mandatory", item.mandatory), ("reefer", item.reefer),
                                             ("perishable", item.perishable)) if on)  # fmt: skip
            dwell = (slot.end - item.discharge_at).total_seconds() / 3600
            late = " MISSED" if slot.end > item.deadline_at else ""
            table.add_row(f"{slot.start:%m-%d %H:%M}", f"{slot.end:%H:%M}", slot.container_number, flags,
                          f"{item.risk:.2f}", f"{dwell:.1f} h", f"{item.deadline_at:%m-%d %H:%M}{late}")  # fmt: skip
        if len(slots) > show:
            table.caption = f"… and {len(slots) - show} more"
        tables.append(table)
    return tables


def summary_lines(report: DayPlanReport) -> list[str]:
    """Risk covered, added dwell, deadlines missed and what was left out."""
    m = report.metrics
    mean = f"{m.mean_added_dwell_minutes / 60:.1f} h" if m.mean_added_dwell_minutes is not None else "-"
    p95 = f"{m.p95_added_dwell_minutes / 60:.1f} h" if m.p95_added_dwell_minutes is not None else "-"
    lines = [
        f"plan {report.run_id} of {report.day} ({report.method}, {report.replans} re-plans, "
        f"{report.solve_seconds:.1f} s): {m.scanned} of {m.items} boxes scanned, "
        f"risk covered {m.risk_covered:.2f} of {m.risk_total:.2f} ({m.risk_covered_share:.0%})",
        f"added dwell: mean {mean}, p95 {p95}; deadlines missed {m.deadlines_missed} "
        f"(reefers {m.reefer_deadlines_missed}, mandatory {m.mandatory_missed}); still open {m.open}",
    ]
    lines += [f"left out: {u.container_number} ({u.reason}) {u.detail}" for u in report.unplanned[:10]]
    lines += [f"not plannable: {number}: {why}" for number, why in report.skipped[:10]]
    if len(report.skipped) > 10:
        lines.append(f"… {len(report.skipped) - 10} more not plannable")
    lines += [f"ESCALATE (mandatory, no slot): {number}: {why}" for number, why in report.escalated]
    return lines
