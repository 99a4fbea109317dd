"""`cargoscreen simulate` — a synthetic port day or week as the files a customs service receives."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from cargoscreen.cli.context import console, err_console
from cargoscreen.cli.render import simulation_table
from cargoscreen.pipeline.simulation import OUTPUT_FORMATS, write_simulation
from cargoscreen.simulate import SimulationConfig, simulate_port


def simulate(
    out: Path = typer.Option(Path("sim-out"), "--out", "-o", help="Folder to write the files into."),
    days: int = typer.Option(1, min=1, max=14, help="Days to simulate."),
    containers: int = typer.Option(
        33_000, "--containers", min=20, help="Containers discharged a day (full scale 33 000)."
    ),
    seed: int = typer.Option(7, min=0, help="Random seed; the same seed gives the same port."),
    start: str = typer.Option("2026-03-09", help="First day (YYYY-MM-DD, UTC)."),
    smuggling_rate: float | None = typer.Option(
        None, help="Cases per laden container from high-risk origins."
    ),
    formats: str = typer.Option(
        "cuscar,codeco", help=f"Comma-separated output formats: {', '.join(OUTPUT_FORMATS)}."
    ),
) -> None:
    """Simulate a SYNTHETIC port day or week at Antwerp and write manifests, terminal messages and ground truth."""
    try:
        options = {"smuggling_rate": smuggling_rate} if smuggling_rate is not None else {}
        config = SimulationConfig(
            seed=seed,
            days=days,
            containers_per_day=containers,
            start_date=date.fromisoformat(start),
            **options,
        )
        with console.status("simulating the port..."):
            port = simulate_port(config)
        with console.status("writing files..."):
            paths = write_simulation(port, out, formats=[f.strip() for f in formats.split(",") if f.strip()])
    except ValueError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    console.print(simulation_table(port))
    console.print(
        f"{len(paths)} files written to [bold]{out}[/bold] (synthetic; ground truth in ground_truth.json)"
    )
