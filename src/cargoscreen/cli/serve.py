"""`cargoscreen serve` — the analyst workstation and the REST API over uvicorn."""

from __future__ import annotations

import typer

from cargoscreen.cli.context import console, load_context

#: The app factory uvicorn imports (by name: entry points do not import each other).
APP_FACTORY = "cargoscreen.api:create_app_from_environment"


def serve(
    host: str | None = typer.Option(None, help="Interface to listen on (default: CARGOSCREEN_WEB__HOST)"),
    port: int | None = typer.Option(None, min=1, max=65535, help="TCP port (default: CARGOSCREEN_WEB__PORT)"),
    workers: int = typer.Option(1, min=1, max=32, help="Worker processes"),
) -> None:
    """Serve the web workstation and the REST API (database migrated first); Ctrl-C stops."""
    import uvicorn

    ctx = load_context()
    db = ctx.ready_database()
    db.dispose()
    bind_host = host or ctx.settings.web.host
    bind_port = port or ctx.settings.web.port
    console.print(f"cargoscreen workstation on [bold]http://{bind_host}:{bind_port}/[/bold]  (API: /api/v1)")
    uvicorn.run(
        APP_FACTORY, factory=True, host=bind_host, port=bind_port, workers=workers, log_level="warning"
    )
