"""`cargoscreen custody ...` — the custody team's chain of custody, from seizure to the incinerator.

The CLI is an operator tool: it runs with the ledger key of the settings, so it may show storage locations
and incinerator appointments. ``show --role`` prints a case as another role would see it; the web and API
layers always serve custody data through those need-to-know views.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import typer

from cargoscreen.cli.context import AppContext, console, err_console, load_context
from cargoscreen.cli.targeting import fail
from cargoscreen.custody.events import EVENT_ADAPTER, Transfer
from cargoscreen.custody.ledger import Anchor
from cargoscreen.custody.models import BagWeight, Role, SealCondition, SealFound
from cargoscreen.custody.reconcile import Tolerance
from cargoscreen.custody.redaction import case_view, entry_view
from cargoscreen.domain.errors import CargoscreenError
from cargoscreen.pipeline.custody import (
    CustodyConfig,
    IncineratorSpec,
    SeizureInput,
    case_history,
    custody_alerts,
    incinerator_sessions,
    record_events,
    register_seizure,
    schedule_destruction,
    verify_store,
)
from cargoscreen.store import Database

app = typer.Typer(
    help="Custody of seized drugs: seizure to destruction, signed ledger.", no_args_is_help=True
)


def _setup() -> tuple[AppContext, Database, CustodyConfig]:
    ctx = load_context()
    policy = ctx.settings.custody
    config = CustodyConfig(
        key=policy.ledger_key.get_secret_value().encode("utf-8"),
        tolerance=Tolerance(absolute_kg=policy.tolerance_kg, relative=policy.tolerance_share),
        deadline=timedelta(hours=policy.destruction_hours),
        warn_before=timedelta(hours=policy.warn_hours),
    )
    return ctx, ctx.ready_database(), config


def _moment(at: str | None) -> datetime:
    if at is None:
        return datetime.now(UTC)
    moment = datetime.fromisoformat(at)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@app.command("verify")
def verify(
    anchor: str | None = typer.Option(None, "--anchor", help="A head kept elsewhere, as SEQ:HASH."),
) -> None:
    """Verify the stored ledger (signatures, sequence, links, anchor); exit 1 naming the first bad entry."""
    _, db, config = _setup()
    try:
        kept = Anchor(seq=int(anchor.split(":")[0]), hash=anchor.split(":")[1]) if anchor else None
    except (ValueError, IndexError):
        raise fail(ValueError(f"--anchor must be SEQ:HASH, not {anchor!r}")) from None
    check = verify_store(unit_of_work=db.unit_of_work, key=config.key, anchor=kept)
    if not check.report.ok:
        report = check.report
        err_console.print(f"[red]ledger TAMPERED[/red] at entry {report.first_bad_seq}: {report.problem} — "
                          f"{report.detail}", highlight=False, soft_wrap=True)  # fmt: skip
        raise typer.Exit(1)
    if check.index_mismatches:
        err_console.print(f"[red]ledger TAMPERED[/red]: query columns of entries {check.index_mismatches} differ "
                          "from their signed payload", highlight=False, soft_wrap=True)  # fmt: skip
        raise typer.Exit(1)
    console.print(f"ledger OK: {check.entries} entries verified; head {check.anchor.seq}:{check.anchor.hash} "
                  "(keep it apart and pass it with --anchor to find entries cut off the end)", highlight=False)  # fmt: skip


@app.command("seize")
def seize(
    container: str = typer.Option(..., "--container", help="Container whose inspection found the drugs."),
    packages: int = typer.Option(..., "--packages", min=1, help="Packages (bricks) seized."),
    officer: str = typer.Option(..., "--officer", help="Acting officer."),
    witness: str = typer.Option("", "--witness", help="Witnessing officer (a second person is required)."),
    kg: float | None = typer.Option(None, "--kg", help="Gross kg; default: the inspection outcome's."),
    place: str = typer.Option("scanner lane", "--place", help="Where the seizure was made."),
    seal: list[str] = typer.Option([], "--seal", help="Container seal as found: NUMBER:intact|broken."),
    case: str | None = typer.Option(None, "--case", help="Case number; default: the next AN-<year>-NNNN."),
) -> None:
    """Register a seizure from the stored inspection outcome (result SEIZURE) of a container."""
    _, db, config = _setup()
    try:
        seals = tuple(
            SealFound(seal_number=s.split(":")[0], intact=s.split(":")[-1] == "intact") for s in seal
        )
        seizure = SeizureInput(container_number=container, acting_officer=officer, witness_officer=witness,
                               place=place, occurred_at=datetime.now(UTC), package_count=packages, gross_kg=kg,
                               seals_found=seals, case_number=case)  # fmt: skip
        opened = register_seizure(
            unit_of_work=db.unit_of_work, config=config, seizure=seizure, recorded_by=officer
        )
    except (CargoscreenError, ValueError) as exc:
        raise fail(exc) from None
    console.print(f"case {opened.case_number} opened: {opened.seizure.gross_kg:.1f} kg {opened.seizure.substance} "
                  f"from {container}, state {opened.state}", highlight=False)  # fmt: skip


@app.command("transfer")
def transfer(
    case: str = typer.Option(..., "--case", help="Case number."),
    released_by: str = typer.Option(..., "--released-by", help="Who hands the bags over."),
    received_by: str = typer.Option(
        "", "--received-by", help="Who receives them (a second person is required)."
    ),
    purpose: str = typer.Option(..., "--purpose", help="Why, e.g. to secure storage."),
    bag: list[str] = typer.Option([], "--bag", help="Bag serial; default: every bag the case holds."),
    seal: SealCondition = typer.Option(SealCondition.INTACT, "--seal", help="Seal condition found."),
    from_location: str = typer.Option("", "--from-location", help="Where from (secret)."),
    to_location: str = typer.Option("", "--to-location", help="Where to (secret)."),
    weigh: list[str] = typer.Option([], "--weigh", help="Weight on receipt: SERIAL=KG."),
) -> None:
    """Record a hand-over of evidence bags; refused without the second person."""
    _, db, config = _setup()
    try:
        current, _ = case_history(unit_of_work=db.unit_of_work, config=config, case_number=case)
        event = Transfer(case_number=case, occurred_at=datetime.now(UTC), recorded_by=released_by,
                         bag_serials=tuple(bag) or tuple(current.bags), released_by=released_by,
                         received_by=received_by, from_location=from_location, to_location=to_location,
                         purpose=purpose, seal_condition=seal,
                         weighed=tuple(BagWeight(bag_serial=w.split("=")[0], kg=float(w.split("=")[1]))
                                       for w in weigh))  # fmt: skip
        after = record_events(unit_of_work=db.unit_of_work, config=config, events=[event])[case]
    except (CargoscreenError, ValueError, IndexError) as exc:
        raise fail(exc) from None
    console.print(f"transfer recorded on case {case}: {len(event.bag_serials)} bag(s) to {received_by}; "
                  f"state {after.state}", highlight=False)  # fmt: skip


@app.command("record")
def record(path: Path = typer.Argument(..., help="JSON file: one custody event or a list of them.")) -> None:
    """Record custody events from JSON (packaging, storage, sampling, authorisation, destruction, ...)."""
    _, db, config = _setup()
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
        events = [
            EVENT_ADAPTER.validate_python(e) for e in (loaded if isinstance(loaded, list) else [loaded])
        ]
        cases = record_events(unit_of_work=db.unit_of_work, config=config, events=events)
    except (CargoscreenError, ValueError, OSError) as exc:
        raise fail(exc) from None
    for number, case in cases.items():
        console.print(f"case {number}: state {case.state}, {case.held_kg:.2f} kg held", highlight=False)


@app.command("plan-destruction")
def plan_destruction_command(
    at: str | None = typer.Option(None, "--at", help="Planning time (ISO 8601); default: now."),
) -> None:
    """Book authorised stock into the incinerators' sessions (48-hour clock) and record the bookings."""
    ctx, db, config = _setup()
    now = _moment(at)
    policy = ctx.settings.custody
    specs = [IncineratorSpec(name=i.name, session_times=tuple(i.session_times), capacity_kg=i.capacity_kg)
             for i in policy.incinerators]  # fmt: skip
    sessions = incinerator_sessions(specs, now=now, days=policy.session_days)
    try:
        plan = schedule_destruction(unit_of_work=db.unit_of_work, config=config, sessions=sessions, now=now,
                                    recorded_by="cargoscreen custody plan-destruction")  # fmt: skip
    except CargoscreenError as exc:
        raise fail(exc) from None
    for booking in plan.bookings:
        bags = ", ".join(f"{b.case_number}/{b.bag_serial} {b.kg:.2f} kg{' LATE' if b.late else ''}"
                         for b in booking.bags)  # fmt: skip
        console.print(f"{booking.session.session_id} {booking.session.starts_at:%Y-%m-%d %H:%M} UTC "
                      f"{booking.session.incinerator}: {booking.load_kg:.1f} kg — {bags}", highlight=False)  # fmt: skip
    for bag in plan.unbooked:
        console.print(
            f"UNBOOKED {bag.case_number}/{bag.bag_serial} {bag.kg:.2f} kg: {bag.reason}", highlight=False
        )
    if not plan.bookings and not plan.unbooked:
        console.print("nothing to book: no authorised stock waiting for a session")


