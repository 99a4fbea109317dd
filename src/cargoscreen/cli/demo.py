"""`cargoscreen demo` — a simulated port day walked through every step the platform has."""

from __future__ import annotations

from datetime import date

import typer
from rich.progress import Progress
from rich.rule import Rule

from cargoscreen.cli.context import console, load_context
from cargoscreen.cli.render import ingest_report_table, port_summary_tables, simulation_table
from cargoscreen.pipeline import ingest_paths, iter_input_files
from cargoscreen.pipeline.simulation import write_simulation
from cargoscreen.simulate import SimulationConfig, simulate_port


def demo(
    containers: int = typer.Option(33_000, "--containers", min=20, help="Containers discharged in the day."),
    seed: int = typer.Option(7, min=0, help="Random seed of the simulated day."),
    day: str = typer.Option("2026-03-09", help="The simulated day (YYYY-MM-DD, UTC)."),
) -> None:
    """Simulate a SYNTHETIC port day at Antwerp, ingest its messages and summarise the day."""
    ctx = load_context()
    db = ctx.ready_database()
    console.print(Rule("1. Simulate a port day (synthetic)"))
    config = SimulationConfig(seed=seed, containers_per_day=containers, start_date=date.fromisoformat(day))
    with console.status("simulating vessel calls, cargo, parties and smuggling cases..."):
        port = simulate_port(config)
    console.print(simulation_table(port))
    inbox = ctx.settings.data_dir / "inbox" / f"{day}-seed{seed}-{containers}"
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
            files, unit_of_work=db.unit_of_work, blobs=ctx.blobs, on_file=lambda _p: progress.advance(task)
        )
    console.print(ingest_report_table(report))

    console.print(Rule("3. The port day in the store"))
    with db.unit_of_work() as uow:
        summary = uow.stats()
    for table in port_summary_tables(summary):
        console.print(table)
    example = next((e.container_number for m in port.manifests for e in m.equipment if e.reefer), None)
    if example:
        console.print(f"look one up: [bold]cargoscreen containers show {example}[/bold]")
    console.print(f"data kept in [bold]{ctx.settings.data_dir.resolve()}[/bold] (CARGOSCREEN_DATA_DIR)")
