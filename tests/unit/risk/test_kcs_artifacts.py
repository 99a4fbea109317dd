"""Model directories: a faithful round trip, and loud refusals of anything altered or incompatible."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cargoscreen.risk import artifacts
from cargoscreen.risk.artifacts import ModelArtifactError, load_model_dir, save_model_dir
from cargoscreen.risk.kcs import read_kcs
from cargoscreen.risk.kcs_service import FittedKcs, fit_frame, holdout_by_time, score_frame

KCS = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "kcs"
pytestmark = pytest.mark.skipif(
    not (KCS / "train.csv").is_file(), reason=f"KCS data not found at {KCS} (the ../shared folder is absent)"
)


@pytest.fixture(scope="module")
def declarations() -> pd.DataFrame:
    return read_kcs(KCS / "train.csv", require_labels=True).frame.iloc[::12].reset_index(drop=True)


@pytest.fixture(scope="module")
def fitted(declarations: pd.DataFrame) -> FittedKcs:
    holdout = holdout_by_time(declarations, 0.2)
    return fit_frame(declarations, target="fraud", holdout=holdout, params={"n_estimators": 60})


@pytest.fixture
def model_dir(tmp_path: Path, fitted: FittedKcs) -> Path:
    directory = tmp_path / "model"
    save_model_dir(
        directory, model=fitted.model, history=fitted.history, target="fraud", training={"rows": 1}
    )
    return directory


def test_round_trip_scores_identically(
    model_dir: Path, fitted: FittedKcs, declarations: pd.DataFrame
) -> None:
    saved = load_model_dir(model_dir)
    rows = declarations.iloc[:500]
    np.testing.assert_array_equal(
        score_frame(rows, saved.model, saved.history), score_frame(rows, fitted.model, fitted.history)
    )
    manifest = saved.manifest
    assert manifest["target"] == "fraud" and manifest["model_version"].startswith("kcs-fraud-")
    assert set(manifest["libraries"]) == {"lightgbm", "numpy", "pandas", "python"}
    assert manifest["params"] == fitted.model.get_params()
    assert sorted(p.name for p in model_dir.iterdir()) == sorted([*manifest["files"], "manifest.json"])


@pytest.mark.parametrize("name", ["model.txt", "history.csv.gz", "reference.json"])
def test_corrupt_or_missing_file_is_refused(model_dir: Path, name: str) -> None:
    with (model_dir / name).open("ab") as handle:
        handle.write(b"\n")
    with pytest.raises(ModelArtifactError, match=f"{name} is corrupt"):
        load_model_dir(model_dir)
    (model_dir / name).unlink()
    with pytest.raises(ModelArtifactError, match=f"{name} is missing"):
        load_model_dir(model_dir)


def test_manifest_problems_are_refused(model_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelArtifactError, match="not a model directory"):
        load_model_dir(tmp_path / "nowhere")
    (model_dir / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelArtifactError, match="corrupt manifest"):
        load_model_dir(model_dir)


def test_schema_mismatch_is_refused(model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(artifacts, "schema_hash", lambda: "0" * 64)
    with pytest.raises(ModelArtifactError, match=r"feature schema mismatch.*retrain"):
        load_model_dir(model_dir)


def test_other_major_library_is_refused(model_dir: Path) -> None:
    manifest = json.loads((model_dir / "manifest.json").read_text(encoding="utf-8"))
    manifest["libraries"]["lightgbm"] = "3.3.5"
    (model_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ModelArtifactError, match=r"lightgbm 3\.3\.5"):
        load_model_dir(model_dir)


def test_saving_replaces_a_model_but_not_other_folders(
    model_dir: Path, fitted: FittedKcs, tmp_path: Path
) -> None:
    save_model_dir(model_dir, model=fitted.model, history=fitted.history, target="critical", training={})
    assert load_model_dir(model_dir).manifest["target"] == "critical"
    other = tmp_path / "photos"
    other.mkdir()
    (other / "cat.jpg").write_bytes(b"x")
    with pytest.raises(ModelArtifactError, match="not a model directory"):
        save_model_dir(other, model=fitted.model, history=fitted.history, target="fraud", training={})
    assert [p.name for p in other.iterdir()] == ["cat.jpg"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model", "photos"]  # no staging left behind
