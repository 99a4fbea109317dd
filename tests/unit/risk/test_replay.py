"""Weekly replay: the selection rule, and on a small slice of the KCS data (synthetic declarations) that only
selected rows' labels are ever revealed, with one report row per week and strategy."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cargoscreen.risk.replay import KcsSource, ReplayReport, plot_replay, replay, select_week

KCS = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "kcs"
needs_kcs = pytest.mark.skipif(
    not (KCS / "train.csv").is_file(), reason=f"KCS data not found at {KCS} (the ../shared folder is absent)"
)
SMALL = {"initial_weeks": 4, "max_weeks": 3, "model_params": {"n_estimators": 20}, "seed": 3}


def test_selection_exploits_then_explores() -> None:
    scores = np.linspace(1.0, 0.0, 100)  # position i has the i-th highest score
    picked, explored = select_week(scores, 10, 0.0, 0.5, np.random.default_rng(0))
    assert picked.tolist() == list(range(10)) and not explored.any()
    picked, explored = select_week(scores, 10, 0.2, 0.5, np.random.default_rng(0))
    assert picked[:8].tolist() == list(range(8)) and explored.tolist() == [False] * 8 + [True] * 2
    assert picked[8] == 8  # the uncertainty pick: the score nearest the cut
    assert picked[9] > 8 and len(set(picked.tolist())) == 10  # then one drawn at random from the rest
    again, _ = select_week(scores, 10, 0.2, 0.5, np.random.default_rng(0))
    assert again.tolist() == picked.tolist()
    picked, explored = select_week(scores[:4], 10, 0.5, 0.0, np.random.default_rng(0))
    assert sorted(picked.tolist()) == [0, 1, 2, 3] and explored.sum() == 2


class Spy:
    """A source that records which rows' labels each feature computation was allowed to read."""

    def __init__(self, inner: KcsSource) -> None:
        self.inner = inner
        self.known: list[np.ndarray] = []

    def days(self) -> np.ndarray:
        return self.inner.days()

    def truth(self) -> np.ndarray:
        return self.inner.truth()

    def initial_features(self, rows: np.ndarray) -> pd.DataFrame:
        return self.inner.initial_features(rows)

    def features(self, rows: np.ndarray, known: np.ndarray) -> pd.DataFrame:
        self.known.append(np.array(known))
        return self.inner.features(rows, known)


@pytest.fixture(scope="module")
def source() -> KcsSource:
    if not (KCS / "train.csv").is_file():
        pytest.skip(f"KCS data not found at {KCS} (the ../shared folder is absent)")
    return KcsSource.from_files([KCS / "train.csv"], target="fraud", subsample=0.15, seed=1)


@pytest.fixture(scope="module")
def spied(source: KcsSource) -> tuple[ReplayReport, Spy]:
    spy = Spy(source)
    return replay(spy, **SMALL), spy


@needs_kcs
def test_one_row_per_week_and_strategy(spied: tuple[ReplayReport, Spy]) -> None:
    report, _ = spied
    frame = report.frame()
    assert len(frame) == 3 * 3
    assert frame.groupby("strategy", sort=False).size().to_dict() == {
        "exploration 0%": 3, "exploration 10%": 3, "exploration 20%": 3,
    }  # fmt: skip
    assert (frame["selected"] == (frame["items"] * 0.1).round().clip(lower=1)).all()
    assert (frame["caught"] <= frame["positives"]).all() and (frame["recall"] <= 1).all()
    assert frame.loc[frame["exploration_share"] == 0, "explored"].eq(0).all()
    assert frame.loc[frame["exploration_share"] == 0.2, "explored"].gt(0).all()
    json.dumps(report.to_dict())  # JSON-ready
    assert set(report.summary()) == set(frame["strategy"])


@needs_kcs
def test_the_learner_reads_only_revealed_labels(spied: tuple[ReplayReport, Spy]) -> None:
    report, spy = spied
    initial = np.arange(report.initial_rows)
    frame = report.frame()
    calls = iter(spy.known)
    for name, part in frame.groupby("strategy", sort=False):
        revealed = report.revealed[str(name)]
        assert len(revealed) == part["selected"].sum()
        before = 0
        for _, week in part.iterrows():
            np.testing.assert_array_equal(next(calls), np.concatenate([initial, revealed[:before]]))
            assert week["training_rows"] == report.initial_rows + before
            before += week["selected"]


@needs_kcs
def test_labels_never_revealed_change_no_selection(
    source: KcsSource, spied: tuple[ReplayReport, Spy]
) -> None:
    report, _ = spied
    seen = np.zeros(len(source.frame), dtype=bool)
    seen[: report.initial_rows] = True
    for rows in report.revealed.values():
        seen[rows] = True
    flipped = source.frame.copy()
    flipped.loc[~seen, "Fraud"] = 1 - flipped.loc[~seen, "Fraud"]
    flipped.loc[~seen, "Critical Fraud"] = flipped.loc[~seen, "Fraud"]
    other = replay(KcsSource(flipped, target="fraud"), **SMALL)
    for name, rows in report.revealed.items():
        np.testing.assert_array_equal(other.revealed[name], rows)
    assert other.frame()["caught"].tolist() == report.frame()["caught"].tolist()
    assert other.frame()["positives"].tolist() != report.frame()["positives"].tolist()  # the truth did change


@needs_kcs
def test_processes_replay_the_same(source: KcsSource, spied: tuple[ReplayReport, Spy]) -> None:
    report, _ = spied
    parallel = replay(source, **SMALL, workers=2)
    assert parallel.frame().equals(report.frame())


@needs_kcs
def test_plot_has_one_line_per_strategy(tmp_path: Path, spied: tuple[ReplayReport, Spy]) -> None:
    report, _ = spied
    path = plot_replay(report, tmp_path / "plots" / "replay.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000


def test_a_history_too_short_is_refused() -> None:
    frame = pd.DataFrame(
        {"Date": pd.to_datetime(["2020-01-01", "2020-01-02"]), "Fraud": [0, 1], "Critical Fraud": [0, 2]}
    )
    with pytest.raises(ValueError, match="nothing after 8"):
        replay(KcsSource(frame), initial_weeks=8)
    with pytest.raises(ValueError, match="inspection_rate"):
        replay(KcsSource(frame), inspection_rate=0.0)
