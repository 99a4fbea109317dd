"""e-nose: the cocaine-marker (methyl benzoate) classifier, with baseline and drift correction.

Features of one sample (:func:`features`): each channel's response minus its clean-air ``baseline`` (baseline
correction), on a log scale, minus the array's current drift estimate (drift correction); then the
*pattern* (log responses minus their mean: which sensors answer, not how strongly — a common gain drift or
a stronger smell leaves it unchanged), the *magnitude* (their mean), humidity and soak time, and the declared
goods (flowers and fruit give off methyl benzoate too), pattern × goods included.

:class:`MarkerClassifier` is an L2-regularised logistic regression (Newton steps) whose scores are calibrated
to probabilities on held-out samples (Platt scaling). Streaming use: ``score_one`` gives the calibrated
probability; ``learn_one`` feeds a sample the classifier judged clean into an exponential moving average of
how far the array's log response to clean containers (of the same goods) has moved since training — the drift estimate ``drift_``, one value per
channel, subtracted from every later sample. Saved models carry their parameters, numpy version and a
feature-schema hash; loading refuses a mismatch.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from cargoscreen.domain.errors import CargoscreenError

Matrix = npt.NDArray[np.float64]
GOODS = ("other", "fruit", "flowers")
FEATURE_SCHEMA = (
    "enose-marker/1: log(channels-baseline)-drift -> pattern, magnitude, humidity, soak, goods, pattern*goods"
)
SHIPPED = "models/enose_marker.json"


class ModelMismatch(CargoscreenError):
    """A saved e-nose model that does not fit this version (feature schema or channel count)."""


@dataclass(frozen=True, slots=True)
class EnoseInput:
    """What the classifier reads of a sample, and the goods declared in the container."""

    channels: Sequence[float]
    baseline: Sequence[float]
    humidity_pct: float
    soak_s: float
    goods: str = "other"

    @classmethod
    def of(cls, sample: Mapping[str, Any]) -> EnoseInput:
        return cls(
            sample["channels"], sample["baseline"], sample["humidity_pct"], sample["soak_s"], sample["goods"]
        )


def goods_of(hs_codes: Sequence[str]) -> str:
    """The e-nose goods class of the declared HS codes: flowers (chapter 06), fruit (08), or other."""
    chapters = {code[:2] for code in hs_codes}
    return "flowers" if "06" in chapters else "fruit" if "08" in chapters else "other"


def log_response(sample: EnoseInput) -> Matrix:
    """Baseline-corrected log response per channel (a floor keeps a silent channel finite)."""
    corrected = np.asarray(sample.channels, dtype=float) - np.asarray(sample.baseline, dtype=float)
    floor = max(1e-6, 0.01 * float(np.abs(np.asarray(sample.baseline, dtype=float)).mean()))
    result: Matrix = np.log(np.maximum(corrected, floor))
    return result


def features(sample: EnoseInput, drift: Matrix | None = None) -> Matrix:
    """The feature vector of the module text."""
    z = log_response(sample)
    if drift is not None:
        z = z - drift
    pattern = z - z.mean()
    goods = np.array([sample.goods == "fruit", sample.goods == "flowers"], dtype=float)
    head = np.array([z.mean(), sample.humidity_pct / 100.0, sample.soak_s / 180.0])
    return np.concatenate([pattern, head, goods, pattern * goods[0], pattern * goods[1]])


def _sigmoid(x: Matrix) -> Matrix:
    result: Matrix = 1.0 / (1.0 + np.exp(-np.clip(x, -40, 40)))
    return result


def _newton(x: Matrix, y: Matrix, l2: float, steps: int = 30) -> Matrix:
    """Weights (intercept first) of an L2 logistic regression (intercept not penalised)."""
    design = np.column_stack([np.ones(len(x)), x])
    w = np.zeros(design.shape[1])
    penalty = np.full(design.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(steps):
        p = _sigmoid(design @ w)
        gradient = design.T @ (p - y) + penalty * w
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


class MarkerClassifier:
    """Calibrated probability that a sample holds the cocaine marker (see the module text)."""

    def __init__(
        self, l2: float = 1.0, calibration_share: float = 0.3, drift_rate: float = 0.02, seed: int = 0
    ):
        self.l2 = l2
        self.calibration_share = calibration_share
        self.drift_rate = drift_rate
        self.seed = seed

    def fit(self, samples: Sequence[EnoseInput], labels: Sequence[int]) -> MarkerClassifier:
        """Learn the weights on part of the samples and the Platt calibration on the rest."""
        x = np.array([features(s) for s in samples])
        y = np.asarray(labels, dtype=float)
        if len(set(y.tolist())) < 2:
            raise ValueError("training needs samples with and without the marker")
        order = np.random.default_rng(self.seed).permutation(len(x))
        cut = int(len(x) * (1 - self.calibration_share))
        train, held = order[:cut], order[cut:]
        self.mean_ = x[train].mean(axis=0)
        self.scale_ = x[train].std(axis=0) + 1e-9
        self.weights_ = _newton((x[train] - self.mean_) / self.scale_, y[train], self.l2)
        raw = self._raw(x[held])
        self.platt_ = _newton(raw[:, None], y[held], 1e-6)
        self.channels_ = len(samples[0].channels)
        self.trained_prior_ = float(y.mean())
        self.clean_level_ = {
            goods: np.mean([log_response(s) for s, label in pairs], axis=0)
            for goods in GOODS
            if (
                pairs := [
                    (s, label)
                    for s, label in zip(samples, labels, strict=True)
                    if s.goods == goods and not label
                ]
            )
        }
        self.drift_ = np.zeros(self.channels_)
        return self

    def _raw(self, x: Matrix) -> Matrix:
        result: Matrix = self.weights_[0] + ((x - self.mean_) / self.scale_) @ self.weights_[1:]
        return result

    def predict_proba(self, samples: Sequence[EnoseInput]) -> Matrix:
        """Calibrated marker probabilities of many samples (drift estimate applied)."""
        x = np.array([features(s, self.drift_) for s in samples])
        return _sigmoid(self.platt_[0] + self.platt_[1] * self._raw(x))

    def score_one(self, sample: EnoseInput) -> float:
        """The calibrated marker probability of one sample."""
        self._check(sample)
        return float(self.predict_proba([sample])[0])

    def learn_one(self, sample: EnoseInput, probability: float, clean_below: float = 0.2) -> None:
        """Update the drift estimate from a sample judged clean (probability below ``clean_below``)."""
        self._check(sample)
        if probability >= clean_below:
            return
        level = self.clean_level_.get(sample.goods)
        if level is None:
            return
        moved = log_response(sample) - level
        self.drift_ = (1 - self.drift_rate) * self.drift_ + self.drift_rate * moved

    def _check(self, sample: EnoseInput) -> None:
        if len(sample.channels) != self.channels_:
            raise ValueError(
                f"the classifier reads {self.channels_} channels, the sample has {len(sample.channels)}"
            )

    def to_json(self) -> dict[str, Any]:
        """The fitted model with its parameters, numpy version and feature-schema hash."""
        return {
            "kind": "enose-marker",
            "params": {
                "l2": self.l2,
                "calibration_share": self.calibration_share,
                "drift_rate": self.drift_rate,
            },
            "feature_schema": schema_hash(self.channels_),
            "channels": self.channels_,
            "trained_prior": self.trained_prior_,
            "numpy": np.__version__,
            "mean": self.mean_.tolist(),
            "scale": self.scale_.tolist(),
            "weights": self.weights_.tolist(),
            "platt": self.platt_.tolist(),
            "clean_level": {goods: level.tolist() for goods, level in self.clean_level_.items()},
        }

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> MarkerClassifier:
        """A fitted model; raises :class:`ModelMismatch` when its feature schema is not this version's."""
        channels = int(document["channels"])
        if document.get("feature_schema") != schema_hash(channels):
            raise ModelMismatch("the saved e-nose model was made for another feature schema: retrain it")
        model = cls(**document["params"])
        model.channels_ = channels
        model.trained_prior_ = float(document["trained_prior"])
        model.mean_ = np.array(document["mean"])
        model.scale_ = np.array(document["scale"])
        model.weights_ = np.array(document["weights"])
        model.platt_ = np.array(document["platt"])
        model.clean_level_ = {goods: np.array(level) for goods, level in document["clean_level"].items()}
        model.drift_ = np.zeros(channels)
        return model

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json()) + "\n", encoding="utf-8")


def schema_hash(channels: int) -> str:
    return hashlib.sha256(f"{FEATURE_SCHEMA}|{channels}".encode()).hexdigest()[:16]


def shipped_classifier() -> MarkerClassifier:
    """The classifier shipped with the package (trained on SYNTHETIC samples by tools/train_enose.py)."""
    text = resources.files("cargoscreen.sensors").joinpath(SHIPPED).read_text(encoding="utf-8")
    return MarkerClassifier.from_json(json.loads(text))


@dataclass(frozen=True, slots=True)
class EnosePolicy:
    """How e-nose probabilities become signals: ``prior`` is the share of sampled containers expected to
    hold the marker (the classifier's training share is corrected to it); a probability of ``report_at`` or
    more is reported, ``force_at`` or more forces a scan. Policy choices, not measurements."""

    prior: float = 0.05
    report_at: float = 0.3
    force_at: float = 0.8


def at_prior(probability: float, trained: float, prior: float) -> float:
    """A probability calibrated at the training share ``trained`` re-stated at ``prior`` (Bayes on odds)."""
    p = min(max(probability, 1e-9), 1 - 1e-9)
    odds = p / (1 - p) * (prior / (1 - prior)) / (trained / (1 - trained))
    return odds / (1 + odds)
