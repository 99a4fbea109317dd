"""Synthetic scans and hand-built DICOS files for the image reader tests (all data synthetic)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.uid import UID, ExplicitVRLittleEndian, generate_uid

from cargoscreen.domain.scans import DoorEnd, Scan, ScanMetadata, ScanOrigin, encode_attenuation

DX = UID("1.2.840.10008.5.1.4.1.1.501.2.2")
CONTAINER = "MSCU1234566"  # valid ISO 6346 check digit
WRONG_CHECK_DIGIT = "MSCU1234567"
SCANNED_AT = datetime(2026, 3, 14, 6, 12, 30, 250000, tzinfo=UTC)


def channel(shape: tuple[int, int] = (40, 120), *, seed: int = 0, scale: float = 1.0) -> np.ndarray[Any, Any]:
    """A uint16 P-code image: a gradient of cargo plus noise (synthetic)."""
    rng = np.random.default_rng(seed)
    rows, cols = shape
    cargo = np.linspace(0.2, 6.0, cols, dtype=np.float32)[None, :] * np.ones((rows, 1), dtype=np.float32)
    return encode_attenuation(scale * cargo + rng.uniform(0.0, 0.3, shape).astype(np.float32))


def make_scan(
    *,
    scan_id: str = "SYN-0001",
    energies: tuple[int, ...] = (6000, 4000),
    shape: tuple[int, int] = (40, 120),
    container: str = CONTAINER,
    origin: ScanOrigin = ScanOrigin.ARRIVAL,
    partner_port: str | None = None,
    door_end: DoorEnd = DoorEnd.LEFT,
    spacing: tuple[float, float] = (5.0, 4.5),
    scanner: str = "SIM-LINAC-1",
    site: str = "BEANR quay 3",
    seed: int = 0,
) -> Scan:
    meta = ScanMetadata(
        scan_id=scan_id,
        container_number=container,
        container_id_raw=container,
        scanner=scanner,
        site=site,
        origin=origin,
        partner_port=partner_port,
        scanned_at=SCANNED_AT,
        door_end=door_end,
        pixel_spacing_mm=spacing,
        energies_kv=energies,
        source_format="sim",
        synthetic=True,
    )
    channels = {kv: channel(shape, seed=seed + n, scale=1.0 + 0.2 * n) for n, kv in enumerate(energies)}
    return Scan(meta=meta, channels=channels)


def foreign_dicos(
    path: Path,
    *,
    kv: int = 6000,
    series_uid: str | None = None,
    container: str = CONTAINER,
    image: np.ndarray[Any, Any] | None = None,
    **overrides: Any,
) -> Path:
    """A DICOS DX file as another tool would write it with plain pydicom: only the required attributes."""
    pixels = channel() if image is None else image
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = DX
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(str(path), Dataset(), file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = DX
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.SeriesInstanceUID = series_uid or generate_uid()
    ds.OOIType = "CARGO"
    ds.PatientID = container
    ds.KVP = kv
    ds.ContentDate, ds.ContentTime = "20260314", "071230"
    ds.TimezoneOffsetFromUTC = "+0100"
    ds.Manufacturer, ds.StationName, ds.InstitutionName = "Acme", "GATE-2", "Port of Synthetica"
    ds.Rows, ds.Columns = pixels.shape
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
    ds.PixelSpacing = [5, 5]
    ds.PixelData = pixels.tobytes()
    for keyword, value in overrides.items():
        if value is None:
            delattr(ds, keyword)
        else:
            setattr(ds, keyword, value)
    ds.save_as(path, enforce_file_format=True)
    return path
