"""Read DICOS DX For Processing files, one per energy channel, and assemble a series into a :class:`Scan`.

The convention (docs/scan-formats.md): SOP class ``1.2.840.10008.5.1.4.1.1.501.2.2``, OOI Type ``CARGO``,
one file per energy channel sharing a SeriesInstanceUID, KVP = nominal endpoint in kV, pixels
``round(4096 * -ln T)`` as 16-bit unsigned MONOCHROME2, PixelSpacing in mm (row, column), the container
number in the OOI ID (PatientID). What DICOM has no attribute for (origin, partner port, door end) travels as
``cargoscreen.scan/1`` JSON in ImageComments; free-text comments are ignored.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import numpy as np
import pydicom
from pydicom.dataset import Dataset
from pydicom.uid import UID
from pydicom.valuerep import DT

from cargoscreen.domain.scans import DoorEnd, Scan, ScanError, ScanOrigin, UInt16Image
from cargoscreen.ingest.images.metadata import FORMAT, build_metadata, check_extent
from cargoscreen.ingest.images.sources import HEAD_BYTES, Source

DX_FOR_PROCESSING = UID("1.2.840.10008.5.1.4.1.1.501.2.2")
OOI_CARGO = "CARGO"
SOURCE_FORMAT = "dicos"
_TIME_PAIRS = (
    ("ContentDate", "ContentTime"),
    ("AcquisitionDate", "AcquisitionTime"),
    ("SeriesDate", "SeriesTime"),
    ("StudyDate", "StudyTime"),
)


@dataclass(frozen=True, slots=True)
class DicosChannel:
    """One DX file read: its energy channel and the metadata it carries."""

    file: str
    series_uid: str
    instance_uid: str
    energy_kv: int
    image: UInt16Image = field(repr=False)
    container_raw: str
    scanned_at: datetime
    spacing_mm: tuple[float, float]
    scanner: str
    site: str
    extras: Mapping[str, Any]


def peek_series(source: Source) -> str:
    """The SeriesInstanceUID from a file's head (its header), without reading the pixels."""
    ds = _parse(io.BytesIO(source.head(HEAD_BYTES)), source.name, header_only=True)
    return _series_uid(ds, source.name)


def read_dicos_channel(source: Source) -> DicosChannel:
    """Read and check one DX For Processing file; :class:`ScanError` names the file and the fault."""
    where = source.name
    with source.stream() as stream:
        ds = _parse(stream, where, header_only=False)
    _check_identity(ds, where)
    spacing = _spacing(ds, where)
    rows, cols = _pixel_module(ds, where)
    check_extent(rows, cols, spacing, where=where)
    return DicosChannel(
        file=where,
        series_uid=_series_uid(ds, where),
        instance_uid=str(ds.get("SOPInstanceUID", "")),
        energy_kv=_kvp(ds, where),
        image=_pixels(ds, rows, cols, where),
        container_raw=str(ds.get("PatientID", "") or ""),
        scanned_at=_scanned_at(ds, where),
        spacing_mm=spacing,
        scanner=scanner_name(str(ds.get("Manufacturer", "") or ""), str(ds.get("StationName", "") or "")),
        site=str(ds.get("InstitutionName", "") or ""),
        extras=_extras(ds),
    )


def assemble_dicos(channels: Sequence[DicosChannel], *, where: str) -> Scan:
    """One scan from the channels of one series: distinct energies, agreeing metadata, same shapes."""
    by_kv: dict[int, DicosChannel] = {}
    for channel in channels:
        if channel.energy_kv in by_kv:
            files = f"{by_kv[channel.energy_kv].file}, {channel.file}"
            raise ScanError(f"duplicate energy {channel.energy_kv} kV in one series ({files})", where=where)
        by_kv[channel.energy_kv] = channel
    lead = by_kv[max(by_kv)]
    for channel in by_kv.values():
        for name, mine, theirs in (
            ("PixelSpacing", channel.spacing_mm, lead.spacing_mm),
            ("PatientID (OOI ID)", channel.container_raw, lead.container_raw),
        ):
            if mine != theirs:
                raise ScanError(f"channels disagree on {name}: {theirs!r} and {mine!r}", where=where)
    declared = lead.extras.get("energies_kv")
    if isinstance(declared, list) and sorted(declared) != sorted(by_kv):
        raise ScanError(
            f"series declares channels {declared} kV but its files hold {sorted(by_kv)} kV", where=where
        )
    meta = build_metadata(
        where=where,
        scan_id=_text(lead.extras, "scan_id") or lead.series_uid,
        container_raw=lead.container_raw,
        scanned_at=lead.scanned_at,
        spacing_mm=lead.spacing_mm,
        energies_kv=sorted(by_kv, reverse=True),
        source_format=SOURCE_FORMAT,
        scanner=lead.scanner,
        site=lead.site,
        origin=_text(lead.extras, "origin") or ScanOrigin.ARRIVAL,
        partner_port=_text(lead.extras, "partner_port") or None,
        door_end=_text(lead.extras, "door_end") or DoorEnd.UNKNOWN,
        synthetic=lead.extras.get("synthetic") is True,
    )
    return Scan(meta=meta, channels={kv: channel.image for kv, channel in by_kv.items()})


def scanner_name(manufacturer: str, station: str) -> str:
    """``Manufacturer/StationName`` (either alone when the other is empty)."""
    return "/".join(part.strip() for part in (manufacturer, station) if part.strip())


def _parse(stream: Any, where: str, *, header_only: bool) -> Dataset:
    try:
        return pydicom.dcmread(stream, stop_before_pixels=header_only)
    except Exception as exc:  # pydicom raises many kinds on damaged input
        raise ScanError(f"not a readable DICOM file: {exc}", where=where) from None


