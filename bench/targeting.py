"""Targeting benchmark on the public KCS declarations: our model vs default XGBoost and LightGBM.

Run: ``.venv/bin/python bench/targeting.py [--data-dir ../shared/data/kcs] [--out bench/results/targeting.json]``

Every split is time-ordered and ends by March 2021 (nothing later is looked at):
  valid-2021Q1   train on train.csv (2020)      → evaluate on valid.csv (Jan-Mar 2021): the honest local proxy
  2020Q4         train on Jan-Sep 2020          → evaluate on Oct-Dec 2020: a second period, for stability
For each target (fraud = ``Fraud == 1``; critical = ``Critical Fraud == 2``) it fits, in the same run:
  ours             cargoscreen's RiskModel on the leak-free history features (as `cargoscreen risk train`)
  ours-no-repeats  the same without the repeat-declaration (same price / mass) encodings: an ablation
  xgboost          ``xgboost.XGBClassifier()`` with default parameters  } on the KCS paper's features: the raw
  lightgbm         ``lightgbm.LGBMClassifier()`` with default parameters} columns, text label-encoded
and reports Pre@1/2/5/10 %, Rec@1/5 % and AUC on the evaluation period, with fit and score times.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import lightgbm
import numpy as np
import pandas as pd
import xgboost
from rich.console import Console
from rich.table import Table

from cargoscreen.risk import kcs_features
from cargoscreen.risk.kcs import DATE_COLUMN, HS_COLUMN, NUMBER_COLUMNS, TEXT_COLUMNS, read_kcs
from cargoscreen.risk.kcs_service import (
    HOLDOUT_FRACTION,
    fit_frame,
    holdout_by_time,
    score_frame,
    target_labels,
)
from cargoscreen.risk.metrics import targeting_summary

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT.parent / "shared" / "data" / "kcs"
SHARES = (0.01, 0.02, 0.05, 0.10)
GOALS = {
    "fraud": ("pre@5%", 0.90, 1.05),
    "critical": ("pre@1%", 0.55, 1.20),
}  # metric, floor, x best baseline
REPEAT_COLUMNS = tuple(f"{k}_{s}" for k in kcs_features.REPEAT_KEYS for s in kcs_features.STAT_SUFFIXES)


@dataclass(frozen=True)
class Split:
    name: str
    train: pd.DataFrame
    test: pd.DataFrame


def paper_features(train: pd.DataFrame, test: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The KCS paper's inputs: every column but the id and the date; text label-encoded on the train rows."""
    out_train, out_test = pd.DataFrame(index=train.index), pd.DataFrame(index=test.index)
    for column in (*TEXT_COLUMNS, HS_COLUMN):
        codes = {value: i for i, value in enumerate(sorted(train[column].unique()))}
        out_train[column] = train[column].map(codes).astype("int64")
        out_test[column] = test[column].map(codes).fillna(-1).astype("int64")
    for column in NUMBER_COLUMNS:
        out_train[column], out_test[column] = train[column], test[column]
    return out_train, out_test


