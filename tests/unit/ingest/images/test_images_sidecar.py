"""16-bit TIFF / PNG channels with a JSON sidecar: round trip, and what is refused (synthetic data)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import tifffile
from PIL import Image
from scan_builders import WRONG_CHECK_DIGIT, channel, make_scan

from cargoscreen.domain.scans import ScanOrigin
from cargoscreen.ingest.images import read_scans, write_sidecar_scan


@pytest.mark.parametrize("image_format", ["tiff", "png"])
@pytest.mark.parametrize("energies", [(6000,), (6000, 4000)])
def test_round_trip(tmp_path: Path, image_format: str, energies: tuple[int, ...]) -> None:
    scan = make_scan(energies=energies, origin=ScanOrigin.PRE_DEPARTURE, partner_port="COCTG")
    paths = write_sidecar_scan(scan, tmp_path, image_format=image_format)  # type: ignore[arg-type]
    assert [p.name for p in paths] == ["SYN-0001.json", *(f"SYN-0001_{kv}.{image_format}" for kv in energies)]

    result = read_scans([tmp_path])

    assert result.errors == []
    [back] = result.scans
    assert back.meta.model_dump(exclude={"source_format"}) == scan.meta.model_dump(exclude={"source_format"})
    assert back.meta.source_format == image_format
    for kv in energies:
        assert np.array_equal(back.channels[kv], scan.channels[kv])


def test_sidecar_document(tmp_path: Path) -> None:
    write_sidecar_scan(make_scan(), tmp_path)
    doc = json.loads((tmp_path / "SYN-0001.json").read_text())
    assert doc["format"] == "cargoscreen.scan/1"
    assert doc["channels"] == [
        {"energy_kv": 6000, "file": "SYN-0001_6000.tiff"},
        {"energy_kv": 4000, "file": "SYN-0001_4000.tiff"},
    ]
    assert doc["scanned_at"] == "2026-03-14T06:12:30.250000Z"
    assert doc["pixel_spacing_mm"] == [5.0, 4.5]


def _sidecar(folder: Path, files: dict[int, str], **fields: object) -> Path:
    doc = {
        "format": "cargoscreen.scan/1",
        "scan_id": "S1",
        "container_number": "MSCU1234566",
        "scanned_at": "2026-03-14T06:12:00Z",
        "pixel_spacing_mm": [5, 5],
        "channels": [{"energy_kv": kv, "file": name} for kv, name in files.items()],
    } | fields
    path = folder / "S1.json"
    path.write_text(json.dumps(doc))
    return path


def test_a_hand_written_sidecar_with_few_fields_is_read(tmp_path: Path) -> None:
    tifffile.imwrite(tmp_path / "S1_6000.tif", channel())
    _sidecar(tmp_path, {6000: "S1_6000.tif"}, container_number=WRONG_CHECK_DIGIT)
    [scan] = read_scans([tmp_path]).scans
    assert scan.meta.container_number is None and scan.meta.container_id_raw == WRONG_CHECK_DIGIT
    assert scan.meta.origin is ScanOrigin.ARRIVAL


@pytest.mark.parametrize(
    ("write", "expected"),
    [
        (lambda p: tifffile.imwrite(p, channel().astype(np.uint8)), "8-bit unsigned integer pixels"),
        (lambda p: tifffile.imwrite(p, channel().astype(np.float32)), "32-bit float pixels"),
        (lambda p: tifffile.imwrite(p, channel().astype(np.int16)), "16-bit signed"),
        (lambda p: Image.fromarray(channel().astype(np.uint8)).save(p, format="PNG"), "8-bit grayscale"),
        (lambda p: p.write_bytes(b"II*\x00garbage"), "not a readable TIFF"),
    ],
)
def test_wrong_bit_depth_or_damage_is_refused(tmp_path: Path, write: object, expected: str) -> None:
    channel_path = tmp_path / "S1_6000.img"
    write(channel_path)  # type: ignore[operator]
    _sidecar(tmp_path, {6000: channel_path.name})

    result = read_scans([tmp_path])

    assert result.scans == []
    reasons = {Path(error.source).name: error.reason for error in result.errors}
    assert expected in reasons["S1_6000.img"], reasons
    assert "another file of this scan is bad (" in reasons["S1.json"]


def test_channels_of_different_shapes_are_refused(tmp_path: Path) -> None:
    tifffile.imwrite(tmp_path / "a.tif", channel((40, 120)))
    tifffile.imwrite(tmp_path / "b.tif", channel((40, 100)))
    _sidecar(tmp_path, {6000: "a.tif", 4000: "b.tif"})
    result = read_scans([tmp_path])
    assert result.scans == []
    assert len(result.errors) == 3 and all("differ in shape" in error.reason for error in result.errors)


def test_a_channel_file_without_sidecar_is_reported(tmp_path: Path) -> None:
    tifffile.imwrite(tmp_path / "lonely.tif", channel())
    [error] = read_scans([tmp_path]).errors
    assert error.reason.startswith("missing sidecar")


def test_a_sidecar_naming_a_missing_file_is_refused(tmp_path: Path) -> None:
    tifffile.imwrite(tmp_path / "a.tif", channel())
    _sidecar(tmp_path, {6000: "a.tif", 4000: "gone.tif"})
    result = read_scans([tmp_path])
    assert result.scans == []
    reasons = {Path(error.source).name: error.reason for error in result.errors}
    assert "gone.tif (4000 kV) named by the sidecar is missing" in reasons["S1.json"]
    assert "another file of this scan is bad" in reasons["a.tif"]


def test_a_channel_given_alone_finds_its_sidecar_beside_it(tmp_path: Path) -> None:
    paths = write_sidecar_scan(make_scan(), tmp_path)
    result = read_scans([paths[1]])
    assert result.errors == [] and len(result.scans) == 1


@pytest.mark.parametrize("name", ["../escape.tif", "/etc/x.tif", "sub/a.tif"])
def test_channel_names_must_be_plain_names(tmp_path: Path, name: str) -> None:
    _sidecar(tmp_path, {6000: name})
    [error] = read_scans([tmp_path]).errors
    assert "plain file name" in error.reason


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"scanned_at": "2026-03-14T06:12:00"}, "no UTC offset"),
        ({"pixel_spacing_mm": [5]}, "pixel_spacing_mm"),
        ({"origin": "PRE_DEPARTURE"}, "partner port"),
        ({"origin": "PRE_DEPARTURE", "partner_port": "XXZZZ"}, "partner_port"),
        ({"door_end": "TOP"}, "door_end 'TOP'"),
        ({"p_scale": 1000}, "p_scale"),
        ({"energies_kv": [6000, 4000]}, "does not match"),
    ],
)
def test_bad_metadata_is_refused_naming_the_field(
    tmp_path: Path, fields: dict[str, object], expected: str
) -> None:
    tifffile.imwrite(tmp_path / "a.tif", channel())
    _sidecar(tmp_path, {6000: "a.tif"}, **fields)
    result = read_scans([tmp_path])
    assert result.scans == []
    reasons = {Path(error.source).name: error.reason for error in result.errors}
    assert expected in reasons["S1.json"], reasons
