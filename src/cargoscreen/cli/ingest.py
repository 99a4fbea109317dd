"""`cargoscreen ingest PATH...` — take in manifests and events in any supported format."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import Progress

from cargoscreen.cli.context import console, err_console, load_context
from cargoscreen.cli.render import ingest_report_table
from cargoscreen.pipeline import ingest_paths, iter_input_files


def ingest(
    paths: list[Path] = typer.Argument(
        ..., help="Files or folders: EDIFACT (CUSCAR/CODECO/COARRI), JSON, CSV, DCSA"
    ),
) -> None:
    """Ingest manifests and equipment events; the format of each file is detected."""
    ctx = load_context()
    db = ctx.ready_database()
    try:
        files = iter_input_files(paths)
    except FileNotFoundError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("ingesting", total=len(files))
        report = ingest_paths(
            files,
            unit_of_work=db.unit_of_work,
            blobs=ctx.blobs,
            max_bytes=ctx.settings.max_upload_mb * 1024 * 1024,
            on_file=lambda _path: progress.advance(task),
        )
    console.print(ingest_report_table(report))
    for error in report.errors[:20]:
        err_console.print(f"[yellow]rejected:[/yellow] {error}")
    if report.rejected:
        console.print("see the rejected records with [bold]cargoscreen quarantine list[/bold]")
