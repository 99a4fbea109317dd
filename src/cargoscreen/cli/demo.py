"""`cargoscreen demo` — simulated port days walked through every step the platform has."""

from __future__ import annotations

from datetime import date, timedelta

import typer
from rich.progress import Progress
from rich.rule import Rule
from rich.table import Table

from cargoscreen.cli.context import AppContext, console, load_context
from cargoscreen.cli.render import (
    ingest_report_table,
    port_summary_tables,
    selection_tables,
    simulation_table,
)
from cargoscreen.cli.targeting import profile_rules
from cargoscreen.domain.errors import CargoscreenError
from cargoscreen.pipeline import ingest_paths, iter_input_files
from cargoscreen.pipeline.learning import active_container_model, train_from_outcomes
from cargoscreen.pipeline.port_days import DayOutcome, run_day, scaled_capacity, synthetic_intelligence
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
    with db.unit_of_work() as uow:
        summary = uow.stats()
    console.print(Rule("5. The port in the store"))
    for table in port_summary_tables(summary):
        console.print(table)
    example = days[-1].report.selection.selected(days[-1].report.selection.decisions[0].channel)
    if example:
        console.print(f"look one up: [bold]cargoscreen containers show {example[0].container_number}[/bold]")
    console.print(f"data kept in [bold]{ctx.settings.data_dir.resolve()}[/bold] (CARGOSCREEN_DATA_DIR)")


def _ingest(ctx: AppContext, db: Database, port: SimulatedPort, name: str) -> None:
    inbox = ctx.settings.data_dir / "inbox" / name
    with console.status("writing CUSCAR, CODECO and DCSA files..."):
        write_simulation(port, inbox, formats=("cuscar", "codeco", "dcsa"))
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
