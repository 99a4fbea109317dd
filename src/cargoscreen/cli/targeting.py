"""`cargoscreen risk select | rules | watchlist | tips | outcomes` — the targeting centre's daily work."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import typer

from cargoscreen.cli.context import AppContext, console, err_console, load_context
from cargoscreen.cli.render import selection_tables
from cargoscreen.domain.errors import CargoscreenError
from cargoscreen.domain.outcomes import InspectionOutcome, OutcomeResult
from cargoscreen.domain.targeting import Channel, DailyCapacity, Reliability, Tip, TipTarget
from cargoscreen.pipeline.learning import active_container_model
from cargoscreen.pipeline.targeting import TargetingOptions, target_day, write_customs_outbox
from cargoscreen.risk.rules import RuleSet, default_profile, load_profiles
from cargoscreen.risk.watchlists import load_watchlist

rules_app = typer.Typer(help="Rule profiles: check a YAML profile before it is used.", no_args_is_help=True)
watchlist_app = typer.Typer(
    help="Watch lists of parties, containers, vessels and B/Ls.", no_args_is_help=True
)
tips_app = typer.Typer(help="Tips from partner agencies: forced selection while valid.", no_args_is_help=True)
outcomes_app = typer.Typer(help="Inspection outcomes: the labels of the learning loop.", no_args_is_help=True)


def fail(exc: Exception) -> typer.Exit:
    """Print an expected error as one line and return the exit to raise."""
    err_console.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
    return typer.Exit(2)


def profile_rules(ctx: AppContext) -> RuleSet:
    """The configured rule profiles, or the shipped default."""
    paths = ctx.settings.targeting.profiles
    return load_profiles(paths) if paths else default_profile()


def select_day(
    day: str = typer.Option(..., "--day", help="Operational day (YYYY-MM-DD): the calls arriving that day."),
    scan: int | None = typer.Option(None, "--scan", min=0, help="Scan capacity (default: settings)."),
    physical: int | None = typer.Option(
        None, "--physical", min=0, help="Physical capacity (default: settings)."
    ),
    exploration: float | None = typer.Option(
        None, "--exploration", min=0.0, max=1.0, help="Exploration share."
    ),
    seed: int = typer.Option(0, help="Seed of the random exploration picks."),
    top: int = typer.Option(15, help="Selected containers to print."),
) -> None:
    """Score the day's containers (rules, watch lists, tips, model) and select lanes within capacity."""
    ctx = load_context()
    db = ctx.ready_database()
    policy = ctx.settings.targeting
    try:
        model, version = active_container_model(db.unit_of_work)
        options = TargetingOptions(
            day=date.fromisoformat(day),
            capacity=DailyCapacity(
                scan=policy.scan_capacity if scan is None else scan,
                physical=policy.physical_capacity if physical is None else physical,
            ),
            rules=profile_rules(ctx),
            exploration_share=policy.exploration_share if exploration is None else exploration,
            seed=seed,
            model=model,
            model_version=version,
        )
        report = target_day(unit_of_work=db.unit_of_work, options=options, now=datetime.now(UTC))
    except (CargoscreenError, ValueError) as exc:
        raise fail(exc) from None
    for table in selection_tables(report, top=top):
        console.print(table)
    outbox = write_customs_outbox(report, ctx.settings.data_dir / "outbox", options.day)
    console.print(
        f"{len(report.events):,} DCSA customs events for the terminals written to [bold]{outbox}[/bold]"
    )


@rules_app.command("check")
def rules_check(paths: list[Path] = typer.Argument(..., help="Profile YAML files.")) -> None:
    """Validate rule profiles: every problem is named with file, line, rule and field."""
    try:
        rules = load_profiles(paths)
    except CargoscreenError as exc:
        raise fail(exc) from None
    console.print(f"{len(rules.rules)} rules valid in {', '.join(str(p) for p in paths)}")


