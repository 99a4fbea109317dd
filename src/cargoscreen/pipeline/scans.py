"""Scans from files to the store: read and group, keep pixels lossless, make display renditions, analyse.

Order of writes, so that nothing is half-stored: every blob first (channel pixels as ``.npy``, the files as
received, renditions, heat-map — content-addressed, so a retry rewrites nothing), then one unit of work per
scan with its row, channels, renditions and findings. A scan whose container no manifest lists is stored
with a flag, never dropped. Files that give no scan go to the quarantine with the reason.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cargoscreen.domain.ports import BlobStore, UnitOfWork, UnitOfWorkFactory
from cargoscreen.domain.scans import (
    UNKNOWN_CONTAINER,
    Analysis,
    CargoClass,
    ChannelBlob,
    Rendition,
    Scan,
    ScanError,
    ScanFindings,
    ScanMetadata,
    ScanOrigin,
    StoredScan,
    UInt16Image,
)
from cargoscreen.imaging.runtime import ImageAnalyzer
from cargoscreen.ingest.images import ScanFileError, ScanReadResult, read_scans
from cargoscreen.pipeline.renditions import heatmap_rendition, scan_renditions


@dataclass(slots=True)
class ScanIngestReport:
    """What happened to each scan: stored, already stored, stored but flagged, or refused (with why)."""

    stored: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)
    errors: list[ScanFileError] = field(default_factory=list)
    findings: list[ScanFindings] = field(default_factory=list)


def channel_bytes(image: UInt16Image) -> bytes:
    """A channel as ``.npy`` bytes: lossless, self-describing, no pickle."""
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(image), allow_pickle=False)
    return buffer.getvalue()


def channel_from_bytes(data: bytes, *, where: str) -> UInt16Image:
    """The uint16 image of a stored ``.npy`` channel blob."""
    try:
        image = np.load(io.BytesIO(data), allow_pickle=False)
    except (ValueError, OSError) as exc:
        raise ScanError(f"stored channel is not a readable .npy array ({exc})", where=where) from exc
    if not isinstance(image, np.ndarray) or image.dtype != np.uint16:
        raise ScanError("stored channel is not a uint16 array", where=where)
    return image


def load_scan(stored: StoredScan, blobs: BlobStore) -> Scan:
    """Rebuild a stored scan from its channel blobs."""
    channels = {
        c.energy_kv: channel_from_bytes(
            blobs.get(c.sha256), where=f"{stored.meta.scan_id} ({c.energy_kv} kV)"
        )
        for c in stored.channels
    }
    return Scan(stored.meta, channels)


def ingest_scans(
    paths: Sequence[Path],
    *,
    unit_of_work: UnitOfWorkFactory,
    blobs: BlobStore,
    submitted_by: str,
    origin_partner: str | None = None,
    analyzer: ImageAnalyzer | None = None,
    max_bytes: int | None = None,
    on_scan: Callable[[str], None] | None = None,
) -> ScanIngestReport:
    """Read scan files and folders (channels grouped into scans), store and, with an analyzer, analyse them.

    ``origin_partner`` (a UN/LOCODE) marks scans pushed by a partner port: they must be pre-departure scans
    of that port (metadata that names no origin is taken as such; another port is refused).
    """
    result = read_scans(list(paths), max_bytes=max_bytes)
    return store_read_result(
        result,
        unit_of_work=unit_of_work,
        blobs=blobs,
        submitted_by=submitted_by,
        origin_partner=origin_partner,
        analyzer=analyzer,
        on_scan=on_scan,
    )


def store_read_result(
    result: ScanReadResult,
    *,
    unit_of_work: UnitOfWorkFactory,
    blobs: BlobStore,
    submitted_by: str,
    origin_partner: str | None = None,
    analyzer: ImageAnalyzer | None = None,
    on_scan: Callable[[str], None] | None = None,
) -> ScanIngestReport:
    """Store the scans of a read result (see :func:`ingest_scans`); quarantine the files that gave none."""
    report = ScanIngestReport(errors=list(result.errors))
    for scan in result.scans:
        files = {c.energy_kv: c.file for c in result.sources.get(scan.meta.scan_id, ())}
        try:
            accepted = _as_partner(scan, origin_partner) if origin_partner else scan
        except ScanError as exc:
            report.errors.append(
                ScanFileError(source=", ".join(files.values()), reason=str(exc), scan_id=scan.meta.scan_id)
            )
            continue
        store_scan(
            accepted,
            unit_of_work=unit_of_work,
            blobs=blobs,
            submitted_by=submitted_by,
            source_files=files,
            analyzer=analyzer,
            report=report,
        )
        if on_scan is not None:
            on_scan(scan.meta.scan_id)
    if report.errors:
        with unit_of_work() as uow:
            uow.quarantine.add_many([error.as_rejection() for error in report.errors])
    return report


def store_scan(
    scan: Scan,
    *,
    unit_of_work: UnitOfWorkFactory,
    blobs: BlobStore,
    submitted_by: str,
    source_files: Mapping[int, str] | None = None,
    analyzer: ImageAnalyzer | None = None,
    report: ScanIngestReport | None = None,
) -> ScanIngestReport:
    """Store one scan (blobs first, then rows in one unit of work) and analyse it when given an analyzer."""
    report = report if report is not None else ScanIngestReport()
    scan_id = scan.meta.scan_id
    with unit_of_work() as uow:
        if uow.scans.get(scan_id) is not None:
            report.duplicates.append(scan_id)
            return report
    channels = [
        ChannelBlob(kv, blobs.put(channel_bytes(image)), _source_blob(blobs, (source_files or {}).get(kv)))
        for kv, image in scan.channels.items()
    ]
    renditions = [_rendition(blobs, name, media, data) for name, media, data in scan_renditions(scan)]
    with unit_of_work() as uow:
        number = scan.meta.container_number
        flag = None if number is not None and uow.scans.known_container(str(number)) else UNKNOWN_CONTAINER
        if not uow.scans.add(scan.meta, scan.shape, channels, submitted_by=submitted_by, flag=flag):
            report.duplicates.append(scan_id)
            return report
        uow.scans.add_renditions(scan_id, renditions)
    report.stored.append(scan_id)
    if flag is not None:
        report.flagged.append(scan_id)
    if analyzer is not None:
        report.findings.extend(
            analyze_after_store(scan, unit_of_work=unit_of_work, blobs=blobs, analyzer=analyzer)
        )
    return report


def analyze_after_store(
    scan: Scan, *, unit_of_work: UnitOfWorkFactory, blobs: BlobStore, analyzer: ImageAnalyzer
) -> list[ScanFindings]:
    """Analyse a newly stored scan; a new pre-departure scan also re-analyses the arrival scan it pairs with."""
    found = [analyze_stored_scan(scan, unit_of_work=unit_of_work, blobs=blobs, analyzer=analyzer)]
    number = scan.meta.container_number
    if scan.meta.origin is ScanOrigin.PRE_DEPARTURE and number is not None:
        with unit_of_work() as uow:
            arrivals = [s for s in uow.scans.of_container(str(number)) if s.meta.origin is ScanOrigin.ARRIVAL]
        if arrivals:
            arrival = load_scan(arrivals[-1], blobs)
            found.append(
                analyze_stored_scan(arrival, unit_of_work=unit_of_work, blobs=blobs, analyzer=analyzer)
            )
    return found


def analyze_stored_scan(
    scan: Scan, *, unit_of_work: UnitOfWorkFactory, blobs: BlobStore, analyzer: ImageAnalyzer
) -> ScanFindings:
    """Analyse a stored scan against its declared cargo (and its pre-departure scan); store the findings."""
    with unit_of_work() as uow:
        declared = _declared_class(uow, scan.meta)
        pre = _pre_departure(uow, scan.meta)
    pre_scan = load_scan(pre, blobs) if pre is not None else None
    analysis = analyzer.analyze(scan, declared_class=declared, pre_departure=pre_scan)
    heat = heatmap_rendition(analysis.heatmap)
    sha = blobs.put(heat)
    with unit_of_work() as uow:
        uow.scans.add_findings(analysis.findings, sha)
    return analysis.findings


def analyze_files(
    result: ScanReadResult, analyzer: ImageAnalyzer, *, declared: Mapping[str, CargoClass] | None = None
) -> list[Analysis]:
    """Analyse scans read from files without storing them (``scan analyze``); pre-departure scans in the
    same set are paired with the arrival scans of the same container."""
    pre: dict[str, Scan] = {}
    for scan in result.scans:
        if scan.meta.origin is ScanOrigin.PRE_DEPARTURE and scan.meta.container_number is not None:
            pre[str(scan.meta.container_number)] = scan
    analyses = []
    for scan in result.scans:
        number = str(scan.meta.container_number) if scan.meta.container_number else None
        pair = pre.get(number) if number and scan.meta.origin is ScanOrigin.ARRIVAL else None
        cargo = (declared or {}).get(number) if number else None
        analyses.append(analyzer.analyze(scan, declared_class=cargo, pre_departure=pair))
    return analyses


def _declared_class(uow: UnitOfWork, meta: ScanMetadata) -> CargoClass | None:
    if meta.container_number is None:
        return None
    declared = uow.scans.declared(str(meta.container_number))
    return declared.cargo_class if declared is not None else None


def _pre_departure(uow: UnitOfWork, meta: ScanMetadata) -> StoredScan | None:
    if meta.origin is not ScanOrigin.ARRIVAL or meta.container_number is None:
        return None
    earlier = [
        s
        for s in uow.scans.of_container(str(meta.container_number))
        if s.meta.origin is ScanOrigin.PRE_DEPARTURE and s.meta.scanned_at <= meta.scanned_at
    ]
    return earlier[-1] if earlier else None


def _as_partner(scan: Scan, port: str) -> Scan:
    meta = scan.meta
    if (
        meta.origin is ScanOrigin.PRE_DEPARTURE
        and meta.partner_port is not None
        and str(meta.partner_port) != port
    ):
        raise ScanError(
            f"partner {port} cannot submit a scan of partner {meta.partner_port}", where=meta.scan_id
        )
    updated = meta.model_copy(update={"origin": ScanOrigin.PRE_DEPARTURE, "partner_port": port})
    return Scan(ScanMetadata.model_validate(updated.model_dump()), dict(scan.channels))


def _source_blob(blobs: BlobStore, file: str | None) -> str | None:
    if not file:
        return None
    path = Path(file)
    return blobs.put(path.read_bytes()) if path.is_file() else None


def _rendition(blobs: BlobStore, name: str, media: str, data: bytes) -> Rendition:
    return Rendition(name=name, media_type=media, sha256=blobs.put(data))
