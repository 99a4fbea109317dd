"""Use cases on KCS declaration files: train a targeting model, score declarations with it.

Training is time-ordered end to end: rows are sorted by date; features of each training row come from
earlier days only; the calibration holdout is the later period (the ``valid`` file, or else the last
``HOLDOUT_FRACTION`` of the days) and its features are computed as scoring computes them — from the history
before the holdout only. The final booster is then fitted on every row, so ``--valid V`` and a file holding
the same rows concatenated rank declarations identically (only the calibration differs).
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cargoscreen.domain.errors import CargoscreenError
from cargoscreen.risk import kcs_features
from cargoscreen.risk.artifacts import load_model_dir, save_model_dir
from cargoscreen.risk.kcs import DATE_COLUMN, ID_COLUMN, KcsTable, read_kcs
from cargoscreen.risk.metrics import targeting_summary
from cargoscreen.risk.model import RiskModel

log = logging.getLogger(__name__)

TARGETS: dict[str, str] = {"fraud": "Fraud == 1", "critical": "Critical Fraud == 2"}
REPORT_SHARES: tuple[float, ...] = (0.01, 0.02, 0.05, 0.10)
HOLDOUT_FRACTION = 0.2
WARMUP_DAYS = 31


class KcsTrainingError(CargoscreenError, ValueError):
    """Training input that does not allow a time-ordered fit (e.g. a --valid period before the data)."""


@dataclass(frozen=True)
class FittedKcs:
    """A fitted model, the history it scores with, and what the training run measured."""

    model: RiskModel
    history: kcs_features.KcsHistory
    training: dict[str, Any]


@dataclass(frozen=True)
class TrainResult:
    model_dir: Path
    manifest: dict[str, Any]
    seconds: float


@dataclass(frozen=True)
class ScoreResult:
    out: Path
    rows: int
    model_version: str
    target: str
    seconds: float


def train_kcs(
    *, data: Path, out: Path, target: str, valid: Path | None = None, params: Mapping[str, Any] | None = None
) -> TrainResult:
    """Train on ``data`` (+ ``valid`` as the later calibration period) and save the model directory ``out``."""
    started = time.perf_counter()
    _check_target(target)
    tables = [read_kcs(data, require_labels=True)]
    if valid is not None:
        tables.append(read_kcs(valid, require_labels=True))
    frame = pd.concat([t.frame for t in tables], ignore_index=True)
    holdout = _valid_holdout(tables) if valid is not None else holdout_by_time(frame, HOLDOUT_FRACTION)
    fitted = fit_frame(frame, target=target, holdout=holdout, params=params)
    training = {"target_definition": TARGETS[target], **_data_identity(tables), **fitted.training}
    manifest = save_model_dir(
        out, model=fitted.model, history=fitted.history, target=target, training=training
    )
    seconds = time.perf_counter() - started
    log.info("trained kcs model", extra={"model_version": manifest["model_version"], "seconds": seconds})
    return TrainResult(model_dir=out, manifest=manifest, seconds=seconds)


def score_kcs(*, model_dir: Path, data: Path, out: Path) -> ScoreResult:
    """Score every row of ``data`` (input order) and write ``Declaration ID,score`` to ``out``."""
    started = time.perf_counter()
    saved = load_model_dir(model_dir)
    table = read_kcs(data, require_labels=False)
    scores = score_frame(table.frame, saved.model, saved.history)
    result = pd.DataFrame({ID_COLUMN: table.frame[ID_COLUMN].to_numpy(), "score": scores})
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    result.to_csv(partial, index=False)
    os.replace(partial, out)
    return ScoreResult(
        out=out,
        rows=len(result),
        model_version=str(saved.manifest.get("model_version", "?")),
        target=str(saved.manifest["target"]),
        seconds=time.perf_counter() - started,
    )


def fit_frame(
    frame: pd.DataFrame,
    *,
    target: str,
    holdout: np.ndarray,
    params: Mapping[str, Any] | None = None,
    exclude: tuple[str, ...] = (),
) -> FittedKcs:
    """Fit on labelled rows; ``holdout`` marks the later rows used to calibrate and to measure.

    ``exclude`` drops feature columns (ablations in bench/; a saved model always has the full schema).
    """
    _check_target(target)
    order = np.argsort(frame[DATE_COLUMN].to_numpy(), kind="stable")
    frame, holdout = frame.iloc[order].reset_index(drop=True), np.asarray(holdout, dtype=bool)[order]
    if holdout.all() or not holdout.any():
        raise KcsTrainingError("training needs rows both before and in the calibration holdout period")
    y = target_labels(frame, target)
    features = kcs_features.past_features(frame).drop(columns=list(exclude))
    before = kcs_features.history_from(frame[~holdout])
    holdout_rows = frame[holdout].reset_index(drop=True)
    holdout_features = kcs_features.features_from_history(holdout_rows, before)[features.columns]
    keep = _after_warmup(frame, holdout)
    model = RiskModel(**dict(params or {}))
    model.fit(features[keep], y[keep], holdout=holdout[keep], X_holdout=holdout_features)
    training = _training_summary(frame, holdout, keep, model)
    return FittedKcs(model=model, history=kcs_features.history_from(frame), training=training)


def score_frame(frame: pd.DataFrame, model: RiskModel, history: kcs_features.KcsHistory) -> np.ndarray:
    """Calibrated risk scores of the rows in their order (higher = riskier)."""
    features = kcs_features.features_from_history(frame.reset_index(drop=True), history)[model.feature_names_]
    return np.asarray(model.predict_proba(features)[:, 1], dtype=np.float64)


def target_labels(frame: pd.DataFrame, target: str) -> np.ndarray:
    """0/1 labels of a target: fraud = ``Fraud == 1``; critical = ``Critical Fraud == 2``."""
    fraud, critical = kcs_features.label_arrays(frame)
    return fraud if target == "fraud" else critical


def holdout_by_time(frame: pd.DataFrame, fraction: float) -> np.ndarray:
    """The rows of the last days holding about ``fraction`` of the rows (whole days only)."""
    dates = frame[DATE_COLUMN].to_numpy()
    start = np.sort(dates)[min(len(dates) - 1, int(len(dates) * (1 - fraction)))]
    return np.asarray(dates >= start, dtype=bool)


def _check_target(target: str) -> None:
    if target not in TARGETS:
        raise KcsTrainingError(f"unknown target {target!r}; choose one of {', '.join(TARGETS)}")


def _valid_holdout(tables: list[KcsTable]) -> np.ndarray:
    train, valid = tables
    train_end, valid_start = train.frame[DATE_COLUMN].max(), valid.frame[DATE_COLUMN].min()
    if valid_start < train_end:
        raise KcsTrainingError(
            f"{valid.source} starts {valid_start:%Y-%m-%d}, before {train.source} ends ({train_end:%Y-%m-%d}); "
            "the validation period must follow the training period"
        )
    return np.concatenate([np.zeros(len(train.frame), dtype=bool), np.ones(len(valid.frame), dtype=bool)])


def _after_warmup(frame: pd.DataFrame, holdout: np.ndarray) -> np.ndarray:
    """Leave out the first days (their past is too short) unless that would drop half the fit rows."""
    dates = frame[DATE_COLUMN]
    fit_dates = dates[~holdout]
    cutoff = min(dates.min() + pd.Timedelta(days=WARMUP_DAYS), fit_dates.quantile(0.5))
    return np.asarray((dates >= cutoff) | holdout, dtype=bool)


def _training_summary(
    frame: pd.DataFrame, holdout: np.ndarray, keep: np.ndarray, model: RiskModel
) -> dict[str, Any]:
    metrics = targeting_summary(model.holdout_labels_, model.holdout_scores_, REPORT_SHARES)
    dates = frame[DATE_COLUMN]
    return {
        "rows": len(frame),
        "rows_fit": int(keep.sum()),
        "dates": [f"{dates.min():%Y-%m-%d}", f"{dates.max():%Y-%m-%d}"],
        "fit_from": f"{dates[keep].min():%Y-%m-%d}",
        "holdout": {
            "rows": int(holdout.sum()),
            "from": f"{dates[holdout].min():%Y-%m-%d}",
            "positives": int(model.holdout_labels_.sum()),
            "metrics": {name: (None if math.isnan(v) else round(v, 6)) for name, v in metrics.items()},
        },
    }


def _data_identity(tables: list[KcsTable]) -> dict[str, Any]:
    files = [{"name": t.source, "sha256": t.sha256, "rows": len(t.frame)} for t in tables]
    if len(tables) == 1:
        combined = tables[0].sha256
    else:
        combined = hashlib.sha256("".join(f"{t.source}:{t.sha256}\n" for t in tables).encode()).hexdigest()
    return {"data_sha256": combined, "files": files}
