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
from cargoscreen.imaging.network_io import export_onnx  # noqa: E402
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


def _member(directory: Path, seed: int, templates: Templates) -> Path:
    """An untrained tiny network (its own random weights) with a manifest, as training would write it."""
    torch.manual_seed(seed)
    net = ScanNet(len(CHANNELS), len(CLASS_ORDER), width=4).eval()
    directory.mkdir()
    export_onnx(net, directory / "scannet.onnx", in_channels=len(CHANNELS))
    write_manifest(
        directory,
        version=f"member-{seed}",
        network_file="scannet.onnx",
        thresholds=fit_thresholds([0.5], [CargoClass.SUGAR], rate=0.01),
        empty=EmptyConfig(),
        change=ChangeConfig(),
        templates=templates,
        extra={"training": {"seed": seed, "scans": 40 + seed}},
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
