"""``RiskModel``: a LightGBM classifier whose scores are calibrated on a time-ordered holdout.

``fit(X, y, holdout=mask)`` first trains on the rows before the holdout and fits a Platt (sigmoid) map from
the booster's raw margin to a probability on the holdout rows, then trains the final booster on every row
with the same parameters and keeps that map. Platt scaling is strictly monotone, so the ranking (what
precision@k measures) is the booster's own; isotonic calibration would tie the top scores.

``n_jobs`` defaults to 1: on a shared 2-core machine, LightGBM's OpenMP with 2 threads ran 4-6x slower than
one thread whenever another process was busy (45 k rows: ~12 s vs ~50 s); pass 2 on a dedicated machine.
"""

from __future__ import annotations

import logging
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

Contribution = tuple[str, float]


class RiskModel:
    """Gradient-boosted trees + Platt calibration (scikit-learn estimator contract)."""

    def __init__(
        self,
        *,
        n_estimators: int = 400,
        learning_rate: float = 0.03,
        num_leaves: int = 31,
        min_child_samples: int = 20,
        subsample: float = 0.8,
        colsample_bytree: float = 0.7,
        reg_lambda: float = 1.0,
        holdout_fraction: float = 0.2,
        random_state: int = 0,
        n_jobs: int = 1,
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.reg_lambda = reg_lambda
        self.holdout_fraction = holdout_fraction
        self.random_state = random_state
        self.n_jobs = n_jobs

    def get_params(self) -> dict[str, Any]:
        """The constructor parameters (saved with the model)."""
        names = [
            "n_estimators",
            "learning_rate",
            "num_leaves",
            "min_child_samples",
            "subsample",
            "colsample_bytree",
            "reg_lambda",
            "holdout_fraction",
            "random_state",
            "n_jobs",
        ]
        return {name: getattr(self, name) for name in names}

    def fit(
        self,
        X: pd.DataFrame,
        y: np.ndarray,
        *,
        holdout: np.ndarray | None = None,
        X_holdout: pd.DataFrame | None = None,
    ) -> RiskModel:
        """Fit on rows in time order; ``holdout`` marks the calibration rows (default: the last fraction).

        ``X_holdout`` optionally replaces ``X[holdout]`` when calibrating, e.g. features computed the way
        scoring computes them (from the history before the holdout only).
        """
        y = np.asarray(y, dtype=np.int64)
        mask = self._holdout_mask(len(y)) if holdout is None else np.asarray(holdout, dtype=bool)
        self.feature_names_ = [str(c) for c in X.columns]
        margins = self._train(X[~mask], y[~mask]).predict(
            X_holdout if X_holdout is not None else X[mask], raw_score=True
        )
        self.calibration_ = _fit_platt(np.asarray(margins, dtype=np.float64), y[mask])
        self.holdout_scores_ = _sigmoid(self.calibration_, np.asarray(margins, dtype=np.float64))
        self.holdout_labels_ = y[mask]
        self.booster_ = self._train(X, y)
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Calibrated probabilities, shape (n, 2): column 1 is the positive class."""
        positive = _sigmoid(self.calibration_, self._margin(X))
        return np.column_stack([1.0 - positive, positive])

    def explain(self, X: pd.DataFrame, top: int = 5) -> list[list[Contribution]]:
        """Per row, the ``top`` features that moved its raw score most (signed log-odds contributions)."""
        contributions = np.asarray(self.booster_.predict(self._checked(X), pred_contrib=True))[:, :-1]
        order = np.argsort(-np.abs(contributions), axis=1, kind="stable")[:, :top]
        return [
            [(self.feature_names_[j], float(row[j])) for j in picks]
            for row, picks in zip(contributions, order, strict=True)
        ]

    @classmethod
    def restore(
        cls, params: dict[str, Any], booster: lgb.Booster, calibration: tuple[float, float]
    ) -> RiskModel:
        """Rebuild a fitted model from its saved parts (see cargoscreen.risk.artifacts)."""
        model = cls(**params)
        model.booster_ = booster
        model.calibration_ = calibration
        model.feature_names_ = [str(name) for name in booster.feature_name()]
        return model

    def _holdout_mask(self, n: int) -> np.ndarray:
        mask = np.zeros(n, dtype=bool)
        mask[n - max(1, int(n * self.holdout_fraction)) :] = True
        return mask

    def _train(self, X: pd.DataFrame, y: np.ndarray) -> lgb.Booster:
        params = {
            "objective": "binary",
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_child_samples": self.min_child_samples,
            "bagging_fraction": self.subsample,
            "bagging_freq": 1 if self.subsample < 1.0 else 0,
            "feature_fraction": self.colsample_bytree,
            "lambda_l2": self.reg_lambda,
            "seed": self.random_state,
            "num_threads": self.n_jobs,
            "deterministic": True,
            "force_col_wise": True,
            "verbosity": -1,
        }
        dataset = lgb.Dataset(X, label=y, feature_name=self.feature_names_, free_raw_data=True)
        return lgb.train(params, dataset, num_boost_round=self.n_estimators)

    def _checked(self, X: pd.DataFrame) -> pd.DataFrame:
        names = [str(c) for c in X.columns]
        if names != self.feature_names_:
            missing = sorted(set(self.feature_names_) - set(names))
            raise ValueError(f"features differ from the fitted ones (missing: {missing[:5]})")
        return X

    def _margin(self, X: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.booster_.predict(self._checked(X), raw_score=True), dtype=np.float64)


def _expit(z: np.ndarray) -> np.ndarray:
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * z)), dtype=np.float64)


def _sigmoid(calibration: tuple[float, float], margin: np.ndarray) -> np.ndarray:
    slope, intercept = calibration
    return _expit(slope * margin + intercept)


def _fit_platt(margin: np.ndarray, y: np.ndarray, iterations: int = 100) -> tuple[float, float]:
    """Logistic regression of y on the margin: Platt's smoothed targets, Newton steps with backtracking."""
    positives, negatives = int(y.sum()), int(len(y) - y.sum())
    if positives == 0 or negatives == 0:
        log.warning("calibration holdout has one class only (%d rows); scores left uncalibrated", len(y))
        return (1.0, 0.0)
    target = np.where(y == 1, (positives + 1) / (positives + 2), 1 / (negatives + 2))
    design = np.column_stack([margin, np.ones_like(margin)])

    def loss(w: np.ndarray) -> float:
        z = design @ w
        return float(np.sum(np.logaddexp(0.0, z) - target * z))

    weights = np.array([1.0, 0.0])
    for _ in range(iterations):
        p = _expit(design @ weights)
        gradient = design.T @ (p - target)
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + 1e-9 * np.eye(2)
        step = np.linalg.solve(hessian, gradient)
        size, current = 1.0, loss(weights)
        while size > 1e-8 and loss(weights - size * step) > current - 1e-4 * size * float(gradient @ step):
            size /= 2
        weights = weights - size * step
        if np.abs(size * step).max() < 1e-10:
            break
    if not np.all(np.isfinite(weights)) or weights[0] <= 0:
        log.warning("calibration slope %.3g is not positive; scores left uncalibrated", weights[0])
        return (1.0, 0.0)
    return (float(weights[0]), float(weights[1]))
