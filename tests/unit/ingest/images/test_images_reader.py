"""Reading folders and uploads: grouping channels into scans, isolating bad files, size limits (synthetic)."""

from __future__ import annotations

from pathlib import Path

import pytest
from scan_builders import foreign_dicos, make_scan

from cargoscreen.domain.errors import InputTooLarge
from cargoscreen.domain.scans import ScanError
from cargoscreen.ingest.images import (
    npz_bytes,
    read_scan_bytes,
    read_scan_uploads,
    read_scans,
    write_dicos,
    write_npz,
    write_sidecar_scan,
)


def test_a_folder_tree_of_several_scans_in_all_formats(tmp_path: Path) -> None:
    write_dicos(make_scan(scan_id="D1"), tmp_path / "dicos")
    write_dicos(make_scan(scan_id="D2", energies=(6000,)), tmp_path / "dicos" / "more")
    write_sidecar_scan(make_scan(scan_id="T1"), tmp_path / "tiff", image_format="tiff")
    write_sidecar_scan(make_scan(scan_id="P1"), tmp_path / "tiff", image_format="png")
    write_npz(make_scan(scan_id="N1"), tmp_path / "npz")
    (tmp_path / "npz" / ".DS_Store").write_bytes(b"\0\0")

    result = read_scans([tmp_path])

    assert result.errors == []
    assert sorted(scan.meta.scan_id for scan in result.scans) == ["D1", "D2", "N1", "P1", "T1"]
    by_id = {scan.meta.scan_id: scan for scan in result.scans}
    assert by_id["D1"].meta.energies_kv == (6000, 4000) and by_id["D2"].meta.energies_kv == (6000,)
    assert len(result.sources["T1"]) == 2 and result.sources["D1"][0].instance_uid


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    write_npz(make_scan(scan_id="good"), tmp_path)
    (tmp_path / "notes.txt").write_text("not a scan")
    bad = write_dicos(make_scan(scan_id="bad"), tmp_path)
    bad[0].write_bytes(bad[0].read_bytes()[:-100])

    result = read_scans([tmp_path])

    assert [scan.meta.scan_id for scan in result.scans] == ["good"]
    reasons = {Path(error.source).name: error.reason for error in result.errors}
    assert reasons["notes.txt"].startswith("not a scan file")
    assert set(reasons) == {"notes.txt", "bad_6000.dcm", "bad_4000.dcm"}


def test_the_same_scan_twice_is_reported_once_as_duplicate(tmp_path: Path) -> None:
    write_npz(make_scan(), tmp_path / "a")
    write_sidecar_scan(make_scan(), tmp_path / "b")
    result = read_scans([tmp_path])
    assert len(result.scans) == 1
    assert result.errors and all("duplicate scan id SYN-0001" in error.reason for error in result.errors)


def test_a_path_given_twice_or_inside_a_given_folder_is_read_once(tmp_path: Path) -> None:
    path = write_npz(make_scan(), tmp_path)
    result = read_scans([tmp_path, path, path])
    assert len(result.scans) == 1 and result.errors == []


def test_a_missing_path_is_an_error(tmp_path: Path) -> None:
    [error] = read_scans([tmp_path / "nowhere"]).errors
    assert error.reason == "no such file or folder"


def test_files_over_the_limit_are_refused_and_take_their_series_with_them(tmp_path: Path) -> None:
    paths = write_dicos(make_scan(shape=(40, 400)), tmp_path)
    small = foreign_dicos(tmp_path / "small.dcm", image=make_scan(shape=(16, 16)).high)
    limit = small.stat().st_size + 10

    result = read_scans([tmp_path], max_bytes=limit)

    assert len(result.scans) == 1  # the small file still makes a scan
    reasons = {Path(error.source).name: error for error in result.errors}
    assert set(reasons) == {p.name for p in paths}
    refused = reasons[paths[0].name]
    assert refused.too_large and f"more than the limit of {limit} bytes" in refused.reason
    assert refused.scan_id  # the series was found from the header alone


def test_a_series_with_one_refused_channel_is_rejected_whole(tmp_path: Path) -> None:
    foreign_dicos(tmp_path / "a.dcm", kv=6000, series_uid="1.2.3.5", ImageComments="x" * 5000)
    small = foreign_dicos(tmp_path / "b.dcm", kv=4000, series_uid="1.2.3.5")

    result = read_scans([tmp_path], max_bytes=small.stat().st_size + 100)

    assert result.scans == []
    reasons = {Path(error.source).name: error for error in result.errors}
    assert reasons["a.dcm"].too_large and not reasons["b.dcm"].too_large
    assert "refused for its size" in reasons["b.dcm"].reason and reasons["b.dcm"].scan_id == "1.2.3.5"


def test_uploads_over_the_limit_raise(tmp_path: Path) -> None:
    data = npz_bytes(make_scan())
    with pytest.raises(InputTooLarge, match=r"big\.npz"):
        read_scan_uploads([("big.npz", data)], max_bytes=len(data) - 1)


def test_uploads_group_like_files(tmp_path: Path) -> None:
    paths = write_sidecar_scan(make_scan(), tmp_path, image_format="png")
    dicos = write_dicos(make_scan(scan_id="D9"), tmp_path / "d")
    uploads = [(p.name, p.read_bytes()) for p in [*paths, *dicos]]
    result = read_scan_uploads(uploads)
    assert result.errors == []
    assert sorted(scan.meta.scan_id for scan in result.scans) == ["D9", "SYN-0001"]


def test_read_scan_bytes_needs_a_self_contained_file(tmp_path: Path) -> None:
    [path] = write_dicos(make_scan(energies=(6000,)), tmp_path)
    assert read_scan_bytes("x.dcm", path.read_bytes()).meta.energies_kv == (6000,)
    with pytest.raises(ScanError, match="missing sidecar"):
        read_scan_bytes("a.tiff", write_sidecar_scan(make_scan(energies=(6000,)), tmp_path)[1].read_bytes())
    with pytest.raises(ScanError, match="not a scan file"):
        read_scan_bytes("a.bin", b"hello")


def test_errors_convert_to_quarantine_rejections(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("?")
    [error] = read_scans([tmp_path]).errors
    rejection = error.as_rejection()
    assert rejection.source_name == str(tmp_path / "x.txt") and rejection.scope == "scan"
    assert rejection.reason == error.reason
