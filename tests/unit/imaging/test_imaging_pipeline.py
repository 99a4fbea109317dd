"""The simulator-to-models glue on a handful of SYNTHETIC scans, and the shipped weights."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cargoscreen.domain.scans import CargoClass, ContainerKind
from cargoscreen.imaging.runtime import DEFAULT_WEIGHTS, ImageAnalyzer, Manifest
from cargoscreen.pipeline.imaging import train_image_models
from cargoscreen.pipeline.imaging_data import UNTAUGHT, generate_samples, iter_scans, scan_seed
from cargoscreen.pipeline.imaging_eval import evaluate_image_models
from cargoscreen.simulate.xray import ScanSpec, simulate_scan


def test_every_split_draws_its_own_scans() -> None:
    train = {scan_seed(7, "train", i) for i in range(2000)}
    for split in ("validation", "pairs", "test", "test_pairs"):
        assert train.isdisjoint(scan_seed(7, split, i) for i in range(2000))
    assert scan_seed(7, "train", 3) == scan_seed(7, "train", 3)


def test_samples_hold_targets_where_the_drugs_are() -> None:
    samples = generate_samples(4, seed=3, split="train", concealment_share=1.0, workers=1)
    assert len(samples) == 4
    for sample in samples:
        assert sample.tensor.dtype == np.float16
        assert sample.target.shape == sample.p_high.shape == sample.weight.shape
        assert sample.truth.concealment is not None and sample.truth.kg > 0
        if sample.truth.concealment in UNTAUGHT:
            assert sample.target.max() == 0 and sample.weight.min() == 0
        else:
            assert sample.target.max() > 0


def test_iter_scans_yields_domain_scans_with_truth() -> None:
    found = list(iter_scans(3, seed=2, split="test", concealment_share=0.0, workers=1))
    assert [scan.meta.scan_id for scan, _ in found] == ["test-2-0", "test-2-1", "test-2-2"]
    assert all(truth.concealments == () and scan.meta.synthetic for scan, truth in found)


@pytest.mark.skipif(not (DEFAULT_WEIGHTS / "manifest.json").exists(), reason="no shipped weights yet")
def test_shipped_weights_load_and_analyze_a_scan() -> None:
    analyzer = ImageAnalyzer.load()
    manifest = Manifest.read(DEFAULT_WEIGHTS).raw
    size = sum(p.stat().st_size for p in DEFAULT_WEIGHTS.glob("*.onnx"))
    assert size < 5_000_000
    assert (
        manifest["training"]["scans"] >= 2000
    )  # shipped: `cargoscreen imaging train --scans 2000 --epochs 12`
    scan = simulate_scan(ScanSpec(ContainerKind.DRY_20, CargoClass.EMPTY), 4).to_scan("empty-20")
    analysis = analyzer.analyze(scan, declared_class=CargoClass.EMPTY)
    assert analysis.heatmap.shape == scan.shape
    assert analysis.findings.empty
    assert analysis.findings.consistency is not None and analysis.findings.consistency > 0.5


@pytest.mark.slow
def test_train_then_evaluate_end_to_end(tmp_path: Path) -> None:
    report = train_image_models(
        tmp_path, scans=24, seed=5, epochs=1, validation_scans=12, calibration_pairs=4, width=4
    )
    assert (tmp_path / "scannet.onnx").exists() and (tmp_path / "manifest.json").exists()
    assert report.steps == 1  # 24 scans, batches of 16
    json.dumps(report.to_json())
    with pytest.raises(ValueError, match="training seed"):
        evaluate_image_models(tmp_path, scans=2, seed=5, pairs=2, baseline_scans=2, workers=1)
    evaluation = evaluate_image_models(tmp_path, scans=6, seed=6, pairs=2, baseline_scans=4, workers=1)
    body = evaluation.to_json()
    assert body["detection"]["scans"] == 6
    assert body["change"]["pairs"] == 2
    json.dumps(body)


@pytest.mark.skipif(not (DEFAULT_WEIGHTS / "manifest.json").exists(), reason="no shipped weights yet")
def test_another_pixel_size_does_not_raise_alarms_on_clean_scans() -> None:
    # a scanner with 3 % larger pixels crops the box a working pixel differently: the empty-container
    # template is slid into place, so its walls and posts do not read as hidden mass
    analyzer = ImageAnalyzer.load()
    for pixel_mm in (5.0, 5.15):
        spec = ScanSpec(ContainerKind.REEFER_40, CargoClass.BANANAS, pixel_mm=pixel_mm)
        scan = simulate_scan(spec, 300).to_scan(f"clean-{pixel_mm}")
        findings = analyzer.analyze(scan, declared_class=CargoClass.BANANAS).findings
        assert not findings.alarm, (pixel_mm, findings.score, findings.threshold)