@app.command("alerts")
def alerts_command(
    at: str | None = typer.Option(None, "--at", help="Time (ISO 8601); default: now."),
) -> None:
    """The 48-hour destruction clock, failed weight reconciliations and broken seals."""
    _, db, config = _setup()
    try:
        found = custody_alerts(unit_of_work=db.unit_of_work, config=config, now=_moment(at))
    except CargoscreenError as exc:
        raise fail(exc) from None
    for alert in found:
        console.print(f"{alert.kind.value:<22} {alert.case_number}  {alert.message}", highlight=False)
    console.print(f"{len(found)} alert(s)")


@app.command("show")
def show(
    case: str = typer.Argument(..., help="Case number."),
    role: Role = typer.Option(Role.CUSTODY_OFFICER, "--role", help="Print as this role would see it."),
) -> None:
    """A case: state, weights, bags, bookings and its ledger entries (secrets only for custody officers)."""
    _, db, config = _setup()
    try:
        current, entries = case_history(unit_of_work=db.unit_of_work, config=config, case_number=case)
    except CargoscreenError as exc:
        raise fail(exc) from None
    console.print_json(json.dumps(case_view(current, role)))
    for entry in entries:
        event = entry_view(entry, role)["event"]
        details = {k: v for k, v in event.items() if k not in ("case_number", "kind", "occurred_at")}
        console.print(
            f"#{entry.seq} {event['occurred_at']} {event['kind']}: {json.dumps(details)}", highlight=False
        )
