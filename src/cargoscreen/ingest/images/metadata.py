"""Scan metadata shared by every image format: building it from a file's fields, and the JSON form.

The JSON form (``"format": "cargoscreen.scan/1"``) is the same in a TIFF/PNG sidecar, the ``meta`` entry of an
NPZ and the ``ImageComments`` of a DICOS file (there only the fields DICOM has no attribute for).
Container numbers that fail ISO 6346 are kept raw with ``container_number`` None (flagged later, not
dropped); anything else that does not fit the domain (spacing, partner port, time) is a :class:`ScanError`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import TypeVar

import numpy as np

from cargoscreen.domain.errors import InvalidIdentifier
from cargoscreen.domain.ids import parse_container_number, parse_un_locode
from cargoscreen.domain.scans import (
    MAX_PIXEL_MM,
    MIN_PIXEL_MM,
    P_SCALE,
    DoorEnd,
    ScanError,
    ScanMetadata,
    ScanOrigin,
    check_image,
)

FORMAT = "cargoscreen.scan/1"
_E = TypeVar("_E", bound=StrEnum)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def build_metadata(
    *,
    where: str,
    scan_id: str,
    container_raw: str,
    scanned_at: datetime,
    spacing_mm: tuple[float, float],
    energies_kv: Sequence[int],
    source_format: str,
    scanner: str = "",
    site: str = "",
    origin: str = ScanOrigin.ARRIVAL,
    partner_port: str | None = None,
    door_end: str = DoorEnd.UNKNOWN,
    synthetic: bool = False,
) -> ScanMetadata:
    """A validated :class:`ScanMetadata`, or a :class:`ScanError` at ``where`` naming the field at fault."""
    check_spacing(spacing_mm, where=where)
    raw = container_raw.strip()[:64]
    try:
        return ScanMetadata(
            scan_id=scan_id,
            container_number=_container_or_none(raw),
            container_id_raw=raw,
            scanner=scanner.strip()[:64],
            site=site.strip()[:64],
            origin=_enum(ScanOrigin, origin, "origin", where),
            partner_port=_locode(partner_port, where),
            scanned_at=scanned_at.astimezone(UTC),
            door_end=_enum(DoorEnd, door_end, "door_end", where),
            pixel_spacing_mm=spacing_mm,
            energies_kv=tuple(energies_kv),
            source_format=source_format,
            synthetic=synthetic,
        )
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise ScanError(describe_validation(exc), where=where) from None


def meta_from_json(
    doc: Mapping[str, object],
    *,
    where: str,
    energies_kv: Sequence[int],
    source_format: str,
    default_scan_id: str,
) -> ScanMetadata:
    """Metadata from the ``cargoscreen.scan/1`` JSON form (sidecar or NPZ ``meta``)."""
    if doc.get("format") != FORMAT:
        raise ScanError(
            f'metadata JSON must carry "format": "{FORMAT}", found {doc.get("format")!r}', where=where
        )
    if doc.get("p_scale", int(P_SCALE)) != int(P_SCALE):
        raise ScanError(
            f"p_scale {doc.get('p_scale')!r}: pixels must be round({int(P_SCALE)} * -ln T)", where=where
        )
    declared = doc.get("energies_kv")
    if declared is not None and (not isinstance(declared, list) or sorted(declared) != sorted(energies_kv)):
        raise ScanError(
            f"energies_kv {declared} does not match the channels present {sorted(energies_kv)}", where=where
        )
    spacing = doc.get("pixel_spacing_mm")
    if not (isinstance(spacing, list) and len(spacing) == 2 and all(_is_number(v) for v in spacing)):
        raise ScanError("pixel_spacing_mm must be [row_mm, column_mm]", where=where)
    return build_metadata(
        where=where,
        scan_id=json_str(doc, "scan_id", where) or default_scan_id,
        container_raw=json_str(doc, "container_number", where),
        scanned_at=parse_utc(json_str(doc, "scanned_at", where, required=True), "scanned_at", where),
        spacing_mm=(float(spacing[0]), float(spacing[1])),
        energies_kv=energies_kv,
        source_format=source_format,
        scanner=json_str(doc, "scanner", where),
        site=json_str(doc, "site", where),
        origin=json_str(doc, "origin", where) or ScanOrigin.ARRIVAL,
        partner_port=json_str(doc, "partner_port", where) or None,
        door_end=json_str(doc, "door_end", where) or DoorEnd.UNKNOWN,
        synthetic=doc.get("synthetic") is True,
    )


def meta_to_json(meta: ScanMetadata) -> dict[str, object]:
    """The ``cargoscreen.scan/1`` JSON form of a scan's metadata (without the channel list)."""
    return {
        "format": FORMAT,
        "scan_id": meta.scan_id,
        "container_number": meta.container_id_raw or meta.container_number or "",
        "scanned_at": meta.scanned_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "scanner": meta.scanner,
        "site": meta.site,
        "origin": meta.origin.value,
        "partner_port": meta.partner_port,
        "door_end": meta.door_end.value,
        "pixel_spacing_mm": list(meta.pixel_spacing_mm),
        "energies_kv": list(meta.energies_kv),
        "p_scale": int(P_SCALE),
        "synthetic": meta.synthetic,
    }


