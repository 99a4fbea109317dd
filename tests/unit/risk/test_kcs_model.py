"""RiskModel: estimator contract, calibration that keeps the ranking, explanations that add up."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cargoscreen.risk import kcs_features
from cargoscreen.risk.kcs import read_kcs
from cargoscreen.risk.metrics import roc_auc
from cargoscreen.risk.model import RiskModel, _fit_platt

KCS = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "kcs"
needs_kcs = pytest.mark.skipif(
    not (KCS / "train.csv").is_file(), reason=f"KCS data not found at {KCS} (the ../shared folder is absent)"
)


@pytest.fixture(scope="module")
def fitted() -> tuple[RiskModel, pd.DataFrame, np.ndarray]:
    """A small model on every 10th declaration of 2020 (about 3 700 rows), target fraud."""
    if not (KCS / "train.csv").is_file():
        pytest.skip(f"KCS data not found at {KCS} (the ../shared folder is absent)")
    frame = read_kcs(KCS / "train.csv", require_labels=True).frame.iloc[::10].reset_index(drop=True)
    features = kcs_features.past_features(frame)
    labels = kcs_features.label_arrays(frame)[0]
    model = RiskModel(n_estimators=120, random_state=1)
    assert model.fit(features, labels) is model
    return model, features, labels


def test_init_only_stores_parameters() -> None:
    model = RiskModel(n_estimators=7, learning_rate=0.1)
    assert model.get_params()["n_estimators"] == 7 and model.get_params()["learning_rate"] == 0.1
    assert not [name for name in vars(model) if name.endswith("_")]
    assert RiskModel(**model.get_params()).get_params() == model.get_params()


@needs_kcs
def test_learned_attributes_and_holdout_quality(fitted: tuple[RiskModel, pd.DataFrame, np.ndarray]) -> None:
    model, _, labels = fitted
    assert model.feature_names_ == list(kcs_features.FEATURE_NAMES)
    assert len(model.holdout_labels_) == int(len(labels) * model.holdout_fraction)
    assert roc_auc(model.holdout_labels_, model.holdout_scores_) > 0.7  # chance is 0.5; fit on the first 80 %


@needs_kcs
def test_probabilities_keep_the_boosters_ranking(fitted: tuple[RiskModel, pd.DataFrame, np.ndarray]) -> None:
    model, features, _ = fitted
    probabilities = model.predict_proba(features)
    assert probabilities.shape == (len(features), 2)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    assert ((probabilities >= 0) & (probabilities <= 1)).all()
    margin = model.booster_.predict(features, raw_score=True)
    assert (np.argsort(margin, kind="stable") == np.argsort(probabilities[:, 1], kind="stable")).all()


@needs_kcs
def test_explanations_are_the_largest_contributions(
    fitted: tuple[RiskModel, pd.DataFrame, np.ndarray],
) -> None:
    model, features, _ = fitted
    rows = features.iloc[:3]
    explained = model.explain(rows, top=5)
    contributions = model.booster_.predict(rows, pred_contrib=True)
    assert len(explained) == 3 and all(len(row) == 5 for row in explained)
    for row, full in zip(explained, contributions, strict=True):
        sizes = [abs(value) for _, value in row]
        assert sizes == sorted(sizes, reverse=True)
        assert sizes[0] == pytest.approx(np.abs(full[:-1]).max())
        assert {name for name, _ in row} <= set(kcs_features.FEATURE_NAMES)
    np.testing.assert_allclose(contributions.sum(axis=1), model.booster_.predict(rows, raw_score=True))


@needs_kcs
def test_wrong_columns_are_refused(fitted: tuple[RiskModel, pd.DataFrame, np.ndarray]) -> None:
    model, features, _ = fitted
    with pytest.raises(ValueError, match="features differ"):
        model.predict_proba(features.drop(columns=["hs6_n"]))


def test_platt_fit_recovers_a_logistic_link() -> None:
    rng = np.random.default_rng(0)
    margin = rng.normal(size=20_000)
    labels = (rng.random(20_000) < 1 / (1 + np.exp(-(2.0 * margin - 1.0)))).astype(int)
    slope, intercept = _fit_platt(margin, labels)
    assert slope == pytest.approx(2.0, abs=0.1) and intercept == pytest.approx(-1.0, abs=0.1)
    assert _fit_platt(margin, np.zeros(20_000, dtype=int)) == (1.0, 0.0)  # one class: left as is
    assert _fit_platt(margin, (margin < 0).astype(int)) == (1.0, 0.0)  # inverted: never flip the ranking
