"""`cargoscreen db ...` — schema management."""

from __future__ import annotations

import typer

from cargoscreen.cli.context import console, load_context

app = typer.Typer(
    help="Database schema: upgrade to the newest migration, show the current one.", no_args_is_help=True
)


@app.command()
def upgrade() -> None:
    """Run the migrations up to the newest schema (SQLite file by default, or CARGOSCREEN_DATABASE_URL)."""
    ctx = load_context()
    db = ctx.ready_database()
    console.print(f"database at revision [bold]{db.current_revision()}[/bold]")


@app.command()
def current() -> None:
    """Print the schema revision the database is at."""
    ctx = load_context()
    console.print(ctx.database.current_revision() or "empty (run `cargoscreen db upgrade`)")
