"""Rich tables shared by several commands."""

from __future__ import annotations

from rich.table import Table

from cargoscreen.domain.reference import hs_nomenclature
from cargoscreen.pipeline import IngestReport
from cargoscreen.simulate import SimulatedPort
from cargoscreen.store import PortSummary


def ingest_report_table(report: IngestReport) -> Table:
    """One row per count of an ingest run."""
    table = Table(title="Ingest", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    rows = [
        ("files read", report.files),
        ("files already seen before", report.files_already_seen),
        ("manifest messages stored", report.manifests_new),
        ("manifest messages already stored (skipped)", report.manifests_duplicate),
        ("containers stored", report.containers_new),
        ("equipment events stored", report.events_new),
        ("records rejected to quarantine", report.rejected),
    ]
    for label, value in rows:
        table.add_row(label, f"{value:,}")
    return table


def simulation_table(port: SimulatedPort) -> Table:
    """What was simulated: calls, containers, reefers, cases (ground truth, shown as such)."""
    containers = sum(len(m.equipment) for m in port.manifests)
    reefers = sum(1 for m in port.manifests for e in m.equipment if e.reefer)
    table = Table(title=f"Simulated port (SYNTHETIC, seed {port.config.seed})", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    for label, value in (
        ("days", port.config.days),
        ("vessel calls", len(port.manifests)),
        ("containers discharged", containers),
        ("reefers", reefers),
        ("consignments (B/L)", sum(len(m.consignments) for m in port.manifests)),
        ("terminal events", len(port.events)),
        ("smuggling cases (ground truth, hidden from customs)", len(port.ground_truth.cases)),
    ):
        table.add_row(label, f"{value:,}")
    return table


def port_summary_tables(summary: PortSummary) -> list[Table]:
    """Counts of the day, origins by country and goods by HS chapter."""
    totals = Table(title="Port day summary", show_header=False)
    totals.add_column("what")
    totals.add_column("count", justify="right")
    for label, value in (
        ("vessel calls", summary.vessel_calls),
        ("containers on calls", summary.containers),
        ("reefers", summary.reefers),
        ("consignments (B/L)", summary.consignments),
        ("goods items", summary.goods_items),
        ("equipment events", summary.events),
        ("quarantined records", summary.quarantined),
    ):
        totals.add_row(label, f"{value:,}")
    origins = Table(title="Consignments by country of loading (top 15)")
    origins.add_column("country")
    origins.add_column("consignments", justify="right")
    for country, count in summary.by_origin_country[:15]:
        origins.add_row(country, f"{count:,}")
    chapters = Table(title="Goods items by HS chapter")
    chapters.add_column("chapter")
    chapters.add_column("description")
    chapters.add_column("items", justify="right")
    nomenclature = hs_nomenclature()
    for chapter, count in summary.top_hs_chapters:
        entry = nomenclature.get(chapter)
        chapters.add_row(chapter, entry.description[:60] if entry else "", f"{count:,}")
    return [totals, origins, chapters]
