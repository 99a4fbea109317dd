"""ContainerRiskModel on a SYNTHETIC simulated port: contract, scores, plain-word explanations, saved models."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from cargoscreen.risk import container_model
from cargoscreen.risk.artifacts import ModelArtifactError
from cargoscreen.risk.case import ContainerCase, build_cases
from cargoscreen.risk.container_model import (
    ContainerRiskModel,
    NotEnoughLabels,
    load_container_model,
    save_container_model,
)
from cargoscreen.risk.features import FEATURE_NAMES, PastParties, arrival_of, past_parties
from cargoscreen.risk.metrics import roc_auc
from cargoscreen.simulate import simulate_port
from cargoscreen.simulate.config import SimulationConfig

Day = tuple[list[ContainerCase], PastParties, np.ndarray]
SMALL = {"n_estimators": 60, "learning_rate": 0.1, "bags": 2, "min_count": 5}


@pytest.fixture(scope="module")
def days() -> list[Day]:
    """Three simulated days (2 000 containers a day, a high smuggling rate); truth as labels."""
    port = simulate_port(SimulationConfig(containers_per_day=2000, days=3, seed=1, smuggling_rate=0.2))
    truth = {(c.container_number, c.imo_number, c.voyage_number) for c in port.ground_truth.cases}
    result = []
    for d in range(3):
        start = port.config.day_start(d)
        past = past_parties(port.manifests, before=start)
        cases = [
            case
            for m in port.manifests
            if start <= (arrival_of(m) or start) < start + timedelta(days=1)
            for case in build_cases(m, past.consignees)
        ]
        labels = np.array(
            [(c.container_number, c.imo_number, c.voyage_number) in truth for c in cases], dtype=int
        )
        result.append((cases, past, labels))
    return result


@pytest.fixture(scope="module")
def fitted(days: list[Day]) -> ContainerRiskModel:
    cases = days[0][0] + days[1][0]
    shippers = [days[0][1].shippers] * len(days[0][0]) + [days[1][1].shippers] * len(days[1][0])
    return ContainerRiskModel(**SMALL).fit(cases, np.concatenate([days[0][2], days[1][2]]), shippers=shippers)


def test_init_only_stores_parameters() -> None:
    model = ContainerRiskModel(n_estimators=7, bags=1)
    assert model.get_params()["n_estimators"] == 7 and model.get_params()["bags"] == 1
    assert not [name for name in vars(model) if name.endswith("_")]
    assert ContainerRiskModel(**model.get_params()).get_params() == model.get_params()


def test_fit_returns_itself_with_learned_attributes(days: list[Day]) -> None:
    cases, past, labels = days[0]
    model = ContainerRiskModel(**{**SMALL, "bags": 1})
    assert model.fit(cases, labels, shippers=past.shippers) is model
    assert model.feature_names_ == list(FEATURE_NAMES) and len(model.models_) == 1
    assert model.training_ == {
        "cases": len(cases),
        "positives": int(labels.sum()),
        "negatives": int((labels == 0).sum()),
    }
    assert model.models_[0].holdout_labels_.sum() >= 1  # the calibration holdout holds a seizure
    np.testing.assert_array_equal(model.predict_variance(cases[:50], shippers=past.shippers), 0.0)


def test_scores_rank_the_next_day(fitted: ContainerRiskModel, days: list[Day]) -> None:
    cases, past, labels = days[2]
    probabilities = fitted.predict_proba(cases, shippers=past.shippers)
    assert probabilities.shape == (len(cases), 2)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    assert labels.sum() >= 5
    assert roc_auc(labels, probabilities[:, 1]) > 0.7  # chance is 0.5
    variance = fitted.predict_variance(cases, shippers=past.shippers)
    assert variance.shape == (len(cases),) and (variance >= 0).all() and variance.max() > 0


def test_explanations_in_plain_words(fitted: ContainerRiskModel, days: list[Day]) -> None:
    cases, past, _ = days[2]
    explained = fitted.explain(cases[:40], top=3, shippers=past.shippers)
    assert len(explained) == 40 and all(len(e) == 3 for e in explained)
    labels = {label for e in explained for label, _ in e}
    assert not any("." in label or "_" in label for label in labels)
    sizes = [[abs(value) for _, value in e] for e in explained]
    assert all(s == sorted(s, reverse=True) for s in sizes)
    scored = fitted.score(cases[:40], top=3, shippers=past.shippers)
    assert scored.explanations == explained
    np.testing.assert_allclose(
        scored.probability, fitted.predict_proba(cases[:40], shippers=past.shippers)[:, 1]
    )


def test_explain_limit_explains_the_most_probable_only(fitted: ContainerRiskModel, days: list[Day]) -> None:
    cases, past, _ = days[2]
    scored = fitted.score(cases[:200], top=2, explain_limit=5, shippers=past.shippers)
    explained = [i for i, e in enumerate(scored.explanations) if e]
    top = np.argsort(-scored.probability, kind="stable")[:5]
    assert sorted(explained) == sorted(top.tolist())


def test_not_enough_labels_names_the_counts(days: list[Day]) -> None:
    cases, _, _ = days[0]
    labels = np.zeros(len(cases), dtype=int)
    labels[3] = 1
    with pytest.raises(NotEnoughLabels, match=rf"1 seizure\(s\) and {len(cases) - 1} clean"):
        ContainerRiskModel().fit(cases, labels)
    with pytest.raises(NotEnoughLabels, match="0 seizure"):
        ContainerRiskModel().fit(cases[:10], np.zeros(10, dtype=int))
    with pytest.raises(ValueError, match="one per case"):
        ContainerRiskModel().fit(cases[:10], np.zeros(9, dtype=int))


def test_save_and_load_give_the_same_scores(
    tmp_path: Path, fitted: ContainerRiskModel, days: list[Day]
) -> None:
    cases, past, _ = days[2]
    manifest = save_container_model(fitted, tmp_path / "model", training={"source": "synthetic test"})
    assert (
        manifest["kind"] == "container" and manifest["feature_schema_hash"] == container_model.schema_hash()
    )
    assert {"lightgbm", "numpy"} <= set(manifest["libraries"]) and manifest["training"][
        "source"
    ] == "synthetic test"
    loaded = load_container_model(tmp_path / "model")
    assert loaded.model_version_ == manifest["model_version"] == fitted.model_version_
    assert loaded.get_params() == fitted.get_params()
    before = fitted.score(cases[:300], shippers=past.shippers)
    after = loaded.score(cases[:300], shippers=past.shippers)
    np.testing.assert_array_equal(before.probability, after.probability)
    assert before.explanations == after.explanations


@pytest.fixture
def saved(tmp_path: Path, fitted: ContainerRiskModel) -> Path:
    save_container_model(fitted, tmp_path / "model")
    return tmp_path / "model"


def edit_manifest(directory: Path, key: str, value: object) -> None:
    path = directory / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest[key] = value
    path.write_text(json.dumps(manifest))


def test_load_refuses_another_feature_schema(saved: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(container_model, "schema_hash", lambda: "0" * 64)
    with pytest.raises(ModelArtifactError, match="feature schema mismatch"):
        load_container_model(saved)


def test_load_refuses_an_edited_manifest_or_file(saved: Path) -> None:
    edit_manifest(saved, "libraries", {"lightgbm": "3.3.5", "numpy": "1.26.0"})
    with pytest.raises(ModelArtifactError, match=r"lightgbm 3\.3\.5"):
        load_container_model(saved)
    edit_manifest(saved, "kind", "cargoscreen-kcs-risk-model")
    with pytest.raises(ModelArtifactError, match="not a container model"):
        load_container_model(saved)
    (saved / "manifest.json").unlink()
    with pytest.raises(ModelArtifactError, match=r"manifest\.json is missing"):
        load_container_model(saved)


def test_load_refuses_a_changed_booster(saved: Path) -> None:
    booster = saved / "booster_0.txt"
    booster.write_text(booster.read_text().replace("learning_rate", "learning_rate", 1) + "\n")
    with pytest.raises(ModelArtifactError, match=r"booster_0\.txt is corrupt"):
        load_container_model(saved)
