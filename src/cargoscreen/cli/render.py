"""Rich tables shared by several commands."""

from __future__ import annotations

from rich.table import Table

from cargoscreen.domain.reference import hs_nomenclature
from cargoscreen.domain.targeting import Channel, Reason, ReasonKind, SelectionDecision
from cargoscreen.pipeline import IngestReport
from cargoscreen.pipeline.targeting import TargetingReport
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


def selection_tables(report: TargetingReport, *, top: int = 15) -> list[Table]:
    """Capacity use, the riskiest selected containers with their reasons, and the exploration picks."""
    result = report.selection
    lanes = Table(title=f"Selection run {report.run_id}: capacity use")
    for column in ("lane", "capacity", "selected", "of which forced beyond capacity"):
        lanes.add_column(column, justify="right")
    overflow = {d.container_number for d in result.overflow}
    for channel, capacity in (
        (Channel.SCAN, result.capacity.scan),
        (Channel.PHYSICAL, result.capacity.physical),
    ):
        chosen = result.selected(channel)
        lanes.add_row(
            channel.value,
            f"{capacity:,}",
            f"{len(chosen):,}",
            str(sum(d.container_number in overflow for d in chosen)),
        )
    lanes.add_row("GREEN (released)", "—", f"{len(result.selected(Channel.GREEN)):,}", "—")
    scores = {a.container_number: a.score for a in report.assessments}
    picked = [d for d in result.decisions if d.channel is not Channel.GREEN]
    riskiest = Table(title=f"Top {top} selected containers and why")
    for column in ("container", "lane", "score", "reasons"):
        riskiest.add_column(column, overflow="fold")
    for decision in sorted((d for d in picked if not d.exploration), key=_intelligence_first)[:top]:
        text = "\n".join(f"{r.kind.value}: {_headline(r)}" for r in decision.reasons[:5])
        riskiest.add_row(
            decision.container_number,
            decision.channel.value,
            f"{scores[decision.container_number]:.2f}",
            text,
        )
    explored = [d for d in picked if d.exploration]
    exploration = Table(
        title=f"Exploration picks ({len(explored)}): so the model learns beyond what it believes"
    )
    for column in ("container", "lane", "kind", "score"):
        exploration.add_column(column)
    for decision in explored[:8]:
        kind = decision.exploration_kind.value if decision.exploration_kind else ""
        exploration.add_row(
            decision.container_number,
            decision.channel.value,
            kind,
            f"{scores[decision.container_number]:.2f}",
        )
    return [lanes, riskiest, exploration]


def _intelligence_first(decision: SelectionDecision) -> tuple[int, int]:
    """Tips and watch-list hits first (an analyst checks them before anything else), then by rank."""
    flagged = any(r.kind in (ReasonKind.TIP, ReasonKind.WATCHLIST) for r in decision.reasons)
    return (0 if flagged else 1, decision.rank)


def _headline(reason: Reason, limit: int = 90) -> str:
    """A reason in one short line: a rule's title before its rationale, the model's probability alone."""
    text = reason.text
    if reason.kind is ReasonKind.MODEL and reason.code == "probability":
        return f"probability {reason.weight:.2f}"
    head = text.split(": ", 1)[0] if len(text) > limit else text
    return head if len(head) <= limit else head[: limit - 1] + "…"
