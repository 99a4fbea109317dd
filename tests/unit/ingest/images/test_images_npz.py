"""NPZ: one scan per file, arrays kv<energy> and a JSON meta string (synthetic data)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from scan_builders import WRONG_CHECK_DIGIT, channel, make_scan

from cargoscreen.domain.scans import ScanError
from cargoscreen.ingest.images import npz_bytes, read_scan_bytes, read_scans, write_npz

META = {
    "format": "cargoscreen.scan/1",
    "scan_id": "N1",
    "container_number": "MSCU1234566",
    "scanned_at": "2026-03-14T06:12:00+02:00",
    "pixel_spacing_mm": [6.0, 6.0],
}


def _npz(**arrays: object) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]
    return buffer.getvalue()


@pytest.mark.parametrize("energies", [(6000,), (9000, 6000)])
def test_round_trip(tmp_path: Path, energies: tuple[int, ...]) -> None:
    scan = make_scan(energies=energies)
    path = write_npz(scan, tmp_path)
    assert path.name == "SYN-0001.npz"
    with np.load(path) as npz:
        assert sorted(npz.files) == sorted(["meta", *(f"kv{kv}" for kv in energies)])

    [back] = read_scans([path]).scans

    assert back.meta.model_dump(exclude={"source_format"}) == scan.meta.model_dump(exclude={"source_format"})
    assert back.meta.source_format == "npz"
    for kv in energies:
        assert np.array_equal(back.channels[kv], scan.channels[kv])


def test_a_minimal_npz_from_another_tool(tmp_path: Path) -> None:
    data = _npz(kv6000=channel(), kv4000=channel(seed=1), meta=np.array(json.dumps(META)))
    scan = read_scan_bytes("upload.npz", data)
    assert scan.meta.energies_kv == (6000, 4000)
    assert scan.meta.scanned_at.utcoffset() is not None and scan.meta.scanned_at.hour == 4


def test_wrong_check_digit(tmp_path: Path) -> None:
    meta = META | {"container_number": WRONG_CHECK_DIGIT}
    scan = read_scan_bytes("x.npz", _npz(kv6000=channel(), meta=np.array(json.dumps(meta))))
    assert scan.meta.container_number is None and scan.meta.container_id_raw == WRONG_CHECK_DIGIT


@pytest.mark.parametrize(
    ("arrays", "expected"),
    [
        ({"kv6000": channel().astype(np.float32)}, "float32 pixels; 16-bit unsigned"),
        ({"kv6000": channel().astype(np.uint8)}, "uint8 pixels"),
        ({"kv6000": channel(), "kv4000": channel((40, 100))}, "differ in shape"),
        ({"kv6000": np.zeros((16, 20000), np.uint16)}, "absurd image size 16x20000"),
        ({"kv6000": np.zeros((40, 120, 3), np.uint16)}, "2-D image expected"),
        ({"kv6000": channel(), "extra": channel()}, "unexpected array 'extra'"),
        ({"meta_only": None}, "no channel array"),
    ],
)
def test_bad_arrays_are_refused(arrays: dict[str, object], expected: str) -> None:
    present = {name: value for name, value in arrays.items() if value is not None}
    data = _npz(meta=np.array(json.dumps(META)), **present)
    with pytest.raises(ScanError, match=expected):
        read_scan_bytes("bad.npz", data)


def test_float_array_is_refused_before_it_is_loaded() -> None:
    data = _npz(kv6000=np.zeros((40, 120), np.float64), meta=np.array(json.dumps(META)))
    with pytest.raises(ScanError) as caught:
        read_scan_bytes("f.npz", data)
    assert caught.value.where == "f.npz" and "array kv6000" in str(caught.value)


def test_missing_meta_and_damaged_zip() -> None:
    with pytest.raises(ScanError, match="no 'meta' array"):
        read_scan_bytes("m.npz", _npz(kv6000=channel()))
    with pytest.raises(ScanError, match="not a readable NPZ"):
        read_scan_bytes("z.npz", npz_bytes(make_scan())[:200])
