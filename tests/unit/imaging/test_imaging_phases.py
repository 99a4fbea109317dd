"""Heat-maps averaged over grid phases (imaging.phases) and the manifest setting that turns them on."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from cargoscreen.domain.scans import CargoClass, ConcealmentKind, ContainerKind, DoorEnd, Scan
from cargoscreen.imaging.phases import averaged_heat, half_pixel, without_first
from cargoscreen.imaging.preprocess import FloatArray, Prepared, prepare
from cargoscreen.imaging.runtime import DEFAULT_WEIGHTS, ImageAnalyzer, ImagingModelError, Manifest
from cargoscreen.pipeline.imaging_calibrate import calibrate_thresholds
from cargoscreen.simulate.xray import ScanSpec, simulate_scan

needs_weights = pytest.mark.skipif(
    not (DEFAULT_WEIGHTS / "manifest.json").exists(), reason="no shipped weights yet"
)


def _bags(door_end: DoorEnd, pixel_mm: float = 5.0, seed: int = 7) -> Scan:
    spec = ScanSpec(
        ContainerKind.DRY_20,
        CargoClass.MIXED_CARTONS,
        0.6,
        ConcealmentKind.BRICKS_IN_CARGO,
        25.0,
        pixel_mm=pixel_mm,
        door_end=door_end,
    )
    return simulate_scan(spec, seed).to_scan(f"phases-{door_end.value}-{pixel_mm}")


def _lumps(scan: Scan) -> tuple[Prepared, FloatArray]:
    # a stand-in network that moves with the image: the row residual, so a brick lights up where it lies
    prepared = prepare(scan)
    residual = prepared.p_high - np.median(prepared.p_high, axis=1, keepdims=True)
    return prepared, np.clip(residual, 0.0, None).astype(np.float32)


def test_half_a_working_pixel_in_scan_pixels() -> None:
    assert half_pixel((5.0, 5.0)) == (2, 2)
    assert half_pixel((3.0, 12.0)) == (3, 1)
    assert half_pixel((40.0, 40.0)) == (1, 1)  # never zero: a phase must move


def test_dropping_the_first_rows_and_columns_keeps_the_metadata() -> None:
    scan = _bags(DoorEnd.RIGHT)
    moved = without_first(scan, 2, 3)
    assert moved.shape == (scan.shape[0] - 2, scan.shape[1] - 3)
    assert moved.meta == scan.meta
    assert np.array_equal(moved.high, scan.high[2:, 3:])


@pytest.mark.parametrize("door_end", [DoorEnd.RIGHT, DoorEnd.LEFT])
def test_the_phases_line_up_on_the_first_grid(door_end: DoorEnd) -> None:
    scan = _bags(door_end)
    first, heat = _lumps(scan)
    mean = averaged_heat(scan, first, heat, 4, _lumps)
    assert mean.shape == heat.shape
    assert averaged_heat(scan, first, heat, 1, _lumps) is heat
    # the same content seen on grids half a pixel apart: the mean keeps the first map's picture
    assert float(np.corrcoef(mean.ravel(), heat.ravel())[0, 1]) > 0.9
    peak = np.unravel_index(int(np.argmax(heat)), heat.shape)
    near = mean[max(peak[0] - 2, 0) : peak[0] + 3, max(peak[1] - 2, 0) : peak[1] + 3]
    assert float(near.max()) > 0.5 * float(heat.max())
    with pytest.raises(ValueError, match="grid phases"):
        averaged_heat(scan, first, heat, 3, _lumps)


@needs_weights
def test_four_phases_score_and_box_like_one() -> None:
    shipped = ImageAnalyzer.load()
    one = ImageAnalyzer(shipped.session, replace(shipped.manifest, grid_phases=1))
    four = ImageAnalyzer(shipped.session, replace(shipped.manifest, grid_phases=4))
    assert one.version == shipped.manifest.version
    assert four.version == f"{shipped.manifest.version}-phases4"  # findings say how they were scored
    for door_end, pixel_mm in ((DoorEnd.RIGHT, 5.0), (DoorEnd.LEFT, 7.3)):
        scan = _bags(door_end, pixel_mm)
        a = one.analyze(scan, declared_class=CargoClass.MIXED_CARTONS).findings
        b = four.analyze(scan, declared_class=CargoClass.MIXED_CARTONS).findings
        assert 0.0 <= b.score <= 1.0
        assert a.alarm and b.alarm, (a.score, b.score)  # 25 kg among cartons: both see it
        assert b.boxes  # every alarm has a box
        ax = (a.boxes[0].x0 + a.boxes[0].x1) / 2
        bx = (b.boxes[0].x0 + b.boxes[0].x1) / 2
        assert abs(ax - bx) * pixel_mm < 300.0  # the strongest box is the same lump (within 30 cm)


@needs_weights
def test_the_manifest_sets_the_phases_and_refuses_others(tmp_path: Path) -> None:
    weights = tmp_path / "weights"
    shutil.copytree(DEFAULT_WEIGHTS, weights)
    assert Manifest.read(weights).grid_phases in (1, 2, 4)
    path = weights / "manifest.json"
    data = json.loads(path.read_text())
    data["inference"] = {"grid_phases": 3}
    path.write_text(json.dumps(data))
    with pytest.raises(ImagingModelError, match="grid_phases"):
        Manifest.read(weights)
    data["inference"] = {"grid_phases": 2}
    path.write_text(json.dumps(data))
    assert Manifest.read(weights).grid_phases == 2


@needs_weights
def test_calibrate_sets_the_phases_with_the_thresholds(tmp_path: Path) -> None:
    weights = tmp_path / "weights"
    shutil.copytree(DEFAULT_WEIGHTS, weights)
    before = (weights / "manifest.json").read_text()
    with pytest.raises(ImagingModelError, match="grid-phases"):
        calibrate_thresholds(weights, per_class=2, seed=11, grid_phases=3, workers=1)
    assert (weights / "manifest.json").read_text() == before  # refused before anything was written
    record = calibrate_thresholds(weights, per_class=2, seed=11, grid_phases=2, workers=1)
    after = Manifest.read(weights)
    assert record["grid_phases"] == 2 and after.grid_phases == 2
    assert after.raw["calibration"]["grid_phases"] == 2
    assert before != (weights / "manifest.json").read_text()
