"""Leak-free features for KCS declarations: what the past says about each party, commodity and value.

Every label-derived feature is a smoothed past rate: for a training row, only rows of *strictly earlier days*
count (time-ordered, expanding); for a row to score, the whole training history counts (``KcsHistory``).
A rate is ``(frauds + m * prior) / (rows + m)`` with ``m = SMOOTHING``; ``<key>_n`` is how many past rows
share the key (0 = never seen: novelty, e.g. a first importer-seller pair).

The ``price*`` / ``mass*`` keys are *repeat-declaration* keys: the same declared Item Price or Net Mass (alone,
together, or with the same HS6 code) seen before. On the KCS synthetic data they carry most of the signal
(85 % of the Jan-Mar 2021 prices were already declared in 2020 and such groups are label-pure), which is a
property of how the synthetic rows were generated; bench/targeting.py reports the model without them too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cargoscreen.risk.kcs import CRITICAL_VALUE, DATE_COLUMN

SMOOTHING = 5.0
KEYS: dict[str, tuple[str, ...]] = {
    "importer": ("Importer ID",),
    "declarant": ("Declarant ID",),
    "seller": ("Seller ID",),
    "courier": ("Courier ID",),
    "office": ("Office ID",),
    "hs6": ("HS6 Code",),
    "hs4": ("hs4",),
    "hs2": ("hs2",),
    "origin": ("Country of Origin",),
    "departure": ("Country of Departure",),
    "country_pair": ("Country of Departure", "Country of Origin"),
    "tax_type": ("Tax Type",),
    "hs6_origin": ("HS6 Code", "Country of Origin"),
    "hs6_tax_rate": ("HS6 Code", "Tax Rate"),
    "importer_seller": ("Importer ID", "Seller ID"),
    "importer_hs6": ("Importer ID", "HS6 Code"),
    "declarant_importer": ("Declarant ID", "Importer ID"),
    "price": ("Item Price",),
    "mass": ("Net Mass",),
    "price_mass": ("Item Price", "Net Mass"),
    "price_hs6": ("Item Price", "HS6 Code"),
    "mass_hs6": ("Net Mass", "HS6 Code"),
}
REPEAT_KEYS: tuple[str, ...] = ("price", "mass", "price_mass", "price_hs6", "mass_hs6")
CODE_COLUMNS: tuple[str, ...] = (
    "Office ID",
    "Import Type",
    "Import Use",
    "Payment Type",
    "Mode of Transport",
)
PLAIN_FEATURES: tuple[str, ...] = (
    "log_item_price",
    "log_net_mass",
    "log_unit_price",
    "unit_price_vs_hs6_median",
    "tax_rate",
    "log_tax_amount",
    "same_departure_origin",
    "seller_missing",
    "courier_missing",
    *(f"code_{c.lower().replace(' ', '_')}" for c in CODE_COLUMNS),
)
STAT_SUFFIXES: tuple[str, ...] = ("n", "fraud_rate", "critical_rate")
FEATURE_NAMES: tuple[str, ...] = PLAIN_FEATURES + tuple(f"{k}_{s}" for k in KEYS for s in STAT_SUFFIXES)
FEATURE_DTYPE = "float64"


def feature_schema() -> list[tuple[str, str]]:
    """The ordered (name, dtype) pairs every feature frame has."""
    return [(name, FEATURE_DTYPE) for name in FEATURE_NAMES]


def schema_hash() -> str:
    """sha256 of the ordered feature names and dtypes; a saved model refuses to load if it differs."""
    text = "\n".join(f"{name}:{dtype}" for name, dtype in feature_schema())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class KcsHistory:
    """Per-key label counts of the whole training history, and the values scoring needs beside them."""

    counts: dict[str, pd.DataFrame]  # key name -> index: key text; columns n, fraud, critical
    prior_fraud: float
    prior_critical: float
    hs6_log_unit_median: dict[str, float]


def label_arrays(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(fraud, critical) as 0/1 integer arrays; critical is ``Critical Fraud == 2``."""
    fraud = frame["Fraud"].to_numpy(dtype=np.int64)
    critical = (frame["Critical Fraud"].to_numpy() == CRITICAL_VALUE).astype(np.int64)
    return fraud, critical


def history_from(frame: pd.DataFrame) -> KcsHistory:
    """Summarise labelled rows into the tables used to score later rows."""
    fraud, critical = label_arrays(frame)
    keys = _key_texts(frame)
    counts = {name: _count_table(text, fraud, critical) for name, text in keys.items()}
    return KcsHistory(
        counts=counts,
        prior_fraud=float(fraud.mean()),
        prior_critical=float(critical.mean()),
        hs6_log_unit_median=_hs6_medians(frame),
    )


def _hs6_medians(frame: pd.DataFrame) -> dict[str, float]:
    medians = _log_unit_price(frame).groupby(frame["HS6 Code"].to_numpy()).median().dropna()
    return {str(k): float(v) for k, v in medians.items()}


