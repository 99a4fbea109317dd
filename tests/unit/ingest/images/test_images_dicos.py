"""DICOS DX For Processing: our writer ↔ our reader, files from another tool, and damaged files (synthetic)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pydicom
import pytest
from scan_builders import CONTAINER, WRONG_CHECK_DIGIT, channel, foreign_dicos, make_scan

from cargoscreen.domain.scans import DoorEnd, ScanOrigin
from cargoscreen.ingest.images import read_scans, series_uid_for, write_dicos


@pytest.mark.parametrize("energies", [(6000,), (6000, 4000)])
def test_round_trip_keeps_pixels_and_metadata(tmp_path: Path, energies: tuple[int, ...]) -> None:
    scan = make_scan(energies=energies, origin=ScanOrigin.PRE_DEPARTURE, partner_port="ECGYE")
    paths = write_dicos(scan, tmp_path)
    assert [p.name for p in paths] == [f"SYN-0001_{kv}.dcm" for kv in energies]

    result = read_scans([tmp_path])

    assert result.errors == []
    [back] = result.scans
    assert back.meta.model_dump(exclude={"source_format"}) == scan.meta.model_dump(exclude={"source_format"})
    assert back.meta.source_format == "dicos"
    for kv in energies:
        assert np.array_equal(back.channels[kv], scan.channels[kv])
    assert {source.energy_kv for source in result.sources["SYN-0001"]} == set(energies)


def test_written_files_are_part_10_dx_for_processing(tmp_path: Path) -> None:
    scan = make_scan(scan_id="1.2.826.0.1.3680043.8.498.77")
    paths = write_dicos(scan, tmp_path)
    first, second = (pydicom.dcmread(p) for p in paths)
    assert first.file_meta.TransferSyntaxUID == pydicom.uid.ExplicitVRLittleEndian
    assert first.SOPClassUID == "1.2.840.10008.5.1.4.1.1.501.2.2"
    assert first.OOIType == "CARGO" and first.PatientID == CONTAINER
    assert (first.KVP, second.KVP) == (6000, 4000)
    assert first.SeriesInstanceUID == second.SeriesInstanceUID == "1.2.826.0.1.3680043.8.498.77"
    assert first.SOPInstanceUID != second.SOPInstanceUID
    assert (first.BitsAllocated, first.BitsStored, first.PixelRepresentation) == (16, 16, 0)
    assert [float(v) for v in first.PixelSpacing] == [5.0, 4.5]
    assert not list(tmp_path.glob("*.part"))


def test_a_scan_id_that_is_no_uid_gets_a_stable_generated_series_uid(tmp_path: Path) -> None:
    paths = write_dicos(make_scan(scan_id="quay 3/scan 17"), tmp_path)
    series = pydicom.dcmread(paths[0]).SeriesInstanceUID
    assert series == series_uid_for("quay 3/scan 17") != "quay 3/scan 17"
    assert paths[0].name == "quay_3_scan_17_6000.dcm"
    assert read_scans(paths).scans[0].meta.scan_id == "quay 3/scan 17"


def test_a_file_built_by_another_tool_with_plain_pydicom_is_read(tmp_path: Path) -> None:
    image = channel((32, 96), seed=3)
    path = foreign_dicos(tmp_path / "foreign.dcm", series_uid="1.2.3.4.5", image=image)

    result = read_scans([path])

    assert result.errors == []
    [scan] = result.scans
    assert scan.meta.scan_id == "1.2.3.4.5"
    assert scan.meta.container_number == CONTAINER
    assert scan.meta.scanned_at == datetime(2026, 3, 14, 6, 12, 30, tzinfo=UTC)  # 07:12:30 at +01:00
    assert (scan.meta.scanner, scan.meta.site) == ("Acme/GATE-2", "Port of Synthetica")
    assert (scan.meta.origin, scan.meta.door_end) == (ScanOrigin.ARRIVAL, DoorEnd.UNKNOWN)
    assert scan.meta.pixel_spacing_mm == (5.0, 5.0)
    assert np.array_equal(scan.high, image)


def test_foreign_channels_of_one_series_make_one_dual_energy_scan(tmp_path: Path) -> None:
    for kv in (6000, 4000):
        foreign_dicos(tmp_path / f"c{kv}.dcm", kv=kv, series_uid="1.2.3.9", image=channel(seed=kv))
    [scan] = read_scans([tmp_path]).scans
    assert scan.meta.energies_kv == (6000, 4000)
    assert scan.low is not None and np.array_equal(scan.low, channel(seed=4000))


def test_wrong_check_digit_keeps_the_raw_id_and_no_container_number(tmp_path: Path) -> None:
    path = foreign_dicos(tmp_path / "x.dcm", container=WRONG_CHECK_DIGIT)
    [scan] = read_scans([path]).scans
    assert scan.meta.container_number is None
    assert scan.meta.container_id_raw == WRONG_CHECK_DIGIT


@pytest.mark.parametrize("cut", [0.5, 0.99])
def test_truncated_channel_rejects_its_whole_series(tmp_path: Path, cut: float) -> None:
    paths = write_dicos(make_scan(), tmp_path)
    data = paths[1].read_bytes()
    paths[1].write_bytes(data[: int(len(data) * cut)])

    result = read_scans([tmp_path])

    assert result.scans == []
    reasons = {Path(error.source).name: error.reason for error in result.errors}
    assert "truncated" in reasons["SYN-0001_4000.dcm"]
    assert "another file of this scan is bad" in reasons["SYN-0001_6000.dcm"]


def test_a_channel_cut_before_its_series_uid_still_rejects_the_series(tmp_path: Path) -> None:
    paths = write_dicos(make_scan(), tmp_path)
    paths[1].write_bytes(paths[1].read_bytes()[:300])

    result = read_scans([tmp_path])

    assert result.scans == []  # our files declare their channels: a lone 6000 kV file is not a scan
    reasons = {Path(error.source).name: error.reason for error in result.errors}
    assert "SeriesInstanceUID" in reasons["SYN-0001_4000.dcm"]
    assert "declares channels [6000, 4000]" in reasons["SYN-0001_6000.dcm"]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"PixelData": None}, "missing pixel data"),
        ({"BitsAllocated": 8, "BitsStored": 8, "HighBit": 7}, "wrong bit depth"),
        ({"PixelRepresentation": 1}, "16-bit unsigned"),
        ({"PhotometricInterpretation": "MONOCHROME1"}, "MONOCHROME2"),
        ({"OOIType": "BAGGAGE"}, "OOI Type"),
        ({"SOPClassUID": "1.2.840.10008.5.1.4.1.1.501.2.1"}, "not DICOS DX For Processing"),
        ({"KVP": None}, "KVP"),
        ({"PixelSpacing": [0.5, 0.5]}, "pixel spacing 0.5 mm"),
        ({"ContentDate": None}, "no acquisition time"),
    ],
)
def test_bad_files_are_refused_with_the_reason(
    tmp_path: Path, overrides: dict[str, Any], expected: str
) -> None:
    path = foreign_dicos(tmp_path / "bad.dcm", **overrides)
    result = read_scans([path])
    assert result.scans == []
    [error] = result.errors
    assert error.source == str(path) and expected in error.reason, error.reason


def test_absurd_size_is_refused_before_decoding(tmp_path: Path) -> None:
    image = np.zeros((16, 20000), dtype=np.uint16)
    path = foreign_dicos(tmp_path / "long.dcm", image=image, PixelSpacing=[12, 12])
    [error] = read_scans([path]).errors
    assert "absurd image size 16x20000" in error.reason


def test_duplicate_energy_in_a_series_rejects_both_files(tmp_path: Path) -> None:
    for name in ("a.dcm", "b.dcm"):
        foreign_dicos(tmp_path / name, kv=6000, series_uid="1.2.3.7")
    result = read_scans([tmp_path])
    assert result.scans == []
    assert len(result.errors) == 2
    assert all("duplicate energy 6000 kV" in error.reason for error in result.errors)


def test_channels_of_different_shapes_are_refused(tmp_path: Path) -> None:
    foreign_dicos(tmp_path / "a.dcm", kv=6000, series_uid="1.2.3.8", image=channel((40, 120)))
    foreign_dicos(tmp_path / "b.dcm", kv=4000, series_uid="1.2.3.8", image=channel((40, 100)))
    result = read_scans([tmp_path])
    assert result.scans == []
    assert all("differ in shape" in error.reason for error in result.errors)


def test_free_text_image_comments_are_ignored(tmp_path: Path) -> None:
    path = foreign_dicos(tmp_path / "c.dcm", ImageComments="operator: re-scan requested")
    [scan] = read_scans([path]).scans
    assert scan.meta.door_end is DoorEnd.UNKNOWN


def test_acquisition_datetime_with_offset_wins(tmp_path: Path) -> None:
    path = foreign_dicos(tmp_path / "t.dcm", AcquisitionDateTime="20260314230000-0500")
    [scan] = read_scans([path]).scans
    assert scan.meta.scanned_at == datetime(2026, 3, 15, 4, 0, tzinfo=UTC)