def check_spacing(spacing_mm: tuple[float, float], *, where: str) -> None:
    """Refuse pixel sizes outside the domain's range before anything else is read."""
    for mm in spacing_mm:
        if not np.isfinite(mm) or not MIN_PIXEL_MM <= mm <= MAX_PIXEL_MM:
            raise ScanError(f"pixel spacing {mm} mm outside {MIN_PIXEL_MM}-{MAX_PIXEL_MM} mm", where=where)


def check_extent(rows: int, cols: int, spacing_mm: tuple[float, float], *, where: str) -> None:
    """The domain's size limits, applied to a header's rows and columns before any pixel is decoded."""
    check_spacing(spacing_mm, where=where)
    # A zero-stride view has the header's shape and dtype without allocating its pixels.
    check_image(np.broadcast_to(np.uint16(0), (rows, cols)), spacing_mm, where=where)


def parse_utc(text: str, field: str, where: str) -> datetime:
    """An ISO 8601 time with a UTC offset (``Z`` allowed), as UTC."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ScanError(f"{field} {text!r} is not an ISO 8601 time", where=where) from None
    if moment.tzinfo is None:
        raise ScanError(f"{field} {text!r} has no UTC offset (add Z or +hh:mm)", where=where)
    return moment.astimezone(UTC)


def json_str(doc: Mapping[str, object], key: str, where: str, *, required: bool = False) -> str:
    """A string field of a JSON object ('' when absent or null, unless required)."""
    value = doc.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ScanError(f"{key} must be a string, found {value!r}", where=where)
    return value


def safe_stem(scan_id: str) -> str:
    """A file-name-safe form of a scan id (characters outside ``A-Za-z0-9._-`` become ``_``)."""
    return _UNSAFE.sub("_", scan_id).strip("._") or "scan"


def describe_validation(exc: ValueError) -> str:
    """One line per failing field of a pydantic validation error; the plain message otherwise."""
    errors = getattr(exc, "errors", None)
    if not callable(errors):
        return str(exc)
    parts = []
    for error in errors():
        loc = ".".join(str(part) for part in error.get("loc", ())) or "metadata"
        parts.append(f"{loc}: {str(error.get('msg', '')).removeprefix('Value error, ')}")
    return "; ".join(parts)


def _container_or_none(raw: str) -> str | None:
    try:
        return parse_container_number(raw) if raw else None
    except InvalidIdentifier:
        return None


def _locode(value: str | None, where: str) -> str | None:
    if not value:
        return None
    try:
        return parse_un_locode(value)
    except InvalidIdentifier as exc:
        raise ScanError(f"partner_port: {exc}", where=where) from None


def _enum(kind: type[_E], value: str, field: str, where: str) -> _E:
    try:
        return kind(value.strip().upper())
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise ScanError(f"{field} {value!r} is not one of {allowed}", where=where) from None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
