"""Targeting quality on the honest proxy: learn on 2020, rank Jan-Mar 2021 (KCS data from ../shared).

The small test uses a quarter of the 2020 rows and runs in seconds; the slow one is the benchmark's own
set-up (all of 2020) and checks the project's targets. bench/targeting.py adds the baselines.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cargoscreen.risk.kcs import read_kcs
from cargoscreen.risk.kcs_service import fit_frame, holdout_by_time, score_frame, target_labels
from cargoscreen.risk.metrics import precision_at, roc_auc

KCS = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "kcs"
pytestmark = pytest.mark.skipif(
    not (KCS / "valid.csv").is_file(), reason=f"KCS data not found at {KCS} (the ../shared folder is absent)"
)


def evaluate(train: pd.DataFrame, valid: pd.DataFrame, target: str, share: float) -> tuple[float, float]:
    fitted = fit_frame(train, target=target, holdout=holdout_by_time(train, 0.2))
    scores = score_frame(valid, fitted.model, fitted.history)
    labels = target_labels(valid, target)
    return precision_at(labels, scores, share), roc_auc(labels, scores)


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, pd.DataFrame]:
    train = read_kcs(KCS / "train.csv", require_labels=True).frame
    valid = read_kcs(KCS / "valid.csv", require_labels=True).frame
    return train, valid


def test_small_model_ranks_fraud_and_critical_far_above_chance(
    data: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    train, valid = data
    quarter = train.iloc[::4].reset_index(drop=True)
    fraud_pre5, fraud_auc = evaluate(quarter, valid, "fraud", 0.05)
    critical_pre1, critical_auc = evaluate(quarter, valid, "critical", 0.01)
    assert fraud_pre5 >= 0.90 and fraud_auc >= 0.8  # base rate 0.21
    assert critical_pre1 >= 0.25 and critical_auc >= 0.8  # base rate 0.01


@pytest.mark.slow
def test_full_2020_model_meets_the_targets_on_2021_q1(data: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    train, valid = data
    assert evaluate(train, valid, "fraud", 0.05)[0] >= 0.90
    assert evaluate(train, valid, "critical", 0.01)[0] >= 0.55