@watchlist_app.command("load")
def watchlist_load(
    path: Path = typer.Argument(..., help="CSV or YAML: list_kind,value,reason,added_by[,valid_until]."),
    replace: bool = typer.Option(False, help="Replace every stored entry (default: add to them)."),
) -> None:
    """Load watch-list entries; a bad file loads nothing and names the line and column."""
    db = load_context().ready_database()
    try:
        entries = load_watchlist(path).entries
    except CargoscreenError as exc:
        raise fail(exc) from None
    with db.unit_of_work() as uow:
        count = uow.watchlists.replace_all(entries) if replace else uow.watchlists.add_many(entries)
    console.print(f"{count} watch-list entries stored from {path}")


@watchlist_app.command("list")
def watchlist_list() -> None:
    """Print the watch-list entries in force today."""
    db = load_context().ready_database()
    with db.unit_of_work() as uow:
        entries = uow.watchlists.all(date.today())
    for entry in entries:
        until = entry.valid_until or "no end"
        console.print(f"{entry.list_kind.value:>14}  {entry.value:<40} until {until}  {entry.reason}")


@tips_app.command("add")
def tips_add(
    tip_id: str = typer.Option(..., "--id", help="The tip's reference."),
    target: TipTarget = typer.Option(..., "--target", help="What the tip names."),
    value: str = typer.Option(..., "--value", help="Container number, B/L, IMO number or party name."),
    agency: str = typer.Option(..., "--agency", help="Source agency."),
    reliability: Reliability = typer.Option(Reliability.F, help="Source reliability (A–F)."),
    days: int = typer.Option(14, min=1, help="Days the tip stays valid."),
    channel: Channel = typer.Option(Channel.PHYSICAL, help="Forced lane: SCAN or PHYSICAL."),
    note: str = typer.Option("", help="Free text for the officers."),
) -> None:
    """Register a tip: every matching container is selected while the tip is valid."""
    now = datetime.now(UTC)
    try:
        tip = Tip(
            tip_id=tip_id, target_kind=target, target_value=value, source_agency=agency, reliability=reliability,
            valid_from=now, expires_at=now + timedelta(days=days), channel=channel, note=note,
        )  # fmt: skip
    except ValueError as exc:
        raise fail(exc) from None
    db = load_context().ready_database()
    with db.unit_of_work() as uow:
        if not uow.tips.add(tip):
            raise fail(CargoscreenError(f"tip {tip_id} already exists"))
    console.print(f"tip {tip_id} valid until {tip.expires_at:%Y-%m-%d %H:%M} UTC")


@tips_app.command("list")
def tips_list() -> None:
    """Print every tip with its validity and how often it was used."""
    db = load_context().ready_database()
    with db.unit_of_work() as uow:
        rows = [(tip, len(uow.tips.uses(tip.tip_id))) for tip in uow.tips.list_all()]
    for tip, uses in rows:
        console.print(
            f"{tip.tip_id}  {tip.target_kind.value}={tip.target_value}  {tip.source_agency} ({tip.reliability.value})"
            f"  {tip.channel.value}  until {tip.expires_at:%Y-%m-%d}  used {uses}x"
        )


@outcomes_app.command("record")
def outcomes_record(
    container: str = typer.Option(..., "--container", help="Container number."),
    imo: str = typer.Option(..., "--imo", help="IMO number of the vessel call."),
    voyage: str = typer.Option(..., "--voyage", help="Voyage of the vessel call."),
    channel: Channel = typer.Option(..., "--channel", help="SCAN or PHYSICAL."),
    result: OutcomeResult = typer.Option(..., "--result", help="CLEAN or SEIZURE."),
    substance: str = typer.Option("", help="Substance seized, e.g. cocaine."),
    kg: float = typer.Option(0.0, help="Kilograms seized."),
    location: str = typer.Option("", help="Place in the container, e.g. door end."),
    officer: str = typer.Option(..., "--officer", help="Who records the outcome."),
) -> None:
    """Record what an inspection found; it becomes a label for the next training."""
    try:
        outcome = InspectionOutcome(
            container_number=container, imo_number=imo, voyage_number=voyage, channel=channel, result=result,
            substance=substance, seized_kg=kg, location=location, recorded_by=officer,
            recorded_at=datetime.now(UTC),
        )  # fmt: skip
    except ValueError as exc:
        raise fail(exc) from None
    db = load_context().ready_database()
    with db.unit_of_work() as uow:
        stored = uow.outcomes.add(outcome)
    console.print("outcome recorded" if stored else "this outcome was already recorded")
