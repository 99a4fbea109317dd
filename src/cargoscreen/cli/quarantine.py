"""`cargoscreen quarantine ...` — rejected input and why."""

from __future__ import annotations

import typer
from rich.table import Table

from cargoscreen.cli.context import console, load_context

app = typer.Typer(
    help="Rejected records kept with the reason and the place they were found.", no_args_is_help=True
)


@app.command("list")
def list_(
    limit: int = typer.Option(50, min=1, help="How many, newest first."),
    source: str | None = typer.Option(None, help="Only records from this file name."),
) -> None:
    """List quarantined records: file, scope, where (segment/line/field) and why."""
    db = load_context().ready_database()
    with db.unit_of_work() as uow:
        rows = uow.quarantine.list(limit=limit, source_name=source)
    table = Table(title=f"Quarantine ({len(rows)} shown)")
    for column in ("id", "when", "file", "scope", "where", "why"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            str(row.id),
            f"{row.created_at:%Y-%m-%d %H:%M}",
            row.source_name,
            row.scope,
            row.locator,
            row.reason,
        )
    console.print(table)
