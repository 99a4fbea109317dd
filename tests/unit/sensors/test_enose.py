"""The e-nose marker classifier on SYNTHETIC samples from the UCI-derived array model."""

from __future__ import annotations

import numpy as np
import pytest

from cargoscreen.sensors.enose import (
    EnoseInput,
    MarkerClassifier,
    ModelMismatch,
    at_prior,
    goods_of,
    shipped_classifier,
)
from cargoscreen.simulate.enose import ArrayModel, array_stats, training_samples


def _auc(y: np.ndarray, p: np.ndarray) -> float:
    order = np.argsort(p)
    ranks = np.empty(len(p))
    ranks[order] = np.arange(1, len(p) + 1)
    positives = y == 1
    return float(
        (ranks[positives].sum() - positives.sum() * (positives.sum() + 1) / 2)
        / (positives.sum() * (~positives).sum())
    )


@pytest.fixture(scope="module")
def model() -> MarkerClassifier:
    samples, labels = training_samples(3000, seed=11)
    return MarkerClassifier().fit([EnoseInput.of(s) for s in samples], labels.tolist())


def test_stats_come_from_the_uci_array() -> None:
    stats = array_stats()
    assert stats["sensors"] == 16 and stats["recordings"] == 445
    assert set(stats["sensitivity"]) == {
        "Ethanol",
        "Ethylene",
        "Ammonia",
        "Acetaldehyde",
        "Acetone",
        "Toluene",
    }
    assert ArrayModel.from_stats().sensors == 16


def test_classifier_separates_the_marker_and_is_calibrated(model: MarkerClassifier) -> None:
    samples, labels = training_samples(1500, seed=12)
    p = model.predict_proba([EnoseInput.of(s) for s in samples])
    assert _auc(labels, p) > 0.9
    for low, high in ((0.0, 0.2), (0.8, 1.0)):
        band = (p >= low) & (p < high)
        assert abs(labels[band].mean() - p[band].mean()) < 0.1  # calibrated where it is confident


def test_flowers_are_the_hardest_confounder(model: MarkerClassifier) -> None:
    samples, labels = training_samples(3000, seed=13)
    inputs = [EnoseInput.of(s) for s in samples]
    p = model.predict_proba(inputs)
    goods = np.array([i.goods for i in inputs])
    assert _auc(labels[goods == "flowers"], p[goods == "flowers"]) < _auc(
        labels[goods == "other"], p[goods == "other"]
    )


def test_drift_correction_restores_a_year_old_array(model: MarkerClassifier) -> None:
    test, labels = training_samples(1500, seed=14, day=365)
    inputs = [EnoseInput.of(s) for s in test]
    model.drift_ = np.zeros(model.channels_)
    before = _auc(labels, model.predict_proba(inputs))
    warm, _ = training_samples(400, seed=15, day=365, positive_share=0.0)
    for sample in warm:
        data = EnoseInput.of(sample)
        model.learn_one(data, model.score_one(data))
    after = _auc(labels, model.predict_proba(inputs))
    model.drift_ = np.zeros(model.channels_)
    assert after > before + 0.03


def test_saved_model_round_trips_and_refuses_another_schema(model: MarkerClassifier) -> None:
    document = model.to_json()
    again = MarkerClassifier.from_json(document)
    sample = EnoseInput.of(training_samples(1, seed=3)[0][0])
    assert again.score_one(sample) == pytest.approx(model.score_one(sample))
    with pytest.raises(ModelMismatch):
        MarkerClassifier.from_json(document | {"feature_schema": "0" * 16})
    with pytest.raises(ValueError, match="16 channels"):
        model.score_one(EnoseInput([1.0] * 8, [0.1] * 8, 50, 100))


def test_shipped_classifier_loads_and_goods_and_priors() -> None:
    assert shipped_classifier().channels_ == 16
    assert (
        goods_of(("060311",)) == "flowers"
        and goods_of(("080390", "0901")) == "fruit"
        and goods_of(()) == "other"
    )
    assert at_prior(0.5, 0.5, 0.05) == pytest.approx(0.05)
    assert at_prior(0.9, 0.3, 0.3) == pytest.approx(0.9)