def timed(call: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def run_ours(split: Split, target: str, exclude: tuple[str, ...] = ()) -> tuple[np.ndarray, float, float]:
    holdout = holdout_by_time(split.train, HOLDOUT_FRACTION)
    fitted, fit_s = timed(lambda: fit_frame(split.train, target=target, holdout=holdout, exclude=exclude))
    scores, score_s = timed(lambda: score_frame(split.test, fitted.model, fitted.history))
    return scores, fit_s, score_s


def run_default(split: Split, target: str, make: Callable[[], Any]) -> tuple[np.ndarray, float, float]:
    x_train, x_test = paper_features(split.train, split.test)
    estimator, fit_s = timed(lambda: make().fit(x_train, target_labels(split.train, target)))
    scores, score_s = timed(lambda: estimator.predict_proba(x_test)[:, 1])
    return np.asarray(scores), fit_s, score_s


def run_split(split: Split, target: str) -> dict[str, Any]:
    labels = target_labels(split.test, target)
    runners: dict[str, Callable[[], tuple[np.ndarray, float, float]]] = {
        "ours": lambda: run_ours(split, target),
        "ours-no-repeats": lambda: run_ours(split, target, exclude=REPEAT_COLUMNS),
        "xgboost": lambda: run_default(split, target, xgboost.XGBClassifier),
        "lightgbm": lambda: run_default(split, target, lambda: lightgbm.LGBMClassifier(verbose=-1)),
    }
    models = {}
    for name, runner in runners.items():
        scores, fit_s, score_s = runner()
        metrics = targeting_summary(labels, scores, SHARES)
        models[name] = {
            **{k: round(v, 4) for k, v in metrics.items()},
            "fit_s": round(fit_s, 2),
            "score_s": round(score_s, 3),
        }
    return {
        "test_rows": len(labels),
        "test_positives": int(labels.sum()),
        "models": models,
        "goal": goal(target, models),
    }


def goal(target: str, models: dict[str, dict[str, float]]) -> dict[str, Any]:
    metric, floor, factor = GOALS[target]
    best_default = max(models["xgboost"][metric], models["lightgbm"][metric])
    ours = models["ours"][metric]
    return {
        "metric": metric,
        "ours": ours,
        "floor": floor,
        "needed_vs_defaults": round(best_default * factor, 4),
        "met": bool(ours >= floor and ours >= best_default * factor),
        "fit_time_ratio_vs_xgboost": round(
            models["ours"]["fit_s"] / max(models["xgboost"]["fit_s"], 1e-9), 2
        ),
    }


def load_splits(data_dir: Path) -> list[Split]:
    train = read_kcs(data_dir / "train.csv", require_labels=True).frame
    valid = read_kcs(data_dir / "valid.csv", require_labels=True).frame
    october = train[DATE_COLUMN] >= pd.Timestamp("2020-10-01")
    return [
        Split("valid-2021Q1", train, valid),
        Split("2020Q4", train[~october].reset_index(drop=True), train[october].reset_index(drop=True)),
    ]


def machine() -> dict[str, Any]:
    libraries = ("cargoscreen", "lightgbm", "xgboost", "scikit-learn", "numpy", "pandas")
    return {
        "cpu_count": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "libraries": {name: version(name) for name in libraries},
        "load_average_1m_at_start": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        "our_threads": 1,
        "note": "timings on a shared machine vary with other load; compare ratios within one run",
    }


def print_table(results: dict[str, Any]) -> None:
    console = Console(width=150)
    for split_name, targets in results["splits"].items():
        for target, result in targets.items():
            table = Table(
                title=f"{split_name} · {target} ({result['test_positives']} of {result['test_rows']} rows)"
            )
            columns = ["pre@1%", "pre@2%", "pre@5%", "pre@10%", "rec@1%", "rec@5%", "auc", "fit_s", "score_s"]
            table.add_column("model")
            for column in columns:
                table.add_column(column, justify="right")
            for name, metrics in result["models"].items():
                table.add_row(
                    name, *(f"{metrics[c]:.3f}" if c != "fit_s" else f"{metrics[c]:.1f}" for c in columns)
                )
            console.print(table)
            g = result["goal"]
            console.print(
                f"goal {g['metric']} ≥ {g['floor']} and ≥ {g['needed_vs_defaults']:.3f}: ours {g['ours']:.3f} "
                f"→ {'met' if g['met'] else 'NOT met'}\n"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "targeting.json")
    args = parser.parse_args()
    started = time.perf_counter()
    splits = load_splits(args.data_dir)
    results: dict[str, Any] = {"machine": machine(), "splits": {}}
    for split in splits:
        results["splits"][split.name] = {
            "train_rows": len(split.train),
            "train_dates": [
                f"{split.train[DATE_COLUMN].min():%Y-%m-%d}",
                f"{split.train[DATE_COLUMN].max():%Y-%m-%d}",
            ],
            "test_dates": [
                f"{split.test[DATE_COLUMN].min():%Y-%m-%d}",
                f"{split.test[DATE_COLUMN].max():%Y-%m-%d}",
            ],
        }
        for target in GOALS:
            results["splits"][split.name][target] = run_split(split, target)
    results["total_s"] = round(time.perf_counter() - started, 1)
    results["machine"]["load_average_1m_at_end"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print_table({"splits": {k: {t: v[t] for t in GOALS} for k, v in results["splits"].items()}})
    print(f"written {args.out} in {results['total_s']} s")


if __name__ == "__main__":
    main()
