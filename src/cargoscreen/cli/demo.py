"""`cargoscreen demo` — simulated port days walked through every step the platform has."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import typer
from rich.progress import Progress
from rich.rule import Rule
from rich.table import Table

from cargoscreen.cli.context import AppContext, console, load_context
from cargoscreen.cli.plan import plan_tables, planning_options, summary_lines
from cargoscreen.cli.render import (
    ingest_report_table,
    port_summary_tables,
    selection_tables,
    simulation_table,
)
from cargoscreen.cli.targeting import profile_rules
from cargoscreen.cli.users import demo as demo_users
from cargoscreen.domain.errors import CargoscreenError
from cargoscreen.domain.targeting import Channel
from cargoscreen.imaging.runtime import ImageAnalyzer
from cargoscreen.pipeline import ingest_paths, iter_input_files
from cargoscreen.pipeline.custody import carry_seizure_to_destruction
from cargoscreen.pipeline.learning import active_container_model, train_from_outcomes
from cargoscreen.pipeline.planning import plan_day, write_scan_outbox
from cargoscreen.pipeline.port_days import DayOutcome, run_day, scaled_capacity, synthetic_intelligence
from cargoscreen.pipeline.port_scans import PortScanReport, scan_selected
from cargoscreen.pipeline.sensors import demo_stream
from cargoscreen.pipeline.simulation import write_simulation
from cargoscreen.pipeline.targeting import TargetingOptions, write_customs_outbox
from cargoscreen.risk.container_model import ContainerRiskModel
from cargoscreen.simulate import SimulatedPort, SimulationConfig, simulate_port
from cargoscreen.store import Database


def demo(
    containers: int = typer.Option(
        12_000, "--containers", min=200, help="Containers discharged a day (full scale: 33000)."
    ),
    history_days: int = typer.Option(2, "--history-days", min=1, max=6, help="Days before today (learning)."),
    seed: int = typer.Option(7, min=0, help="Random seed of the simulated port."),
    day: str = typer.Option("2026-03-12", help="Today, the day to select (YYYY-MM-DD, UTC)."),
    smuggling_rate: float = typer.Option(
        0.01, help="Cases per laden high-risk container; 10x the simulator's estimate so the demo learns."
    ),
    scans: int = typer.Option(30, min=0, help="Selected containers of today to scan (simulated X-ray)."),
) -> None:
    """Simulate SYNTHETIC port days at Antwerp, ingest them, select and learn day by day, then select today."""
    ctx = load_context()
    db = ctx.ready_database()
    today = date.fromisoformat(day)
    first = today - timedelta(days=history_days)
    console.print(Rule(f"1. Simulate {history_days + 1} port days (synthetic), {first} → {today}"))
    config = SimulationConfig(
        seed=seed,
        days=history_days + 1,
        containers_per_day=containers,
        start_date=first,
        smuggling_rate=smuggling_rate,
    )
    with console.status("simulating vessel calls, cargo, parties and smuggling cases..."):
        port = simulate_port(config)
    console.print(simulation_table(port))
    _ingest(ctx, db, port, f"{first}-{today}-seed{seed}-{containers}")

    console.print(Rule("3. Targeting and learning, day by day (inspections by SYNTHETIC officers)"))
    tips, entries = synthetic_intelligence(port, today)
    with db.unit_of_work() as uow:
        for tip in tips:
            uow.tips.add(tip)
        uow.watchlists.add_many(entries)
    capacity = scaled_capacity(
        containers, ctx.settings.targeting.scan_capacity, ctx.settings.targeting.physical_capacity
    )
    rules = profile_rules(ctx)
    days: list[DayOutcome] = []
    model: ContainerRiskModel | None = None
    version: str | None = None
    for offset in range(history_days + 1):
        options = TargetingOptions(
            day=first + timedelta(days=offset),
            capacity=capacity,
            rules=rules,
            exploration_share=ctx.settings.targeting.exploration_share,
            seed=seed + offset,
            model=model,
            model_version=version,
            created_by="demo",
        )
        with console.status(f"selecting {options.day}..."):
            days.append(run_day(port=port, unit_of_work=db.unit_of_work, options=options))
        if offset < history_days:
            model, version = _train(ctx, db, model, version)
    console.print(_days_table(days))
    console.print(Rule(f"4. Today's selection ({today}): reasons, capacity use, exploration"))
    for table in selection_tables(days[-1].report, top=12):
        console.print(table)
    outbox = write_customs_outbox(days[-1].report, ctx.settings.data_dir / "outbox", today)
    console.print(
        f"customs events emitted to the terminals: {len(days[-1].report.events):,} (DCSA) → {outbox}"
    )
    console.print(Rule("5. Journey and quay sensors (SYNTHETIC e-seals, trackers, e-noses, gate cameras)"))
    _sensors_today(db, port, today)
    console.print(Rule("6. Scanner plan: today's scan selection on the mobile scanners (CP-SAT from greedy)"))
    _plan_today(ctx, db, today)
    if scans:
        console.print(
            Rule(f"7. Scanners: today's first {scans} selected containers (SYNTHETIC X-ray), image AI")
        )
        _scan_today(ctx, db, port, today, scans, seed)
    console.print(Rule("8. Custody: a seizure of today carried to a scheduled destruction"))
    _custody_today(ctx, db, today)
    with db.unit_of_work() as uow:
        summary = uow.stats()
    console.print(Rule("9. The port in the store"))
    for table in port_summary_tables(summary):
        console.print(table)
    example = days[-1].report.selection.selected(days[-1].report.selection.decisions[0].channel)
    if example:
        console.print(f"look one up: [bold]cargoscreen containers show {example[0].container_number}[/bold]")
    console.print(f"data kept in [bold]{ctx.settings.data_dir.resolve()}[/bold] (CARGOSCREEN_DATA_DIR)")
    console.print(Rule("10. The analyst workstation"))
    demo_users()


def _ingest(ctx: AppContext, db: Database, port: SimulatedPort, name: str) -> None:
    inbox = ctx.settings.data_dir / "inbox" / name
    with console.status("writing CUSCAR, CODECO and DCSA files..."):
        write_simulation(port, inbox, formats=("cuscar", "codeco", "coarri", "dcsa"))
    console.print(f"carriers' and terminals' messages written to [bold]{inbox}[/bold]")
    console.print(Rule("2. Ingest the messages (format detected per file)"))
    files = [
        p
        for p in iter_input_files([inbox])
        if p.suffix in {".edi", ".json"} and p.name != "ground_truth.json"
    ]
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("ingesting", total=len(files))
        report = ingest_paths(
            files,
            unit_of_work=db.unit_of_work,
            blobs=ctx.blobs,
            workers=2,
            on_file=lambda _p: progress.advance(task),
        )
    console.print(ingest_report_table(report))


def _sensors_today(db: Database, port: SimulatedPort, today: date) -> None:
    with console.status("feeding the day's sensor stream through the pipeline..."):
        changes = demo_stream(port, today, db.unit_of_work)
    table = Table(title=f"Re-targeted by sensors ({len(changes)}; up to 4 of each signal kind shown)")
    for column in ("container", "signal", "score", "lane", "customs event"):
        table.add_column(column, no_wrap=True)
    kinds = sorted({s.code.value for c in changes for s in c.signals})
    shown: dict[str, int] = {}
    for change in sorted(changes, key=lambda c: (c.old_channel == c.new_channel, -c.new_score)):
        codes = sorted({s.code.value for s in change.signals})
        if all(shown.get(code, 0) >= 4 for code in codes):
            continue
        for code in codes:
            shown[code] = shown.get(code, 0) + 1
        table.add_row(
            change.container_number,
            ", ".join(codes),
            f"{change.old_score:.2f} → {change.new_score:.2f}",
            f"{_lane(change.old_channel)} → {_lane(change.new_channel)}",
            ", ".join(e.event_type.value for e in change.events) or "-",
        )
    console.print(table)
    console.print(f"signal kinds seen: {', '.join(kinds) or 'none'}")


def _plan_today(ctx: AppContext, db: Database, today: date) -> None:
    options = planning_options(ctx, today, "cpsat")
    options = replace(options, solver=replace(options.solver, time_limit_seconds=1.0))
    with console.status("planning the scanners (rolling 6 h horizon, re-planned every 2 h)..."):
        report = plan_day(unit_of_work=db.unit_of_work, options=options)
    for table in plan_tables(report, show=4):
        console.print(table)
    for line in summary_lines(report):
        console.print(line, highlight=False)
    outbox = write_scan_outbox(report, ctx.settings.data_dir / "outbox")
    console.print(f"{len(report.events)} CUSTOMS_SELECTED_FOR_SCAN slot events → {outbox}")


def _custody_today(ctx: AppContext, db: Database, today: date) -> None:
    with db.unit_of_work() as uow:
        seizures = [o for o in uow.outcomes.all() if o.positive]
    todays = [o for o in seizures if o.recorded_at.date() == today] or seizures
    if not todays:
        console.print("no seizure recorded yet: nothing to carry to destruction")
        return
    outcome = max(todays, key=lambda o: o.seized_kg)
    report = carry_seizure_to_destruction(
        db.unit_of_work,
        outcome=outcome,
        key=ctx.settings.custody.ledger_key.get_secret_value().encode(),
        now=outcome.recorded_at,
    )
    for line in report.lines():
        console.print(line, highlight=False)
    console.print("check the ledger any time: [bold]cargoscreen custody verify[/bold]")


def _lane(channel: Channel | None) -> str:
    return channel.value if channel is not None else "-"


def _scan_today(
    ctx: AppContext, db: Database, port: SimulatedPort, today: date, limit: int, seed: int
) -> None:
    analyzer = ImageAnalyzer.load()
    with db.unit_of_work() as uow:
        saved = uow.selections.latest(today)
    if saved is None:
        console.print("no selection stored for today: nothing to scan")
        return
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("simulating scans, importing DICOS, analysing", total=limit)
        report = scan_selected(
            port=port,
            selection=saved.result,
            day=today,
            folder=ctx.settings.data_dir / "scans" / f"{today}",
            unit_of_work=db.unit_of_work,
            blobs=ctx.blobs,
            analyzer=analyzer,
            limit=limit,
            seed=seed,
            on_scan=lambda _id: progress.advance(task),
        )
    console.print(scan_findings_table(report))
    hidden = [s for s in report.scanned if s.true_concealment is not None]
    caught = [s for s in hidden if s.findings.alarm]
    console.print(
        f"{len(report.scanned)} scans as DICOS in {report.folder}; image AI {analyzer.version}: "
        f"{len(report.alarms)} alarm(s); {len(caught)} of {len(hidden)} true concealments flagged"
    )
    if report.alarms:
        first = report.alarms[0].findings
        console.print(
            f"export one with its findings: [bold]cargoscreen scan export {first.scan_id} --out scan-out[/bold]"
        )


def _train(
    ctx: AppContext, db: Database, model: ContainerRiskModel | None, version: str | None
) -> tuple[ContainerRiskModel | None, str | None]:
    try:
        with console.status("retraining the container model from the stored outcomes..."):
            summary = train_from_outcomes(
                unit_of_work=db.unit_of_work, models_dir=ctx.settings.data_dir / "models"
            )
    except CargoscreenError as exc:
        console.print(f"model not retrained yet: {exc}")
        return model, version
    auc = f", holdout AUC {summary.holdout.auc:.2f}" if summary.holdout else ""
    console.print(
        f"model {summary.version}: {summary.cases:,} inspected containers, {summary.positives} seizures{auc}"
    )
    return active_container_model(db.unit_of_work)


def scan_findings_table(report: PortScanReport) -> Table:
    table = Table(title="Scan findings (truth columns are SYNTHETIC ground truth, shown only to measure)")
    for column in (
        "container",
        "lane",
        "declared",
        "score",
        "alarm",
        "boxes",
        "empty",
        "fits",
        "change",
        "truth",
    ):
        table.add_column(column, no_wrap=True)
    for s in sorted(report.scanned, key=lambda x: -x.findings.score):
        f = s.findings
        change = "-"
        if f.change is not None:
            change = (
                f"+{f.change.added_kg_estimate:.0f} kg ({s.pre_departure_port})"
                if f.change.changed
                else "none"
            )
        truth = f"{s.true_concealment.value} {s.true_kg:.0f} kg" if s.true_concealment else "clean"
        table.add_row(
            s.container_number,
            s.channel.value,
            f.declared_class.value if f.declared_class else "?",
            f"{f.score:.2f}",
            "[red]ALARM[/red]" if f.alarm else "no",
            str(len(f.boxes)),
            "yes" if f.empty else "no",
            f"{f.consistency:.2f}" if f.consistency is not None else "-",
            change,
            truth,
        )
    return table


def _days_table(days: list[DayOutcome]) -> Table:
    table = Table(title="Day by day (ground truth shown only for measuring; customs never sees it)")
    for column in ("day", "scored by", "selected", "explore", "seized", "kg", "true cases", "hit"):
        table.add_column(column, justify="right", no_wrap=True)
    for d in days:
        selection = d.report.selection
        chosen = [x for x in selection.decisions if x.channel.value != "GREEN"]
        table.add_row(
            f"{d.day:%m-%d}",
            "rules+model" if d.report.assessments and d.report.assessments[0].model_version else "rules",
            f"{len(chosen):,}",
            str(sum(x.exploration for x in chosen)),
            str(d.seizures),
            f"{d.seized_kg:,.0f}",
            str(d.cases_today),
            str(d.cases_selected),
        )
    return table
