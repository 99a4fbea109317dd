"""`cargoscreen containers ...` — look a container up."""

from __future__ import annotations

import typer
from rich.console import Group
from rich.panel import Panel
from rich.table import Table

from cargoscreen.cli.context import console, err_console, load_context
from cargoscreen.cli.scans import findings_table
from cargoscreen.domain.errors import InvalidIdentifier
from cargoscreen.domain.ids import parse_container_number
from cargoscreen.domain.targeting import RiskAssessment, SelectionDecision
from cargoscreen.store import CallVisit, ContainerDossier

app = typer.Typer(help="Containers: everything stored about one container.", no_args_is_help=True)


@app.command()
def show(number: str = typer.Argument(..., help="ISO 6346 container number, e.g. MSCU1234566")) -> None:
    """Show a container's vessel calls, bills of lading, parties, goods, seals and events."""
    try:
        container_number = parse_container_number(number)
    except InvalidIdentifier as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    db = load_context().ready_database()
    with db.unit_of_work() as uow:
        dossier = uow.containers.show(container_number)
        assessment = uow.assessments.latest_for(container_number)
        decision = uow.selections.decision_for(container_number)
        scans = uow.scans.of_container(container_number)
        findings = [uow.scans.findings(s.meta.scan_id) for s in scans]
    if dossier is None:
        err_console.print(f"[red]error:[/red] container {container_number} is not in the store")
        raise typer.Exit(1)
    console.print(render_dossier(dossier))
    if assessment is not None:
        console.print(render_risk(assessment, decision))
    if scans:
        console.print(
            findings_table([f.findings for f in findings if f is not None], title="Scans and findings")
        )
        for s in scans:
            origin = f"pre-departure at {s.meta.partner_port}" if s.meta.partner_port else "arrival"
            console.print(
                f"scan {s.meta.scan_id}: {origin}, {s.meta.scanned_at:%Y-%m-%d %H:%M} UTC, {s.meta.scanner}"
            )


def render_risk(assessment: RiskAssessment, decision: SelectionDecision | None) -> Panel:
    """The latest risk assessment with every reason, and the lane of the latest selection."""
    lane = decision.channel.value if decision else "not selected yet"
    explored = (
        f" (exploration: {decision.exploration_kind.value})" if decision and decision.exploration_kind else ""
    )
    lines = [f"score [bold]{assessment.score:.2f}[/bold], lane [bold]{lane}[/bold]{explored}"]
    lines += [
        f"{reason.kind.value}: {reason.text}"
        for reason in (decision.reasons if decision else assessment.reasons)
    ]
    title = f"Risk of {assessment.container_number}, assessed {assessment.assessed_at:%Y-%m-%d %H:%M} UTC"
    return Panel("\n".join(lines), title=title)


def render_dossier(dossier: ContainerDossier) -> Group:
    """Panels per vessel call and a table of events."""
    parts: list[Panel | Table] = [_call_panel(visit) for visit in dossier.calls]
    events = Table(title=f"Events of {dossier.container_number}")
    for column in ("time (UTC)", "event", "where", "source", "reference"):
        events.add_column(column)
    for event in dossier.events:
        events.add_row(
            f"{event.event_time:%Y-%m-%d %H:%M}",
            event.event_type.value,
            event.un_locode or "",
            event.source.value,
            event.reference or event.event_id,
        )
    parts.append(events)
    return Group(*parts)


def _call_panel(visit: CallVisit) -> Panel:
    seals = ", ".join(f"{s.seal_number} ({s.source.value})" for s in visit.seals) or "none declared"
    arrival = visit.ata or visit.eta
    lines = [
        f"[bold]{visit.vessel_name}[/bold] IMO {visit.imo_number} voyage {visit.voyage_number} "
        f"({visit.carrier}) at {visit.port_of_call}, {'ATA' if visit.ata else 'ETA'} "
        f"{arrival:%Y-%m-%d %H:%M}"
        if arrival
        else f"IMO {visit.imo_number} voyage {visit.voyage_number}",
        f"size-type {visit.size_type or '?'}{' reefer' if visit.reefer else ''}, "
        f"gross {visit.gross_kg or 0:,.0f} kg, seals: {seals}",
    ]
    for consignment in visit.consignments:
        stops = (
            consignment.place_of_origin,
            consignment.port_of_loading,
            *consignment.transhipment_ports,
            consignment.port_of_discharge,
        )
        route = " → ".join(p for i, p in enumerate(stops) if p and p not in stops[:i])
        shipper = consignment.consignor.name if consignment.consignor else "?"
        consignee = consignment.consignee.name if consignment.consignee else "?"
        lines.append(f"B/L [bold]{consignment.bill_of_lading}[/bold]  {route}")
        lines.append(f"   shipper {shipper}  →  consignee {consignee}")
        for goods in consignment.goods:
            lines.append(
                f"   item {goods.item_number}: HS {goods.hs_code or '—'} {goods.description} "
                f"({goods.packages_in_container or goods.packages or '?'} {goods.package_type}, "
                f"{goods.gross_kg or 0:,.0f} kg)"
            )
    return Panel("\n".join(lines), title=visit.message_key or "vessel call")
