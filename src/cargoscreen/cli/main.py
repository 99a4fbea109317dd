"""The ``cargoscreen`` command: one Typer app, one module per command group."""

from __future__ import annotations

import logging

import typer

from cargoscreen import __version__

app = typer.Typer(
    name="cargoscreen",
    help="cargoscreen — customs targeting, scanning and custody for container ports.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def main(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress details."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print version."),
) -> None:
    """cargoscreen — customs targeting, scanning and custody for container ports."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )


def _register() -> None:
    """Attach the command groups (imported here so `import cargoscreen` stays light)."""
    from cargoscreen.cli import groups

    groups.register(app)


_register()
