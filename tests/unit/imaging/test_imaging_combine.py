"""Combining networks trained on different seeds: one ONNX graph whose outputs are the members' means."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("onnx")

from cargoscreen.domain.scans import CargoClass, ContainerKind  # noqa: E402
from cargoscreen.imaging.change import ChangeConfig  # noqa: E402
from cargoscreen.imaging.consistency import CLASS_ORDER  # noqa: E402
from cargoscreen.imaging.empty import EmptyConfig  # noqa: E402
from cargoscreen.imaging.network_io import export_onnx, load_state, predict, save_state  # noqa: E402
from cargoscreen.imaging.networks import ScanNet  # noqa: E402
from cargoscreen.imaging.preprocess import CHANNELS, Templates, prepare  # noqa: E402
from cargoscreen.imaging.runtime import (  # noqa: E402
    ImageAnalyzer,
    ImagingModelError,
    network_output,
    open_session,
    write_manifest,
)
from cargoscreen.imaging.thresholds import fit_thresholds  # noqa: E402
from cargoscreen.pipeline.imaging_combine import combine_image_models  # noqa: E402
from cargoscreen.pipeline.imaging_data import fit_templates  # noqa: E402
from cargoscreen.simulate.xray import ScanSpec, simulate_scan  # noqa: E402


@pytest.fixture(scope="module")
def templates() -> Templates:
    return fit_templates(1, seed=0, workers=1)


def _member(
    directory: Path, seed: int, templates: Templates, *, started_from: str | None = None, state: bool = False
) -> Path:
    """An untrained tiny network (its own random weights) with a manifest, as training would write it."""
    torch.manual_seed(seed)
    net = ScanNet(len(CHANNELS), len(CLASS_ORDER), width=4).eval()
    for module in net.modules():  # batch-norm statistics of its own, so that averaging them is tested too
        if isinstance(module, torch.nn.BatchNorm2d):
            module.running_mean.uniform_(-0.5, 0.5)
            module.running_var.uniform_(0.5, 2.0)
    directory.mkdir()
    export_onnx(net, directory / "scannet.onnx", in_channels=len(CHANNELS))
    if state:
        save_state(net, directory / "scannet.pt")
    write_manifest(
        directory,
        version=f"member-{seed}",
        network_file="scannet.onnx",
        thresholds=fit_thresholds([0.5], [CargoClass.SUGAR], rate=0.01),
        empty=EmptyConfig(),
        change=ChangeConfig(),
        templates=templates,
        other_files=("scannet.pt",) if state else (),
        extra={"training": {"seed": seed, "scans": 40 + seed, "started_from": started_from}},
    )
    return directory


def test_combined_model_outputs_the_mean_of_its_members_and_is_calibrated(
    tmp_path: Path, templates: Templates
) -> None:
    members = [_member(tmp_path / f"m{k}", k, templates) for k in (0, 3)]
    record = combine_image_models(members, tmp_path / "mean", per_class=2, workers=1)
    assert record["members"] == ["member-0", "member-3"]
    manifest: dict[str, Any] = json.loads((tmp_path / "mean" / "manifest.json").read_text())
    assert manifest["training"]["seeds"] == [0, 3]
    assert [m["scans"] for m in manifest["training"]["members"]] == [40, 43]
    assert manifest["calibration"]["per_class"] == 2
    assert manifest["thresholds"] != json.loads((members[0] / "manifest.json").read_text())["thresholds"]

    scan = simulate_scan(ScanSpec(ContainerKind.DRY_20, CargoClass.COFFEE, fill=0.6), 7).to_scan("s")
    prepared = prepare(scan, templates)
    outputs = [
        network_output(open_session(folder / "scannet.onnx"), prepared.tensor, prepared.frame.size)
        for folder in [*members, tmp_path / "mean"]
    ]
    np.testing.assert_allclose(outputs[2].heat, (outputs[0].heat + outputs[1].heat) / 2, atol=1e-6)
    np.testing.assert_allclose(
        outputs[2].probabilities, (outputs[0].probabilities + outputs[1].probabilities) / 2, atol=1e-6
    )
    analysis = ImageAnalyzer.load(tmp_path / "mean").analyze(scan, declared_class=CargoClass.COFFEE)
    assert analysis.heatmap.shape == scan.shape


def test_one_network_twice_or_other_templates_are_refused_and_nothing_is_written(
    tmp_path: Path, templates: Templates
) -> None:
    first = _member(tmp_path / "a", 0, templates)
    with pytest.raises(ImagingModelError, match="same network"):
        combine_image_models([first, first], tmp_path / "out", per_class=2, workers=1)
    assert not (tmp_path / "out").exists()

    other = _member(tmp_path / "c", 5, fit_templates(1, seed=9, workers=1))
    with pytest.raises(ImagingModelError, match="other empty-container templates"):
        combine_image_models([first, other], tmp_path / "out", per_class=2, workers=1)
    with pytest.raises(ImagingModelError, match="at least two"):
        combine_image_models([first], tmp_path / "out", per_class=2, workers=1)

    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    second = _member(tmp_path / "d", 2, templates)
    with pytest.raises(ImagingModelError, match="not an empty folder"):
        combine_image_models([first, second], tmp_path / "full", workers=1)
    assert (tmp_path / "full" / "keep.txt").read_text() == "mine"
    with pytest.raises(ImagingModelError, match="not an empty folder"):
        combine_image_models([first, second], tmp_path / "full" / "keep.txt", workers=1)
    assert (tmp_path / "full" / "keep.txt").read_text() == "mine"


def test_averaged_parameters_make_one_network_of_the_members_mean_weights(
    tmp_path: Path, templates: Templates
) -> None:
    start = _member(tmp_path / "start", 0, templates, state=True)
    grown = _member(tmp_path / "grown", 3, templates, started_from="member-0", state=True)
    record = combine_image_models([start, grown], tmp_path / "avg", per_class=2, workers=1, how="parameters")
    assert record["how"] == "parameters"
    manifest: dict[str, Any] = json.loads((tmp_path / "avg" / "manifest.json").read_text())
    assert manifest["combined"]["how"] == "mean of parameters"
    assert manifest["training"]["started_from"] == "member-0"
    assert manifest["training"]["config"] == {"width": 4}
    assert manifest["training"]["seeds"] == [0, 3]
    assert "scannet.pt" in manifest["files"]  # training can go on from it

    states = [load_state(folder / "scannet.pt") for folder in (start, grown)]
    net = ScanNet(len(CHANNELS), len(CLASS_ORDER), width=4).eval()
    net.load_state_dict(
        {k: (v + states[1][k]) / 2 if v.is_floating_point() else v for k, v in states[0].items()}
    )
    scan = simulate_scan(ScanSpec(ContainerKind.DRY_20, CargoClass.SUGAR, fill=0.7), 5).to_scan("s")
    prepared = prepare(scan, templates)
    heat, probabilities = predict(net, prepared.tensor)
    out = network_output(
        open_session(tmp_path / "avg" / "scannet.onnx"), prepared.tensor, prepared.frame.size
    )
    h, w = out.heat.shape
    np.testing.assert_allclose(out.heat, heat[:h, :w], atol=1e-5)
    np.testing.assert_allclose(out.probabilities, probabilities, atol=1e-5)
    # not the output mean: averaging weights of a non-linear network is another function
    mean = combine_image_models([start, grown], tmp_path / "mean", per_class=2, workers=1)
    other = network_output(
        open_session(tmp_path / "mean" / "scannet.onnx"), prepared.tensor, prepared.frame.size
    )
    assert record["version"] != mean["version"]
    assert not np.allclose(other.heat, out.heat, atol=1e-4)


def test_averaging_parameters_refuses_networks_without_a_common_start(
    tmp_path: Path, templates: Templates
) -> None:
    a = _member(tmp_path / "a", 0, templates, state=True)
    b = _member(tmp_path / "b", 1, templates, started_from="elsewhere", state=True)
    with pytest.raises(ImagingModelError, match="grown from one start"):
        combine_image_models([a, b], tmp_path / "out", per_class=2, workers=1, how="parameters")
    assert not (tmp_path / "out").exists()
    c = _member(tmp_path / "c", 2, templates, started_from="member-0")  # no torch state
    with pytest.raises(ImagingModelError, match=r"no scannet\.pt"):
        combine_image_models([a, c], tmp_path / "out", per_class=2, workers=1, how="parameters")
    with pytest.raises(ImagingModelError, match="combine averages one of"):
        combine_image_models([a, b], tmp_path / "out", per_class=2, workers=1, how="weights")
    assert not (tmp_path / "out").exists()
