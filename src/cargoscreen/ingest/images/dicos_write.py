"""Write a :class:`Scan` as DICOS DX For Processing files, one per energy channel (DICOM Part 10).

Each file: Explicit VR Little Endian, SOP class ``1.2.840.10008.5.1.4.1.1.501.2.2``, a new SOP Instance
UID; the channels share a new StudyInstanceUID and the SeriesInstanceUID from :func:`series_uid_for`.
The full attribute list is in docs/scan-formats.md.
"""

from __future__ import annotations

import io
import json
import re
from datetime import UTC
from pathlib import Path

import numpy as np
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.uid import PYDICOM_IMPLEMENTATION_UID, UID, ExplicitVRLittleEndian, generate_uid
from pydicom.valuerep import DSfloat

from cargoscreen.domain.scans import Scan
from cargoscreen.ingest.images.dicos import DX_FOR_PROCESSING, OOI_CARGO
from cargoscreen.ingest.images.files import write_all
from cargoscreen.ingest.images.metadata import FORMAT, safe_stem

_UID = re.compile(r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))+$")
_STATION_MAX = 16  # StationName is SH: at most 16 characters


def write_dicos(scan: Scan, folder: Path) -> list[Path]:
    """Write ``<scan id>_<kV>.dcm`` per channel into ``folder`` (all or none); return the paths."""
    series_uid = series_uid_for(scan.meta.scan_id)
    study_uid = generate_uid()
    stem = safe_stem(scan.meta.scan_id)
    files = [
        (folder / f"{stem}_{kv}.dcm", dataset_bytes(_channel(scan, kv, number, series_uid, study_uid)))
        for number, kv in enumerate(scan.meta.energies_kv, start=1)
    ]
    return write_all(files)


def series_uid_for(scan_id: str) -> str:
    """The scan id when it is a valid DICOM UID; otherwise a UID derived from it (same id, same UID).

    The original id is kept in the files' ImageComments JSON, so reading gives the scan id back.
    """
    if len(scan_id) <= 64 and _UID.match(scan_id):
        return scan_id
    return str(generate_uid(entropy_srcs=[scan_id]))


def new_file_dataset(sop_class: UID) -> FileDataset:
    """An empty Part 10 dataset of ``sop_class`` with file meta and a new SOP Instance UID."""
    instance_uid = generate_uid()
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = instance_uid
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
    meta.ImplementationVersionName = "CARGOSCREEN_1"
    ds = FileDataset("", Dataset(), file_meta=meta, preamble=b"\0" * 128)
    ds.SpecificCharacterSet = "ISO_IR 192"  # UTF-8
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = instance_uid
    return ds


def dataset_bytes(ds: FileDataset) -> bytes:
    """The Part 10 encoding (preamble, ``DICM``, file meta, dataset)."""
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def scanner_fields(scanner: str) -> tuple[str, str]:
    """(Manufacturer, StationName) such that ``Manufacturer/StationName`` reads back as ``scanner``."""
    maker, _, station = scanner.rpartition("/")
    parts_clean = bool(maker) and bool(station) and maker == maker.strip() and station == station.strip()
    if parts_clean and len(station) <= _STATION_MAX:
        return maker, station
    if len(scanner) <= _STATION_MAX:
        return "", scanner
    return scanner, ""


def _channel(scan: Scan, kv: int, number: int, series_uid: str, study_uid: str) -> FileDataset:
    meta = scan.meta
    ds = new_file_dataset(DX_FOR_PROCESSING)
    when = meta.scanned_at.astimezone(UTC)
    ds.ImageType = ["ORIGINAL", "PRIMARY"]
    ds.StudyInstanceUID = study_uid
    ds.SeriesInstanceUID = series_uid
    ds.Modality = "DX"
    ds.SeriesNumber = 1
    ds.InstanceNumber = number
    ds.PresentationIntentType = "FOR PROCESSING"
    ds.AcquisitionDateTime = when.strftime("%Y%m%d%H%M%S.%f") + "+0000"
    ds.ContentDate = when.strftime("%Y%m%d")
    ds.ContentTime = when.strftime("%H%M%S.%f")
    ds.TimezoneOffsetFromUTC = "+0000"
    ds.Manufacturer, station = scanner_fields(meta.scanner)
    if station:
        ds.StationName = station
    if meta.site:
        ds.InstitutionName = meta.site
    ds.OOIType = OOI_CARGO
    ds.PatientID = meta.container_id_raw or meta.container_number or ""
    ds.KVP = kv
    _pixel_module(ds, scan, kv)
    ds.ImageComments = json.dumps(
        {
            "format": FORMAT,
            "scan_id": meta.scan_id,
            "origin": meta.origin.value,
            "partner_port": meta.partner_port,
            "door_end": meta.door_end.value,
            "energies_kv": list(meta.energies_kv),
            "synthetic": meta.synthetic,
        }
    )
    return ds


def _pixel_module(ds: FileDataset, scan: Scan, kv: int) -> None:
    rows, cols = scan.shape
    spacing = [DSfloat(mm, auto_format=True) for mm in scan.meta.pixel_spacing_mm]
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows, ds.Columns = rows, cols
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 16, 15
    ds.PixelRepresentation = 0
    ds.PixelSpacing = spacing
    ds.ImagerPixelSpacing = spacing
    ds.PixelIntensityRelationship = "LOG"
    ds.PixelIntensityRelationshipSign = -1  # higher value = less X-ray intensity (P = -ln T)
    ds.BurnedInAnnotation = "NO"
    ds.PixelData = np.ascontiguousarray(scan.channels[kv], dtype="<u2").tobytes()
