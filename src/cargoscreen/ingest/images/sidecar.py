"""16-bit TIFF or PNG per energy channel plus a JSON sidecar (UFF's interim exchange).

``<scan>.json`` holds the scan's metadata in the ``cargoscreen.scan/1`` form and a ``channels`` list naming
each channel file (a plain file name in the sidecar's folder) and its energy; see docs/scan-formats.md.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from cargoscreen.domain.scans import Scan, ScanError
from cargoscreen.ingest.images.files import write_all
from cargoscreen.ingest.images.metadata import FORMAT, meta_from_json, meta_to_json, safe_stem
from cargoscreen.ingest.images.rasters import RasterFormat, encode_raster, read_raster
from cargoscreen.ingest.images.sources import Kind, Source, detect

_MAX_SIDECAR_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class Sidecar:
    """A sidecar read: its JSON document and (energy kV, channel file name) pairs, in file order."""

    source: Source
    doc: Mapping[str, Any]
    channels: tuple[tuple[int, str], ...]

    @property
    def scan_id(self) -> str:
        value = self.doc.get("scan_id")
        return value if isinstance(value, str) and value else PurePosixPath(self.source.basename).stem


def read_sidecar(source: Source) -> Sidecar:
    """Parse and check a sidecar's JSON and channel list (not yet the metadata values)."""
    where = source.name
    if source.size > _MAX_SIDECAR_BYTES:
        raise ScanError(f"{source.size} bytes is too large for a sidecar", where=where)
    try:
        doc = json.loads(source.read().decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ScanError(f"sidecar is not UTF-8 JSON: {exc}", where=where) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        found = doc.get("format") if isinstance(doc, dict) else type(doc).__name__
        raise ScanError(f'not a scan sidecar: needs "format": "{FORMAT}", found {found!r}', where=where)
    return Sidecar(source=source, doc=doc, channels=_channels(doc.get("channels"), where))


def assemble_sidecar(sidecar: Sidecar, files: Mapping[str, Source]) -> Scan:
    """Check the sidecar's metadata, then read the channel files it names (``files`` by name)."""
    where = sidecar.source.name
    for kv, name in sidecar.channels:
        if name not in files:
            raise ScanError(f"channel file {name} ({kv} kV) named by the sidecar is missing", where=where)
    meta = meta_from_json(
        sidecar.doc,
        where=where,
        energies_kv=[kv for kv, _ in sidecar.channels],
        source_format=_format_of(files[sidecar.channels[0][1]]),
        default_scan_id=sidecar.scan_id,
    )
    images = {}
    for kv, name in sidecar.channels:
        channel = files[name]
        images[kv] = read_raster(channel, detect(channel), meta.pixel_spacing_mm)
    return Scan(meta=meta, channels=images)


def write_sidecar_scan(scan: Scan, folder: Path, *, image_format: RasterFormat = "tiff") -> list[Path]:
    """Write ``<scan>_<kV>.tiff`` (or ``.png``) per channel and ``<scan>.json``; return [sidecar, channels…]."""
    stem = safe_stem(scan.meta.scan_id)
    suffix = "tiff" if image_format == "tiff" else "png"
    names = {kv: f"{stem}_{kv}.{suffix}" for kv in scan.meta.energies_kv}
    doc = meta_to_json(scan.meta) | {
        "channels": [{"energy_kv": kv, "file": name} for kv, name in names.items()],
    }
    sidecar = (folder / f"{stem}.json", (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode())
    channels = [(folder / name, encode_raster(scan.channels[kv], image_format)) for kv, name in names.items()]
    return write_all([sidecar, *channels])


def _channels(value: object, where: str) -> tuple[tuple[int, str], ...]:
    if not isinstance(value, list) or not value:
        raise ScanError(
            '"channels" must list the channel files: [{"energy_kv": 6000, "file": …}]', where=where
        )
    pairs: list[tuple[int, str]] = []
    for number, item in enumerate(value, start=1):
        kv, name = _int(item, "energy_kv"), _str(item, "file")
        if kv is None or not name:
            raise ScanError(f"channels[{number}] needs an integer energy_kv and a file name", where=where)
        if PurePosixPath(name).name != name or "\\" in name or name in (".", ".."):
            raise ScanError(
                f"channels[{number}]: {name!r} must be a plain file name beside the sidecar", where=where
            )
        if any(kv == seen for seen, _ in pairs):
            raise ScanError(f"duplicate energy {kv} kV in the sidecar's channels", where=where)
        pairs.append((kv, name))
    return tuple(pairs)


def _int(item: object, key: str) -> int | None:
    value = item.get(key) if isinstance(item, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(item: object, key: str) -> str:
    value = item.get(key) if isinstance(item, dict) else None
    return value if isinstance(value, str) else ""


def _format_of(source: Source) -> str:
    kind = detect(source)
    return kind.value if kind in (Kind.TIFF, Kind.PNG) else "sidecar"