def past_features(frame: pd.DataFrame) -> pd.DataFrame:
    """Training features: each row sees only labelled rows of strictly earlier days (any row order).

    The smoothing prior is the past rate too (0 on the first day); only the label-free HS6 unit-price
    medians come from the whole frame.
    """
    fraud, critical = label_arrays(frame)
    day = frame[DATE_COLUMN].to_numpy().astype("datetime64[D]").astype(np.int64)
    values = np.column_stack([np.ones_like(fraud), fraud, critical])
    stats = {
        name: _prior_sums(pd.factorize(text)[0], day, values) for name, text in _key_texts(frame).items()
    }
    past_rows, past_fraud, past_critical = _prior_sums(np.zeros(len(day), dtype=np.int64), day, values).T
    seen = np.maximum(past_rows, 1.0)
    priors = (past_fraud / seen, past_critical / seen)
    return _assemble(frame, stats, priors, _hs6_medians(frame))


def features_from_history(frame: pd.DataFrame, history: KcsHistory) -> pd.DataFrame:
    """Scoring features: every row sees the whole training history (and nothing of the rows scored)."""
    stats = {}
    for name, text in _key_texts(frame).items():
        table = history.counts[name].reindex(text.to_numpy())
        stats[name] = table[["n", "fraud", "critical"]].fillna(0).to_numpy(dtype=np.float64)
    rows = len(frame)
    priors = (np.full(rows, history.prior_fraud), np.full(rows, history.prior_critical))
    return _assemble(frame, stats, priors, history.hs6_log_unit_median)


def _count_table(text: pd.Series, fraud: np.ndarray, critical: np.ndarray) -> pd.DataFrame:
    data = pd.DataFrame({"key": text.to_numpy(), "n": 1, "fraud": fraud, "critical": critical})
    return data.groupby("key", sort=True)[["n", "fraud", "critical"]].sum()


def _prior_sums(codes: np.ndarray, day: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Per row, the column sums over rows with the same code and an earlier day."""
    order = np.lexsort((day, codes))
    c, d = codes[order], day[order]
    positions = np.arange(len(c))
    new_key = np.r_[True, c[1:] != c[:-1]]
    new_day = new_key | np.r_[True, d[1:] != d[:-1]]
    key_start = np.maximum.accumulate(np.where(new_key, positions, 0))
    day_start = np.maximum.accumulate(np.where(new_day, positions, 0))
    cumulative = np.vstack([np.zeros((1, values.shape[1])), np.cumsum(values[order], axis=0)])
    result = np.empty((len(c), values.shape[1]), dtype=np.float64)
    result[order] = cumulative[day_start] - cumulative[key_start]
    return result


def _assemble(
    frame: pd.DataFrame,
    stats: dict[str, np.ndarray],
    priors: tuple[np.ndarray, np.ndarray],
    hs6_medians: dict[str, float],
) -> pd.DataFrame:
    columns = _plain_features(frame, hs6_medians)
    prior_fraud, prior_critical = priors
    for name in KEYS:
        n, fraud, critical = stats[name].T
        columns[f"{name}_n"] = n
        columns[f"{name}_fraud_rate"] = (fraud + SMOOTHING * prior_fraud) / (n + SMOOTHING)
        columns[f"{name}_critical_rate"] = (critical + SMOOTHING * prior_critical) / (n + SMOOTHING)
    result = pd.DataFrame(columns, index=pd.RangeIndex(len(frame)))
    return result[list(FEATURE_NAMES)].astype(FEATURE_DTYPE)


def _plain_features(frame: pd.DataFrame, hs6_medians: dict[str, float]) -> dict[str, np.ndarray]:
    price = frame["Item Price"].to_numpy(dtype=np.float64)
    rate = frame["Tax Rate"].to_numpy(dtype=np.float64)
    log_unit = _log_unit_price(frame).to_numpy()
    median = frame["HS6 Code"].map(hs6_medians).to_numpy(dtype=np.float64)
    columns = {
        "log_item_price": np.log1p(price),
        "log_net_mass": np.log1p(frame["Net Mass"].to_numpy(dtype=np.float64)),
        "log_unit_price": log_unit,
        "unit_price_vs_hs6_median": log_unit - median,
        "tax_rate": rate,
        "log_tax_amount": np.log1p(price * rate / 100.0),
        "same_departure_origin": (frame["Country of Departure"] == frame["Country of Origin"]).to_numpy(
            float
        ),
        "seller_missing": frame["Seller ID"].eq("").to_numpy(float),
        "courier_missing": frame["Courier ID"].eq("").to_numpy(float),
    }
    for column in CODE_COLUMNS:
        code = pd.to_numeric(frame[column], errors="coerce")
        columns[f"code_{column.lower().replace(' ', '_')}"] = code.to_numpy(dtype=np.float64)
    return columns


def _log_unit_price(frame: pd.DataFrame) -> pd.Series:
    mass = frame["Net Mass"].where(frame["Net Mass"] > 0)
    return np.log1p(frame["Item Price"] / mass)


def _key_texts(frame: pd.DataFrame) -> dict[str, pd.Series]:
    parts = {
        column: frame[column].astype(str)
        for column in {c for cols in KEYS.values() for c in cols}
        if column in frame
    }
    parts["hs4"] = frame["HS6 Code"].str[:4]
    parts["hs2"] = frame["HS6 Code"].str[:2]
    texts = {}
    for name, columns in KEYS.items():
        text = parts[columns[0]]
        for column in columns[1:]:
            text = text.str.cat(parts[column], sep="|")
        texts[name] = text.reset_index(drop=True)
    return texts
