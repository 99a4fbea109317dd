"""Replay a labelled history week by week as the learning loop would have lived it (Kim et al., IEEE TKDE).

Rows go in date order; the first ``initial_weeks`` are fully labelled and train the first model. Then each
week the current model scores the week's rows and ``inspection_rate`` of them are selected by score, with
``exploration_share`` of the picks spent on exploration (``uncertainty_share`` of that on the rows scored
nearest the week's cut, the rest at random, as :mod:`cargoscreen.risk.selection` does); only the selected
rows' labels are revealed and join the training set (with the features they were scored with), and the
model is retrained. Each strategy (exploration share) replays the same weeks from the same start; the report
keeps, per week and strategy, the selection's precision, its recall (share of the week's positives caught).
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from cargoscreen.risk import kcs_features
from cargoscreen.risk.kcs import CRITICAL_VALUE, DATE_COLUMN, read_kcs
from cargoscreen.risk.model import RiskModel

log = logging.getLogger(__name__)

REPLAY_MODEL: dict[str, Any] = {"n_estimators": 100, "learning_rate": 0.1, "num_leaves": 15, "n_jobs": 1}


class ReplaySource(Protocol):
    """A labelled history, rows in date order: ``days()`` their day numbers (non-decreasing); ``truth()``
    every 0/1 label (the replay reveals selected rows' labels from it, and measures with it);
    ``initial_features(rows)`` training features of the fully labelled start, each row seeing labelled
    ``rows`` of earlier days only; ``features(rows, known)`` features computed from the ``known`` rows' labels."""

    def days(self) -> np.ndarray: ...
    def truth(self) -> np.ndarray: ...
    def initial_features(self, rows: np.ndarray) -> pd.DataFrame: ...
    def features(self, rows: np.ndarray, known: np.ndarray) -> pd.DataFrame: ...


class KcsSource:
    """KCS declarations in date order; ``target`` is ``fraud`` (Fraud == 1) or ``critical`` (== 2)."""

    def __init__(self, frame: pd.DataFrame, *, target: str = "critical") -> None:
        if target not in ("fraud", "critical"):
            raise ValueError(f"target must be 'fraud' or 'critical', not {target!r}")
        self.frame = frame.sort_values(DATE_COLUMN, kind="stable").reset_index(drop=True)
        self.target = target

    @classmethod
    def from_files(
        cls, paths: Sequence[Path], *, target: str = "critical", subsample: float = 1.0, seed: int = 0
    ) -> KcsSource:
        """Read KCS files (e.g. train.csv and valid.csv) and keep a random ``subsample`` share of the rows."""
        frame = pd.concat([read_kcs(p, require_labels=True).frame for p in paths], ignore_index=True)
        if subsample < 1.0:
            keep = np.random.default_rng(seed).random(len(frame)) < subsample
            frame = frame[keep].reset_index(drop=True)
        return cls(frame, target=target)

    def days(self) -> np.ndarray:
        return np.asarray(self.frame[DATE_COLUMN].to_numpy().astype("datetime64[D]").astype(np.int64))

    def truth(self) -> np.ndarray:
        column = "Fraud" if self.target == "fraud" else "Critical Fraud"
        value = 1 if self.target == "fraud" else CRITICAL_VALUE
        return np.asarray(self.frame[column].to_numpy() == value, dtype=np.int64)

    def initial_features(self, rows: np.ndarray) -> pd.DataFrame:
        return kcs_features.past_features(self._rows(rows))

    def features(self, rows: np.ndarray, known: np.ndarray) -> pd.DataFrame:
        return kcs_features.features_from_history(
            self._rows(rows), kcs_features.history_from(self._rows(known))
        )

    def _rows(self, rows: np.ndarray) -> pd.DataFrame:
        return self.frame.iloc[rows].reset_index(drop=True)


@dataclass(frozen=True)
class WeekResult:
    """One strategy's week: what it selected and caught, and what it had learned from before the week."""

    strategy: str
    exploration_share: float
    week: int
    first_day: str
    items: int
    positives: int
    selected: int
    caught: int
    precision: float
    recall: float
    explored: int
    explored_caught: int
    training_rows: int
    training_positives: int


@dataclass
class ReplayReport:
    """Rows per week and strategy; ``revealed`` holds each strategy's revealed row indices, in order."""

    weeks: list[WeekResult]
    params: dict[str, Any]
    initial_rows: int
    seconds: float
    revealed: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def frame(self) -> pd.DataFrame:
        """One row per (strategy, week)."""
        return pd.DataFrame([asdict(w) for w in self.weeks])

    def summary(self) -> dict[str, dict[str, float]]:
        """Per strategy over all replayed weeks: positives caught and present, recall, precision."""
        result = {}
        for name, part in self.frame().groupby("strategy", sort=False):
            caught, positives, selected = (int(part[c].sum()) for c in ("caught", "positives", "selected"))
            recall, precision = caught / max(1, positives), caught / max(1, selected)
            result[str(name)] = {
                "caught": caught,
                "positives": positives,
                "recall": recall,
                "precision": precision,
            }
        return result

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (without the revealed indices)."""
        return {
            "params": self.params, "initial_rows": self.initial_rows, "seconds": self.seconds,
            "summary": self.summary(), "weeks": [asdict(w) for w in self.weeks],
        }  # fmt: skip


class _RankingModel(RiskModel):
    """``RiskModel``'s booster trained once, without the calibration fit: the replay only ranks, and Platt
    scaling is monotone (it would not change the order), so this halves the weekly training time."""

    def fit(
        self,
        X: pd.DataFrame,
        y: np.ndarray,
        *,
        holdout: np.ndarray | None = None,
        X_holdout: pd.DataFrame | None = None,
    ) -> _RankingModel:
        self.feature_names_ = [str(c) for c in X.columns]
        self.calibration_ = (1.0, 0.0)
        self.booster_ = self._train(X, np.asarray(y, dtype=np.int64))
        return self


@dataclass(frozen=True)
class _Plan:
    """What every strategy shares: the weeks, the ground truth, the start and the settings."""

    days: np.ndarray
    week: np.ndarray
    truth: np.ndarray
    initial: np.ndarray
    later: list[int]
    start_features: pd.DataFrame
    params: dict[str, Any]
    inspection_rate: float
    uncertainty_share: float
    seed: int


def replay(
    source: ReplaySource,
    *,
    inspection_rate: float = 0.1,
    exploration_shares: Sequence[float] = (0.0, 0.1, 0.2),
    uncertainty_share: float = 0.5,
    initial_weeks: int = 8,
    max_weeks: int | None = None,
    model_params: Mapping[str, Any] | None = None,
    seed: int = 0,
    workers: int = 1,
) -> ReplayReport:
    """Replay every week after the initial ones (at most ``max_weeks``) once per exploration share;
    ``workers`` > 1 replays the strategies in that many processes (the source must pickle)."""
    if not 0 < inspection_rate <= 1 or not all(0 <= v <= 1 for v in (uncertainty_share, *exploration_shares)):
        raise ValueError("inspection_rate is in (0, 1]; the uncertainty and exploration shares in [0, 1]")
    started = time.perf_counter()
    days = source.days()
    week = (days - days[0]) // 7
    initial = np.flatnonzero(week < initial_weeks)
    later = [int(w) for w in np.unique(week[week >= initial_weeks])][:max_weeks]
    if len(initial) == 0 or not later:
        raise ValueError(f"the history spans {int(week.max()) + 1} week(s): nothing after {initial_weeks}")
    params = {**REPLAY_MODEL, **(model_params or {})}
    plan = _Plan(
        days, week, source.truth(), initial, later, source.initial_features(initial), params,
        inspection_rate, uncertainty_share, seed,
    )  # fmt: skip
    shares = list(exploration_shares)
    if workers > 1 and len(shares) > 1:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(workers, len(shares)), mp_context=context) as pool:
            results = list(pool.map(_strategy, repeat(source), repeat(plan), shares))
    else:
        results = [_strategy(source, plan, share) for share in shares]
    report = ReplayReport([w for weeks, _ in results for w in weeks], {}, len(initial), 0.0)
    report.revealed = {weeks[0].strategy: revealed for weeks, revealed in results}
    report.params = {
        "inspection_rate": inspection_rate, "exploration_shares": shares, "uncertainty_share": uncertainty_share,
        "initial_weeks": initial_weeks, "weeks": len(later), "model": params, "seed": seed, "workers": workers,
    }  # fmt: skip
    report.seconds = time.perf_counter() - started
    return report


def _strategy(source: ReplaySource, plan: _Plan, share: float) -> tuple[list[WeekResult], np.ndarray]:
    """One strategy over every week: the week rows and the row indices it revealed, in order."""
    name = f"exploration {share:.0%}"
    rng = np.random.default_rng(plan.seed)
    truth, known = plan.truth, [plan.initial]
    train_x, train_y = [plan.start_features], [truth[plan.initial]]
    results = []
    for w in plan.later:
        rows = np.flatnonzero(plan.week == w)
        training = pd.concat(train_x, ignore_index=True)
        model = _RankingModel(**plan.params).fit(training, np.concatenate(train_y))
        x = source.features(rows, np.concatenate(known))
        budget = max(1, round(plan.inspection_rate * len(rows)))
        scores = model.predict_proba(x)[:, 1]
        picked, explored = select_week(scores, budget, share, plan.uncertainty_share, rng)
        labels = truth[rows[picked]]  # the only labels revealed this week
        y = truth[rows]
        first_day = str(np.datetime64(int(plan.days[rows[0]]), "D"))
        caught, total = int(labels.sum()), int(y.sum())
        results.append(WeekResult(
            name, share, w, first_day, len(rows), total, len(picked), caught, float(labels.mean()),
            caught / total if total else 0.0, int(explored.sum()), int(labels[explored].sum()),
            sum(len(t) for t in train_y), sum(int(t.sum()) for t in train_y),
        ))  # fmt: skip
        known.append(rows[picked])
        train_x.append(x.iloc[picked])
        train_y.append(labels)
    caught = sum(r.caught for r in results)
    log.info("replayed %s: caught %d of %d", name, caught, sum(r.positives for r in results))
    return results, np.concatenate(known[1:])


def select_week(
    scores: np.ndarray,
    budget: int,
    exploration_share: float,
    uncertainty_share: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Positions picked (exploitation by score first) and a mask of the exploration picks among them."""
    budget = min(budget, len(scores))
    explore = int(exploration_share * budget + 0.5)
    order = np.argsort(-scores, kind="stable")
    exploit, rest = order[: budget - explore], order[budget - explore :]
    cut = scores[exploit[-1]] if len(exploit) else 0.5
    nearest = np.argsort(np.abs(scores[rest] - cut), kind="stable")
    uncertain = rest[nearest[: int(uncertainty_share * explore + 0.5)]]
    pool = np.setdiff1d(rest, uncertain)
    drawn = rng.choice(pool, size=min(explore - len(uncertain), len(pool)), replace=False)
    picked = np.concatenate([exploit, uncertain, np.sort(drawn)]).astype(np.int64)
    explored = np.r_[np.zeros(len(exploit), dtype=bool), np.ones(len(picked) - len(exploit), dtype=bool)]
    return picked, explored


def plot_replay(report: ReplayReport, path: Path) -> Path:
    """PNG: weekly recall (left) and cumulative recall (right) over the weeks, one line per strategy."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(11.0, 4.2), dpi=100)
    FigureCanvasAgg(figure)
    weekly, cumulative = figure.subplots(1, 2)
    for name, part in report.frame().groupby("strategy", sort=False):
        total = part["caught"].sum() / max(1, part["positives"].sum())
        label = f"{name} (overall {total:.2f})"
        weekly.plot(part["week"], part["recall"], marker=".", linewidth=1, label=label)
        running = part["caught"].cumsum() / part["positives"].cumsum().clip(lower=1)
        cumulative.plot(part["week"], running, linewidth=1.5, label=str(name))
    rate = report.params.get("inspection_rate", 0.0)
    for axes, title in ((weekly, "recall of the week's selection"), (cumulative, "cumulative recall")):
        axes.set(xlabel="week", ylabel="recall", ylim=(0, 1.02), title=f"{title}, inspecting {rate:.0%}")
        axes.title.set_fontsize(9)
        axes.grid(alpha=0.3)
        axes.legend(fontsize=8)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    return path