def _check_identity(ds: Dataset, where: str) -> None:
    meta = getattr(ds, "file_meta", None)
    sop = ds.get("SOPClassUID") or (meta.get("MediaStorageSOPClassUID") if meta is not None else None)
    if not sop:
        raise ScanError("no SOPClassUID: not a DICOS object (or truncated)", where=where)
    if UID(str(sop)) != DX_FOR_PROCESSING:
        raise ScanError(
            f"SOP class {sop} ({UID(str(sop)).name}) is not DICOS DX For Processing ({DX_FOR_PROCESSING})",
            where=where,
        )
    ooi_type = str(ds.get("OOIType", "") or "")
    if ooi_type != OOI_CARGO:
        raise ScanError(f"OOI Type (4010,1042) is {ooi_type or 'missing'!r}, not {OOI_CARGO}", where=where)


def _series_uid(ds: Dataset, where: str) -> str:
    uid = str(ds.get("SeriesInstanceUID", "") or "")
    if not uid:
        raise ScanError("no SeriesInstanceUID (is the file truncated?)", where=where)
    return uid


def _kvp(ds: Dataset, where: str) -> int:
    value = ds.get("KVP")
    try:
        return round(float(value))
    except (TypeError, ValueError):
        raise ScanError(
            f"KVP (0018,0060) must give the nominal endpoint in kV, found {value!r}", where=where
        ) from None


def _spacing(ds: Dataset, where: str) -> tuple[float, float]:
    value = ds.get("PixelSpacing") or ds.get("ImagerPixelSpacing")
    try:
        row_mm, col_mm = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ScanError(f"PixelSpacing must be row\\column in mm, found {value!r}", where=where) from None
    return row_mm, col_mm


def _pixel_module(ds: Dataset, where: str) -> tuple[int, int]:
    expected = {
        "SamplesPerPixel": 1,
        "BitsAllocated": 16,
        "BitsStored": 16,
        "PixelRepresentation": 0,
    }
    found = {name: ds.get(name, 1 if name == "SamplesPerPixel" else None) for name in expected}
    if found != expected:
        got = ", ".join(f"{name} {value}" for name, value in found.items())
        raise ScanError(
            f"wrong bit depth or sample format ({got}); need 16-bit unsigned, 1 sample", where=where
        )
    photometric = str(ds.get("PhotometricInterpretation", "") or "")
    if photometric != "MONOCHROME2":
        raise ScanError(
            f"PhotometricInterpretation {photometric or 'missing'!r}, need MONOCHROME2", where=where
        )
    if int(ds.get("NumberOfFrames", 1) or 1) != 1:
        raise ScanError(f"{ds.NumberOfFrames} frames; one DX image per file expected", where=where)
    rows, cols = ds.get("Rows"), ds.get("Columns")
    if not isinstance(rows, int) or not isinstance(cols, int):
        raise ScanError("no Rows/Columns (is the file truncated?)", where=where)
    return rows, cols


def _pixels(ds: Dataset, rows: int, cols: int, where: str) -> UInt16Image:
    if "PixelData" not in ds:
        raise ScanError(
            "missing pixel data (7FE0,0010): the file is truncated or holds no image", where=where
        )
    syntax = ds.file_meta.get("TransferSyntaxUID") if hasattr(ds, "file_meta") else None
    needed = rows * cols * 2
    if syntax is not None and not UID(str(syntax)).is_compressed and len(ds.PixelData) < needed:
        raise ScanError(f"truncated: pixel data holds {len(ds.PixelData)} of {needed} bytes", where=where)
    try:
        array = ds.pixel_array
    except Exception as exc:  # decoder errors vary by transfer syntax and plugin
        raise ScanError(f"cannot decode pixel data: {exc}", where=where) from None
    if array.shape != (rows, cols) or array.dtype.kind != "u" or array.dtype.itemsize != 2:
        raise ScanError(
            f"decoded pixels are {array.dtype} {array.shape}, expected uint16 {(rows, cols)}", where=where
        )
    image: UInt16Image = np.ascontiguousarray(array, dtype=np.uint16)
    return image


def _scanned_at(ds: Dataset, where: str) -> datetime:
    offset = _offset(str(ds.get("TimezoneOffsetFromUTC", "") or ""), where)
    text = str(ds.get("AcquisitionDateTime", "") or "")
    if not text:
        pairs = [(str(ds.get(d, "") or ""), str(ds.get(t, "") or "")) for d, t in _TIME_PAIRS]
        text = next((date + time for date, time in pairs if date and time), "")
    if not text:
        raise ScanError(
            "no acquisition time: AcquisitionDateTime or ContentDate + ContentTime needed", where=where
        )
    try:
        moment = datetime.fromisoformat(DT(text.strip()).isoformat())
    except (ValueError, TypeError):
        raise ScanError(f"acquisition time {text!r} is not a DICOM date-time", where=where) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=offset)
    return moment.astimezone(UTC)


def _offset(text: str, where: str) -> timezone:
    if not text:
        return UTC
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    if len(digits) != 4 or not digits.isdigit():
        raise ScanError(f"TimezoneOffsetFromUTC {text!r} is not +hhmm or -hhmm", where=where)
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _extras(ds: Dataset) -> Mapping[str, Any]:
    """The ``cargoscreen.scan/1`` JSON of ImageComments; {} when the comments are anything else."""
    text = str(ds.get("ImageComments", "") or "").strip()
    if not text.startswith("{"):
        return {}
    try:
        doc = json.loads(text)
    except ValueError:
        return {}
    return doc if isinstance(doc, dict) and doc.get("format") == FORMAT else {}


def _text(extras: Mapping[str, Any], key: str) -> str:
    value = extras.get(key)
    return value if isinstance(value, str) else ""
