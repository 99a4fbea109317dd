"""The scan commands as a user runs them: analyze DICOS written by another tool, ingest, list, export."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid
from typer.testing import CliRunner

from cargoscreen.cli import context
from cargoscreen.cli.main import app
from cargoscreen.domain.scans import CargoClass, ConcealmentKind, ContainerKind
from cargoscreen.imaging.runtime import DEFAULT_WEIGHTS
from cargoscreen.ingest.images import read_tdr
from cargoscreen.simulate.xray import ScanSpec, simulate_scan

DX = "1.2.840.10008.5.1.4.1.1.501.2.2"


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("CARGOSCREEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CARGOSCREEN_DATABASE_URL", raising=False)
    for console in (context.console, context.err_console):
        monkeypatch.setattr(console, "width", 200)
    return CliRunner()


def invoke(runner: CliRunner, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def foreign_dicos(folder: Path, container: str, channels: dict[int, np.ndarray], spacing_mm: float) -> str:
    """Write one DX object per energy as another tool would with plain pydicom; the series UID."""
    series = generate_uid()
    folder.mkdir(parents=True, exist_ok=True)
    for kv, pixels in channels.items():
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = DX
        meta.MediaStorageSOPInstanceUID = generate_uid()
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        path = folder / f"{container}_{kv}.dcm"
        ds = FileDataset(str(path), Dataset(), file_meta=meta, preamble=b"\0" * 128)
        ds.SOPClassUID, ds.SOPInstanceUID, ds.SeriesInstanceUID = DX, meta.MediaStorageSOPInstanceUID, series
        ds.OOIType, ds.PatientID, ds.KVP = "CARGO", container, kv
        ds.ContentDate, ds.ContentTime = "20260312", "081500"
        ds.Rows, ds.Columns = pixels.shape
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
        ds.PixelSpacing = [spacing_mm, spacing_mm]
        ds.PixelData = pixels.astype(np.uint16).tobytes()
        ds.save_as(path, enforce_file_format=True)
    return series


@pytest.fixture
def foreign_scans(tmp_path: Path) -> dict[str, tuple[str, int]]:
    """Two SYNTHETIC 20 ft scans written by "another tool": one with 120 kg of bags behind the doors, one clean."""
    folder = tmp_path / "incoming"
    made = {}
    for container, hidden, seed in (
        ("MSCU1234566", ConcealmentKind.DOOR_BAGS, 11),
        ("TGHU9876542", None, 12),
    ):
        spec = ScanSpec(
            kind=ContainerKind.DRY_20,
            cargo=CargoClass.COFFEE,
            concealment=hidden,
            concealment_kg=120.0 if hidden else 0.0,
            pixel_mm=6.0,
        )
        simulated = simulate_scan(spec, seed)
        series = foreign_dicos(folder / container, container, dict(simulated.channels), 6.0)
        made[container] = (series, simulated.channels[6000].shape[1])
    return made


def test_analyze_writes_one_contract_line_per_scan_of_foreign_dicos(
    runner: CliRunner, tmp_path: Path, foreign_scans: dict[str, tuple[str, int]]
) -> None:
    out = tmp_path / "findings.jsonl"
    invoke(runner, "scan", "analyze", str(tmp_path / "incoming"), "--out", str(out))
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 2
    by_container = {line["container_number"]: line for line in lines}
    assert set(by_container) == set(foreign_scans)
    for container, (series, cols) in foreign_scans.items():
        line = by_container[container]
        assert line["scan"] == series
        assert 0.0 <= line["score"] <= 1.0 and isinstance(line["empty"], bool) and not line["empty"]
        for x0, y0, x1, y1, score in line["boxes"]:
            assert 0 <= x0 < x1 <= cols and 0 <= y0 < y1 and 0.0 <= score <= 1.0
    # How well the model finds concealments is measured in bench/imaging, not asserted here.


def test_ingest_flags_unknown_containers_lists_and_exports_with_findings(
    runner: CliRunner, tmp_path: Path, foreign_scans: dict[str, tuple[str, int]]
) -> None:
    printed = invoke(runner, "scan", "ingest", str(tmp_path / "incoming"))
    assert "stored" in printed
    listed = invoke(runner, "scan", "list", "--flagged")
    assert "unknown container" in listed and "MSCU1234566" in listed
    series = foreign_scans["MSCU1234566"][0]
    out = tmp_path / "export"
    invoke(runner, "scan", "export", series, "--out", str(out))
    tdr = read_tdr(next(out.glob("*_tdr.dcm")))
    assert tdr.referenced_series_uid == series and tdr.findings is not None
    again = tmp_path / "again.jsonl"
    invoke(runner, "scan", "analyze", str(out), "--out", str(again))
    assert len(again.read_text(encoding="utf-8").splitlines()) == 1


def test_a_corrupt_file_is_named_and_nothing_is_stored(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "broken.dcm").write_bytes(b"\0" * 128 + b"DICM" + b"\x02\x00" * 50)
    printed = invoke(runner, "scan", "ingest", str(bad), "--no-analyze", code=1)
    assert "broken.dcm" in printed
    assert "(0)" in invoke(runner, "scan", "list") or "Scans (0)" in invoke(runner, "scan", "list")


@pytest.mark.parametrize("command", ["calibrate", "evaluate"])
def test_imaging_commands_name_a_weights_folder_without_a_manifest(
    runner: CliRunner, tmp_path: Path, command: str
) -> None:
    empty = tmp_path / "no-weights"
    empty.mkdir()
    output = invoke(runner, "imaging", command, "--weights", str(empty), code=2)
    assert "error:" in output and "manifest.json" in output and "no-weights" in output
    assert list(empty.iterdir()) == []  # nothing written


def test_imaging_combine_refuses_one_model_twice_and_writes_nothing(
    runner: CliRunner, tmp_path: Path
) -> None:
    pytest.importorskip("onnx")
    shipped = str(DEFAULT_WEIGHTS)
    output = invoke(runner, "imaging", "combine", shipped, shipped, "--out", str(tmp_path / "mean"), code=2)
    assert "error:" in output and "same network" in output
    assert not (tmp_path / "mean").exists()
    output = invoke(
        runner,
        "imaging",
        "combine",
        shipped,
        shipped,
        "--out",
        str(tmp_path / "mean"),
        "--how",
        "weights",
        code=2,
    )
    assert "error:" in output and "'outputs', 'parameters'" in output
    assert not (tmp_path / "mean").exists()


def test_imaging_train_refuses_to_start_from_weights_without_a_torch_state(
    runner: CliRunner, tmp_path: Path
) -> None:
    pytest.importorskip("torch")
    onnx_only = tmp_path / "onnx-only"  # what a folder written before the torch state was kept looks like
    shutil.copytree(DEFAULT_WEIGHTS, onnx_only)
    (onnx_only / "scannet.pt").unlink()
    manifest = json.loads((onnx_only / "manifest.json").read_text())
    del manifest["files"]["scannet.pt"]
    (onnx_only / "manifest.json").write_text(json.dumps(manifest))
    out = tmp_path / "next"
    output = invoke(
        runner, "imaging", "train", "--init-from", str(onnx_only), "--out", str(out), "--scans", "20", code=2
    )
    assert "error:" in output and "scannet.pt" in output
    assert not out.exists()  # refused before simulating anything


def test_imaging_train_refuses_to_start_from_a_wider_network(runner: CliRunner, tmp_path: Path) -> None:
    pytest.importorskip("torch")
    out = tmp_path / "narrower"
    output = invoke(
        runner, "imaging", "train", "--init-from", str(DEFAULT_WEIGHTS), "--width", "12", "--out", str(out),
        "--scans", "20", code=2,
    )  # fmt: skip
    assert "error:" in output and "width 24" in output and "not at 12" in output
    assert not out.exists()  # refused before simulating anything


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--max-minutes", "0"),
        ("--max-minutes", "-5"),
        ("--learning-rate", "0"),
        ("--learning-rate", "0.5"),
        ("--width", "4"),
        ("--width", "64"),
    ],
)
def test_imaging_train_refuses_an_option_out_of_range_before_simulating(
    runner: CliRunner, tmp_path: Path, option: str, value: str
) -> None:
    out = tmp_path / "weights"
    output = invoke(runner, "imaging", "train", "--out", str(out), option, value, code=2)
    assert option in output
    assert not out.exists()


def test_imaging_compare_scores_two_models_on_the_same_scans(runner: CliRunner, tmp_path: Path) -> None:
    copy = tmp_path / "copy"  # the shipped network under another folder: the same scans, the same verdicts
    shutil.copytree(DEFAULT_WEIGHTS, copy)
    out = tmp_path / "compare.json"
    printed = invoke(
        runner, "imaging", "compare", str(copy), "--scans", "24", "--seed", "11", "--out", str(out)
    )
    assert "McNemar" in printed and "x-ray visible" in printed and "2-10 kg" in printed
    result = json.loads(out.read_text())
    assert result["a"] == result["b"] and result["scans"] == 24 and result["seed"] == 11
    assert result["clean_scans"] + result["concealment_scans"] == 24
    groups = [result["xray_visible"], *result["by_mass"].values(), *result["by_kind"].values()]
    assert all(g["only_a"] == g["only_b"] == 0 and g["p_value"] is None for g in groups)
    assert sum(g["n"] for g in result["by_mass"].values()) == result["xray_visible"]["n"]
    by_cargo = [g for buckets in result["by_cargo_and_mass"].values() for g in buckets.values()]
    assert sum(g["n"] for g in by_cargo) == result["xray_visible"]["n"]  # every visible scan has its cargo
    assert result["threshold"]["a"] == result["threshold"]["b"]
    # ranked by the margin over each class threshold; the raw-peak measure of before kept beside
    assert result["ranking"] == "margin over the class threshold" and "raw peak" in printed
    peak = result["one_threshold_on_peak"]
    assert peak["xray_visible"]["n"] == result["xray_visible"]["n"] and 0.0 <= peak["threshold"]["a"] <= 1.0


def test_imaging_compare_refuses_a_training_seed_and_a_folder_without_weights(
    runner: CliRunner, tmp_path: Path
) -> None:
    trained_on_7 = tmp_path / "seed7"
    shutil.copytree(DEFAULT_WEIGHTS, trained_on_7)
    manifest = json.loads((trained_on_7 / "manifest.json").read_text())
    manifest["training"].update(seed=7, seeds=[7])
    (trained_on_7 / "manifest.json").write_text(json.dumps(manifest))
    out = tmp_path / "compare.json"
    output = invoke(runner, "imaging", "compare", str(trained_on_7), "--seed", "7", "--out", str(out), code=2)
    assert "error:" in output and "training seed" in output and "seed 7" in output
    empty = tmp_path / "no-weights"
    empty.mkdir()
    output = invoke(runner, "imaging", "compare", str(empty), "--out", str(out), code=2)
    assert "error:" in output and "manifest.json" in output
    assert not out.exists()
