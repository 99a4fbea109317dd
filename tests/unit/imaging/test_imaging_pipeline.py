"""The simulator-to-models glue on a handful of SYNTHETIC scans, and the shipped weights."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from cargoscreen.domain.scans import CargoClass, ConcealmentKind, ContainerKind
from cargoscreen.imaging.runtime import DEFAULT_WEIGHTS, ImageAnalyzer, ImagingModelError, Manifest
from cargoscreen.pipeline.imaging import train_image_models
from cargoscreen.pipeline.imaging_calibrate import calibrate_thresholds
from cargoscreen.pipeline.imaging_compare import compare_image_models
from cargoscreen.pipeline.imaging_data import (
    OWN_SHIFT_M,
    UNTAUGHT,
    _shift,
    _spec,
    _varied,
    generate_samples,
    iter_clean_scans,
    iter_scans,
    scan_seed,
    simulate_sample,
)
from cargoscreen.pipeline.imaging_eval import EvaluationSeedError, evaluate_image_models
from cargoscreen.simulate.xray import ScanSpec, simulate_pair, simulate_scan


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
        else:  # a concealment the beam does not show (a bag under a kilogram behind the doors) is not taught
            assert (sample.target.max() > 0) == bool(sample.truth.visible)
    assert any(sample.target.max() > 0 for sample in samples)


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

    # shipped: networks trained on 5 000 scans or more each (`imaging train`), or the parameter mean of such
    # networks or of such means (`imaging combine --how parameters`), each record keeping its own training
    # (a mean's record holds its members'); thresholds calibrated on 300
    def runs(record: dict[str, Any]) -> list[dict[str, Any]]:
        return (
            [run for member in record["members"] for run in runs(member)] if "members" in record else [record]
        )

    trained = runs(manifest["training"])
    assert len(trained) == 3 and all(record["scans"] >= 5000 for record in trained)
    assert manifest["calibration"]["per_class"] >= 300
    # scored over four grid phases, and calibrated so (imaging calibrate --grid-phases 4)
    assert analyzer.manifest.grid_phases == 4 == manifest["calibration"]["grid_phases"]
    # their torch state ships too (hashed in the manifest), so `imaging train --init-from` can go on from them
    assert "scannet.pt" in manifest["files"]
    pytest.importorskip("torch")
    from cargoscreen.imaging import network_io, networks

    width = manifest["training"]["config"]["width"]
    net = networks.ScanNet(len(manifest["preprocess"]["channels"]), len(manifest["classes"]), width=width)
    net.load_state_dict(network_io.load_state(DEFAULT_WEIGHTS / "scannet.pt"))  # strict: every tensor fits
    scan = simulate_scan(ScanSpec(ContainerKind.DRY_20, CargoClass.EMPTY), 4).to_scan("empty-20")
    analysis = analyzer.analyze(scan, declared_class=CargoClass.EMPTY)
    assert analysis.heatmap.shape == scan.shape
    assert analysis.findings.empty
    assert analysis.findings.consistency is not None and analysis.findings.consistency > 0.5


@pytest.mark.skipif(not (DEFAULT_WEIGHTS / "manifest.json").exists(), reason="no shipped weights yet")
def test_evaluation_refuses_every_seed_the_weights_learnt_from(tmp_path: Path) -> None:
    # weights trained on seed 9 from a network trained on seed 0: scans of either seed are not fresh
    grown = tmp_path / "grown"
    shutil.copytree(DEFAULT_WEIGHTS, grown)
    manifest = json.loads((grown / "manifest.json").read_text())
    manifest["training"].update(seed=9, seeds=[0, 9, "not a seed"])
    (grown / "manifest.json").write_text(json.dumps(manifest))
    assert Manifest.read(grown).training_seeds == frozenset({0, 9})
    # the shipped weights: the mean of (the mean of a network trained on seed 13 and one trained on from it on
    # seed 14) and a run trained on from that mean on seed 17
    assert Manifest.read(DEFAULT_WEIGHTS).training_seeds == frozenset({13, 14, 17})
    legacy = tmp_path / "legacy"  # written before "seeds" was recorded: its own seed only
    shutil.copytree(DEFAULT_WEIGHTS, legacy)
    old = json.loads((legacy / "manifest.json").read_text())
    del old["training"]["seeds"]
    (legacy / "manifest.json").write_text(json.dumps(old))
    assert Manifest.read(legacy).training_seeds == frozenset({13})
    for seed in (0, 9):
        with pytest.raises(EvaluationSeedError, match=f"seed {seed} is the training seed"):
            evaluate_image_models(grown, scans=2, seed=seed, pairs=0, baseline_scans=2, workers=1)
        with pytest.raises(EvaluationSeedError, match="training seed"):
            compare_image_models(None, grown, scans=20, seed=seed, workers=1)


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
    evaluation = evaluate_image_models(
        tmp_path, scans=6, seed=6, pairs=2, baseline_scans=4, other_scanner_per_class=1, workers=1
    )
    body = evaluation.to_json()
    assert body["detection"]["scans"] == 6
    assert body["change"]["pairs"] == 2
    assert body["other_scanners"]["clean_scans"] == 10  # one per cargo class

    # a further run starts from this network (its torch state is kept and hashed beside the ONNX file)
    assert "scannet.pt" in json.loads((tmp_path / "manifest.json").read_text())["files"]
    more = train_image_models(
        tmp_path / "more", scans=24, seed=7, epochs=1, validation_scans=12, calibration_pairs=4, width=6,
        init_from=tmp_path, learning_rate=1e-3,
    )  # fmt: skip
    more_training = json.loads((tmp_path / "more" / "manifest.json").read_text())["training"]
    assert more_training["started_from"] == report.version
    assert more_training["seeds"] == [5, 7]  # the start's scans shaped it too
    with pytest.raises(ValueError, match="training seed"):
        evaluate_image_models(tmp_path / "more", scans=2, seed=5, pairs=2, baseline_scans=2, workers=1)
    assert more_training["widened_from"] == 4 and more_training["config"]["width"] == 6
    assert more_training["config"]["learning_rate"] == 1e-3
    assert more.steps == 1
    # no --width: a run goes on at the width of the network it starts from
    train_image_models(
        tmp_path / "again", scans=24, seed=8, epochs=1, validation_scans=12, calibration_pairs=4,
        init_from=tmp_path / "more", learning_rate=1e-3,
    )  # fmt: skip
    again_training = json.loads((tmp_path / "again" / "manifest.json").read_text())["training"]
    assert again_training["config"]["width"] == 6 and again_training["widened_from"] is None
    assert "by_mass_signal_visible" in body["detection"]["model"]["at_1%_false_alarms"]
    assert body["detection"]["placed_elsewhere"]["by_mass"]
    json.dumps(body)


@pytest.mark.skipif(not (DEFAULT_WEIGHTS / "manifest.json").exists(), reason="no shipped weights yet")
def test_another_pixel_size_does_not_raise_alarms_on_clean_scans() -> None:
    # a scanner with 3 % larger pixels crops the box a working pixel differently: the empty-container
    # template is slid into place, so its walls and posts do not read as hidden mass
    # (thresholds sit at 1 % false alarms per class: one alarm in eight clean scans may happen, more may not)
    analyzer = ImageAnalyzer.load()
    for pixel_mm in (5.0, 5.15):
        spec = ScanSpec(ContainerKind.REEFER_40, CargoClass.BANANAS, pixel_mm=pixel_mm)
        found = []
        for seed in range(300, 308):
            scan = simulate_scan(spec, seed).to_scan(f"clean-{pixel_mm}-{seed}")
            findings = analyzer.analyze(scan, declared_class=CargoClass.BANANAS).findings
            found.append((findings.alarm, round(findings.score, 3)))
        assert sum(alarm for alarm, _ in found) <= 1, (pixel_mm, found)


@pytest.mark.skipif(not (DEFAULT_WEIGHTS / "manifest.json").exists(), reason="no shipped weights yet")
def test_clean_arrival_scans_of_partner_pairs_do_not_alarm() -> None:
    # the arrival scanner's pixels differ by up to 3 % and the box sits up to 6 cm elsewhere in its frame:
    # sub-pixel phases the network met in training, so walls and the reefer unit do not read as hidden mass
    analyzer = ImageAnalyzer.load()
    alarms = []
    for seed in range(6):
        spec = ScanSpec(ContainerKind.REEFER_40, CargoClass.BANANAS, 0.8)
        arrival = simulate_pair(spec, 900 + seed, rip_on=False).arrival.to_scan(f"arrival-{seed}")
        findings = analyzer.analyze(arrival, declared_class=CargoClass.BANANAS).findings
        alarms.append((findings.alarm, round(findings.score, 3)))
    assert not any(alarm for alarm, _ in alarms), alarms


def test_what_the_beam_cannot_show_is_left_out_of_the_loss() -> None:
    bags = ScanSpec(ContainerKind.REEFER_40, CargoClass.BANANAS, 0.8, ConcealmentKind.DOOR_BAGS, 30.0)
    shown = simulate_sample(bags, 5, "bags")
    assert shown.truth.visible is True
    taught = shown.target > 0
    assert taught.sum() > 20 and shown.weight[taught].min() == 1.0
    # one kilogram among sugar big-bags of about its own density adds less than the noise of 6 P of sugar
    sugar = ScanSpec(ContainerKind.DRY_20, CargoClass.SUGAR, 1.0, ConcealmentKind.BRICKS_IN_CARGO, 1.0)
    hidden = simulate_sample(sugar, 4, "sugar")
    assert hidden.truth.visible is False
    assert hidden.target.max() == 0.0
    assert hidden.weight.min() == 0.0 and hidden.weight.mean() > 0.95


@pytest.mark.skipif(not (DEFAULT_WEIGHTS / "manifest.json").exists(), reason="no shipped weights yet")
def test_calibrate_rewrites_the_thresholds_and_keeps_the_weights_loadable(tmp_path: Path) -> None:
    weights = tmp_path / "weights"
    shutil.copytree(DEFAULT_WEIGHTS, weights)
    before = Manifest.read(weights)
    record = calibrate_thresholds(weights, per_class=2, seed=11, workers=1)
    after = Manifest.read(weights)  # hashes of the network and templates still hold
    assert after.version == before.version
    assert record["per_class"] == 2 and "SYNTHETIC" in record["data"]
    counts = after.raw["thresholds"]["clean_validation_scans"]
    assert set(counts.values()) == {2}  # every class scored its own clean scans
    assert set(after.raw["thresholds_at_5_percent"]["clean_validation_scans"].values()) == {2}  # same scans
    assert after.raw["calibration"]["previous_thresholds"] == before.raw["thresholds"]
    assert after.thresholds.default != before.thresholds.default
    assert not list(weights.glob("*.tmp"))


def test_clean_calibration_scans_cover_every_class_at_varied_pixel_sizes() -> None:
    found = list(iter_clean_scans(2, seed=3, workers=1))
    assert sorted(c.value for _, c in found) == sorted(2 * [c.value for c in CargoClass])
    spacings = [scan.meta.pixel_spacing_mm[0] for scan, _ in found]
    assert spacings[:10] == [5.0] * 10  # the first round of classes: our own scanners' grid
    assert len(set(spacings[10:])) == 10 and all(4.5 <= s <= 6.5 for s in spacings)


def test_training_scans_come_half_from_our_grid_and_half_from_others() -> None:
    drawn = [_spec(5, "train", i, 0.5) for i in range(400)]
    own = [(spec, s) for spec, s in drawn if not _varied("train", s)]
    assert 150 < len(own) < 250
    # our scanners: 5 mm, the box within a working pixel of its place (never always at one phase)
    assert all(spec.pixel_mm == 5.0 for spec, _ in own)
    own_shifts = np.array([_shift("train", s) for _, s in own])
    assert np.all(np.abs(own_shifts) <= OWN_SHIFT_M) and np.abs(own_shifts[:, 0]).max() > 0.015
    others = [(spec, s) for spec, s in drawn if _varied("train", s)]
    assert all(4.5 <= spec.pixel_mm <= 6.5 for spec, _ in others)
    other_shifts = np.array([_shift("train", s) for _, s in others])
    assert np.abs(other_shifts[:, 0]).max() > OWN_SHIFT_M[0]
    assert len({spec.pixel_mm for spec, _ in others}) > 150
    # test scans: our grid, the box in place
    assert all(_spec(5, "test", i, 0.5)[0].pixel_mm == 5.0 for i in range(50))
    assert all(_shift("test", scan_seed(5, "test", i)) == (0.0, 0.0) for i in range(50))


def test_a_training_run_stopped_part_way_goes_on_from_its_checkpoint(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    checkpoint = tmp_path / "run.ckpt"
    arguments: dict[str, Any] = {
        "scans": 32, "seed": 5, "epochs": 3, "validation_scans": 12, "calibration_pairs": 2, "width": 4,
        "workers": 1, "checkpoint": checkpoint,
    }  # fmt: skip

    def stop_in_the_second_epoch(message: str) -> None:
        if message.startswith("epoch 2/3"):
            raise KeyboardInterrupt  # the sitting ends (or the machine goes) before epoch 2 is saved

    with pytest.raises(KeyboardInterrupt):
        train_image_models(tmp_path / "weights", progress=stop_in_the_second_epoch, **arguments)
    assert checkpoint.exists() and not (tmp_path / "weights").exists()
    with pytest.raises(ImagingModelError, match=r"another run .*seed: saved 5, now 6"):
        train_image_models(tmp_path / "other", **{**arguments, "seed": 6})
    said: list[str] = []
    report = train_image_models(tmp_path / "weights", progress=said.append, **arguments)
    assert any("after epoch 1" in line for line in said)
    assert [line.split(":")[0] for line in said if line.startswith("epoch")] == ["epoch 2/3", "epoch 3/3"]
    training = json.loads((tmp_path / "weights" / "manifest.json").read_text())["training"]
    assert training["resumed_after_epoch"] == 1 and len(report.losses) == 3 and report.steps == 6
    assert not checkpoint.exists()  # the weights hold the finished run
