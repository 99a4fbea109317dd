"""Scan image readers and writers: DICOS DX, 16-bit TIFF/PNG with a JSON sidecar, NPZ; findings export.

Formats and conventions: docs/scan-formats.md. Display derivatives live in
:mod:`cargoscreen.ingest.images.derivatives`.
"""

from cargoscreen.ingest.images.dicos_write import series_uid_for, write_dicos
from cargoscreen.ingest.images.findings import findings_to_json
from cargoscreen.ingest.images.npz import npz_bytes, write_npz
from cargoscreen.ingest.images.reader import read_scan_bytes, read_scan_uploads, read_scans
from cargoscreen.ingest.images.result import ChannelSource, ScanFileError, ScanReadResult
from cargoscreen.ingest.images.sidecar import write_sidecar_scan
from cargoscreen.ingest.images.tdr import ThreatObject, ThreatReport, read_tdr, write_tdr

__all__ = [
    "ChannelSource",
    "ScanFileError",
    "ScanReadResult",
    "ThreatObject",
    "ThreatReport",
    "findings_to_json",
    "npz_bytes",
    "read_scan_bytes",
    "read_scan_uploads",
    "read_scans",
    "read_tdr",
    "series_uid_for",
    "write_dicos",
    "write_npz",
    "write_sidecar_scan",
    "write_tdr",
]
