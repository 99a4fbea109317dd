"""Where each command module is attached to the app."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach every command group; each module owns its own commands."""
    from cargoscreen.cli import (
        containers,
        db,
        demo,
        imaging,
        ingest,
        quarantine,
        risk,
        scans,
        simulate,
        targeting,
    )

    app.command("demo")(demo.demo)
    app.command("simulate")(simulate.simulate)
    app.command("ingest")(ingest.ingest)
    app.add_typer(containers.app, name="containers")
    app.add_typer(quarantine.app, name="quarantine")
    app.add_typer(db.app, name="db")
    risk.app.command("select")(targeting.select_day)
    risk.app.add_typer(targeting.rules_app, name="rules")
    risk.app.add_typer(targeting.watchlist_app, name="watchlist")
    risk.app.add_typer(targeting.tips_app, name="tips")
    risk.app.add_typer(targeting.outcomes_app, name="outcomes")
    app.add_typer(risk.app, name="risk")
    app.add_typer(scans.app, name="scan")
    from cargoscreen.cli import serve, users

    app.add_typer(users.app, name="users")
    app.command("serve")(serve.serve)
    app.add_typer(imaging.app, name="imaging")
    from cargoscreen.cli import sensors

    app.add_typer(sensors.app, name="sensors")
    from cargoscreen.cli import custody, plan

    app.command("plan")(plan.plan)
    app.add_typer(custody.app, name="custody")
