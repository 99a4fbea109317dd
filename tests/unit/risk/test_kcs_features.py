"""History features are leak-free: a row only ever sees labels of earlier days (KCS data from ../shared)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cargoscreen.risk import kcs_features
from cargoscreen.risk.kcs import read_kcs

KCS = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "kcs"
pytestmark = pytest.mark.skipif(
    not (KCS / "train.csv").is_file(), reason=f"KCS data not found at {KCS} (the ../shared folder is absent)"
)
LABEL_FEATURES = [c for c in kcs_features.FEATURE_NAMES if c.endswith(("_n", "_rate"))]


@pytest.fixture(scope="module")
def declarations() -> pd.DataFrame:
    """The first 3 000 declarations of 2020 (about four weeks)."""
    return read_kcs(KCS / "train.csv", require_labels=True).frame.iloc[:3000].reset_index(drop=True)


def test_schema_is_fixed(declarations: pd.DataFrame) -> None:
    features = kcs_features.past_features(declarations)
    assert list(features.columns) == list(kcs_features.FEATURE_NAMES)
    assert set(features.dtypes.astype(str)) == {"float64"}
    assert len(features) == len(declarations)
    assert len(kcs_features.schema_hash()) == 64


def test_later_labels_never_reach_earlier_or_same_day_rows(declarations: pd.DataFrame) -> None:
    cut = declarations["Date"].iloc[len(declarations) // 2]
    flipped = declarations.copy()
    late = (flipped["Date"] >= cut).to_numpy()
    flipped.loc[late, "Fraud"] = 1 - flipped.loc[late, "Fraud"]
    flipped.loc[late, "Critical Fraud"] = np.where(flipped.loc[late, "Fraud"] == 1, 2, 0)
    before = kcs_features.past_features(declarations)[LABEL_FEATURES].to_numpy()
    after = kcs_features.past_features(flipped)[LABEL_FEATURES].to_numpy()
    up_to_cut = (declarations["Date"] <= cut).to_numpy()
    np.testing.assert_array_equal(before[up_to_cut], after[up_to_cut])
    assert (before[~up_to_cut] != after[~up_to_cut]).any()  # the test can fail: later rows do see the flip


def test_training_path_matches_scoring_path(declarations: pd.DataFrame) -> None:
    last_day = (declarations["Date"] == declarations["Date"].max()).to_numpy()
    training = kcs_features.past_features(declarations)[last_day].reset_index(drop=True)
    history = kcs_features.history_from(declarations[~last_day])
    history = dataclasses.replace(
        history, hs6_log_unit_median=kcs_features.history_from(declarations).hs6_log_unit_median
    )
    scoring = kcs_features.features_from_history(declarations[last_day].reset_index(drop=True), history)
    pd.testing.assert_frame_equal(training, scoring, check_exact=False, rtol=1e-12)


def test_row_order_does_not_matter(declarations: pd.DataFrame) -> None:
    shuffled = declarations.sample(frac=1.0, random_state=3)
    expected = kcs_features.past_features(declarations).iloc[shuffled.index.to_numpy()].reset_index(drop=True)
    pd.testing.assert_frame_equal(kcs_features.past_features(shuffled.reset_index(drop=True)), expected)


def test_unseen_keys_are_novel_and_get_the_prior(declarations: pd.DataFrame) -> None:
    history = kcs_features.history_from(declarations)
    newcomer = declarations.iloc[:1].copy()
    newcomer["Importer ID"], newcomer["Seller ID"] = "NEVER-SEEN", "ALSO-NEW"
    features = kcs_features.features_from_history(newcomer.reset_index(drop=True), history).iloc[0]
    assert features["importer_n"] == 0 and features["importer_seller_n"] == 0
    assert features["importer_fraud_rate"] == pytest.approx(history.prior_fraud)
    assert features["hs6_n"] >= 1  # the HS6 code itself was seen


def test_rates_are_smoothed_past_shares(declarations: pd.DataFrame) -> None:
    history = kcs_features.history_from(declarations)
    row = declarations.iloc[[0]].reset_index(drop=True)
    features = kcs_features.features_from_history(row, history).iloc[0]
    same_hs6 = declarations["HS6 Code"] == row["HS6 Code"].iloc[0]
    frauds, count = declarations.loc[same_hs6, "Fraud"].sum(), same_hs6.sum()
    m = kcs_features.SMOOTHING
    assert features["hs6_n"] == count
    assert features["hs6_fraud_rate"] == pytest.approx((frauds + m * history.prior_fraud) / (count + m))


def test_unit_price_deviation(declarations: pd.DataFrame) -> None:
    features = kcs_features.past_features(declarations)
    unit = np.log1p(declarations["Item Price"] / declarations["Net Mass"].where(declarations["Net Mass"] > 0))
    np.testing.assert_allclose(features["log_unit_price"], unit)
    median_by_hs6 = features.groupby(declarations["HS6 Code"])["unit_price_vs_hs6_median"].median()
    assert np.nanmax(np.abs(median_by_hs6.to_numpy())) < 1e-9  # centred on each HS6 code's median
