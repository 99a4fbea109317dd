"""`cargoscreen scan ...` — take in, analyse, list and export X-ray scans."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import Progress
from rich.table import Table

from cargoscreen.cli.context import console, err_console, load_context
from cargoscreen.domain.errors import CargoscreenError
from cargoscreen.domain.ids import parse_un_locode
from cargoscreen.domain.scans import Scan, ScanFindings
from cargoscreen.imaging.runtime import ImageAnalyzer
from cargoscreen.ingest.images import (
    findings_to_json,
    read_scans,
    write_dicos,
    write_npz,
    write_sidecar_scan,
    write_tdr,
)
from cargoscreen.pipeline.scans import ScanIngestReport, analyze_files, ingest_scans, load_scan

app = typer.Typer(help="Scans: X-ray images (DICOS, 16-bit TIFF/PNG + JSON, NPZ) and the AI's findings.")

WEIGHTS_HELP = "Folder of image models (manifest.json + ONNX); default: the shipped weights"


def _analyzer(weights: Path | None) -> ImageAnalyzer:
    try:
        return ImageAnalyzer.load(weights)
    except CargoscreenError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None


@app.command("ingest")
def ingest(
    paths: list[Path] = typer.Argument(..., help="Scan files or folders; channels of one scan are grouped"),
    partner: str | None = typer.Option(
        None, help="UN/LOCODE of the partner port that sent these pre-departure scans"
    ),
    analyze: bool = typer.Option(True, help="Run the image AI on each stored scan"),
    weights: Path | None = typer.Option(None, help=WEIGHTS_HELP),
    submitted_by: str = typer.Option("cli", help="Who submits (recorded with each scan)"),
) -> None:
    """Store scans lossless with their metadata and display renditions; analyse them; flag unknown boxes."""
    ctx = load_context()
    db = ctx.ready_database()
    port = _partner(partner)
    analyzer = _analyzer(weights) if analyze else None
    missing = [p for p in paths if not p.exists()]
    if missing:
        err_console.print(f"[red]error:[/red] no such file or folder: {missing[0]}")
        raise typer.Exit(2)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("storing scans", total=None)
        report = ingest_scans(
            paths,
            unit_of_work=db.unit_of_work,
            blobs=ctx.blobs,
            submitted_by=f"partner:{port}" if port else submitted_by,
            origin_partner=port,
            analyzer=analyzer,
            max_bytes=ctx.settings.max_upload_mb * 1024 * 1024,
            on_scan=lambda _id: progress.advance(task),
        )
    console.print(ingest_table(report))
    if report.findings:
        console.print(findings_table(report.findings))
    for error in report.errors[:20]:
        err_console.print(f"[yellow]rejected:[/yellow] {error}")
    if report.errors and not report.stored and not report.duplicates:
        raise typer.Exit(1)


@app.command("analyze")
def analyze(
    paths: list[Path] = typer.Argument(..., help="Scan files or folders; channels of one scan are grouped"),
    out: Path = typer.Option(..., "--out", help="JSON lines: one object per scan"),
    weights: Path | None = typer.Option(None, help=WEIGHTS_HELP),
) -> None:
    """Analyse scans without storing them: concealment score and boxes, empty check, change if paired.

    Each line: {"scan", "container_number", "score", "boxes": [[x0, y0, x1, y1, score], ...], "empty", ...}
    in the input's pixel coordinates. A pre-departure scan in the same set is compared with the arrival scan
    of the same container.
    """
    analyzer = _analyzer(weights)
    result = read_scans(paths)
    for error in result.errors:
        err_console.print(f"[yellow]rejected:[/yellow] {error}")
    analyses = analyze_files(result, analyzer)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_findings_jsonl([a.findings for a in analyses], out)
    console.print(findings_table([a.findings for a in analyses]))
    console.print(
        f"{len(analyses)} scan(s) analysed → [bold]{out}[/bold]; {len(result.errors)} file(s) rejected"
    )
    if result.errors and not analyses:
        raise typer.Exit(1)


@app.command("list")
def list_scans(
    flagged: bool = typer.Option(False, help="Only scans needing attention (e.g. unknown container)"),
    limit: int = typer.Option(50, min=1, max=1000),
) -> None:
    """List stored scans with their latest findings."""
    db = load_context().ready_database()
    with db.unit_of_work() as uow:
        scans = uow.scans.list(flagged=True if flagged else None, limit=limit)
        findings = {s.meta.scan_id: uow.scans.findings(s.meta.scan_id) for s in scans}
    table = Table(title=f"Scans ({len(scans)})")
    for column in ("scan", "container", "origin", "scanned", "size", "score", "alarm", "empty", "flag"):
        table.add_column(column, no_wrap=True)
    for s in scans:
        found = findings[s.meta.scan_id]
        f = found.findings if found else None
        table.add_row(
            s.meta.scan_id[-24:],
            str(s.meta.container_number or s.meta.container_id_raw or "?"),
            s.meta.partner_port or s.meta.origin.value if s.meta.origin.value != "ARRIVAL" else "arrival",
            f"{s.meta.scanned_at:%Y-%m-%d %H:%M}",
            f"{s.rows}x{s.cols}",
            f"{f.score:.2f}" if f else "-",
            ("[red]ALARM[/red]" if f.alarm else "no") if f else "-",
            ("yes" if f.empty else "no") if f else "-",
            s.flag or "",
        )
    console.print(table)


@app.command("export")
def export(
    scan_id: str = typer.Argument(..., help="Scan id (SeriesInstanceUID or file stem)"),
    out: Path = typer.Option(..., "--out", help="Folder to write into"),
    fmt: str = typer.Option("dicos", "--format", help="dicos, tiff, png or npz"),
    findings: bool = typer.Option(True, help="Also write the findings: DICOS TDR and JSON"),
) -> None:
    """Write a stored scan in an exchange format, with its findings as a DICOS TDR and documented JSON."""
    ctx = load_context()
    db = ctx.ready_database()
    with db.unit_of_work() as uow:
        stored = uow.scans.get(scan_id)
        current = uow.scans.findings(scan_id)
    if stored is None:
        err_console.print(f"[red]error:[/red] scan {scan_id!r} is not stored")
        raise typer.Exit(1)
    scan = load_scan(stored, ctx.blobs)
    try:
        written = write_scan(scan, out, fmt)
    except (CargoscreenError, ValueError) as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    if findings and current is not None:
        written.append(write_tdr(current.findings, scan, out / f"{_stem(scan_id)}_tdr.dcm"))
        jsonl = out / f"{_stem(scan_id)}_findings.jsonl"
        write_findings_jsonl([current.findings], jsonl)
        written.append(jsonl)
    for path in written:
        console.print(f"wrote {path}")


def write_scan(scan: Scan, folder: Path, fmt: str) -> list[Path]:
    """Write a scan in one of the exchange formats; the paths written."""
    if fmt == "dicos":
        return write_dicos(scan, folder)
    if fmt in ("tiff", "png"):
        return write_sidecar_scan(scan, folder, image_format="tiff" if fmt == "tiff" else "png")
    if fmt == "npz":
        return [write_npz(scan, folder)]
    raise ValueError(f"--format {fmt!r}: choose dicos, tiff, png or npz")


def write_findings_jsonl(findings: list[ScanFindings], path: Path) -> None:
    """The analyze contract: one JSON object per scan per line."""
    path.write_text(findings_to_json(findings), encoding="utf-8")


def _stem(scan_id: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in scan_id)


def _partner(partner: str | None) -> str | None:
    if partner is None:
        return None
    try:
        return str(parse_un_locode(partner))
    except CargoscreenError as exc:
        err_console.print(f"[red]error:[/red] --partner: {exc}")
        raise typer.Exit(2) from None


def ingest_table(report: ScanIngestReport) -> Table:
    table = Table(title="Scans taken in")
    for column in ("stored", "already stored", "flagged (unknown container)", "rejected files"):
        table.add_column(column, justify="right")
    table.add_row(
        str(len(report.stored)),
        str(len(report.duplicates)),
        str(len(report.flagged)),
        str(len(report.errors)),
    )
    return table


def findings_table(findings: list[ScanFindings], *, title: str = "Findings of the image AI") -> Table:
    table = Table(title=title)
    for column in (
        "scan",
        "container",
        "declared",
        "score",
        "alarm",
        "boxes",
        "empty",
        "fits declared",
        "change",
    ):
        table.add_column(column, no_wrap=True)
    for f in findings:
        change = "-"
        if f.change is not None:
            change = f"+{f.change.added_kg_estimate:.0f} kg" if f.change.changed else "none"
        table.add_row(
            f.scan_id[-24:],
            f.container_number or "?",
            f.declared_class.value if f.declared_class else "?",
            f"{f.score:.2f}",
            "[red]ALARM[/red]" if f.alarm else "no",
            str(len(f.boxes)),
            "yes" if f.empty else "no",
            f"{f.consistency:.2f}" if f.consistency is not None else "-",
            change,
        )
    return table
