"""`cargoscreen risk train|score` as a user runs them, on small slices of the KCS files in ../shared."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cargoscreen.cli.main import app

KCS = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "kcs"
pytestmark = pytest.mark.skipif(
    not (KCS / "train.csv").is_file(), reason=f"KCS data not found at {KCS} (the ../shared folder is absent)"
)
runner = CliRunner()


def slice_lines(source: Path, target: Path, *, every: int = 1, limit: int | None = None) -> Path:
    header, *rows = source.read_text(encoding="utf-8").splitlines()
    picked = rows[::every][:limit]
    target.write_text("\n".join([header, *picked]) + "\n", encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("kcs-cli")


@pytest.fixture(scope="module")
def train_csv(workdir: Path) -> Path:
    return slice_lines(KCS / "train.csv", workdir / "train.csv", every=12)  # ~3 100 rows over 2020


@pytest.fixture(scope="module")
def score_csv(workdir: Path) -> Path:
    return slice_lines(KCS / "valid.csv", workdir / "score.csv", limit=400)


@pytest.fixture(scope="module")
def model_dir(workdir: Path, train_csv: Path) -> Path:
    out = workdir / "model"
    result = runner.invoke(
        app,
        [
            "risk",
            "train",
            "--format",
            "kcs",
            "--data",
            str(train_csv),
            "--target",
            "fraud",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Trained kcs-fraud-" in result.output and "holdout pre@5%" in result.output
    return out


def score(model: Path, data: Path, out: Path) -> tuple[int, str]:
    result = runner.invoke(
        app,
        ["risk", "score", "--model", str(model), "--format", "kcs", "--data", str(data), "--out", str(out)],
    )
    return result.exit_code, result.output


def test_score_writes_one_row_per_input_row_in_order(model_dir: Path, score_csv: Path, workdir: Path) -> None:
    code, output = score(model_dir, score_csv, workdir / "scores.csv")
    assert code == 0, output
    with (workdir / "scores.csv").open(encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    with score_csv.open(encoding="utf-8") as handle:
        expected_ids = [row["Declaration ID"] for row in csv.DictReader(handle)]
    assert header == ["Declaration ID", "score"]
    assert [row[0] for row in rows] == expected_ids
    scores = [float(row[1]) for row in rows]
    assert all(0.0 <= s <= 1.0 for s in scores) and len(set(scores)) > 100


def test_score_ignores_labels_and_needs_none(model_dir: Path, score_csv: Path, workdir: Path) -> None:
    header, *rows = score_csv.read_text(encoding="utf-8").splitlines()
    unlabelled = workdir / "unlabelled.csv"
    unlabelled.write_text("\n".join([header.rsplit(",", 2)[0], *(r.rsplit(",", 2)[0] for r in rows)]) + "\n")
    assert score(model_dir, unlabelled, workdir / "unlabelled-scores.csv")[0] == 0
    assert score(model_dir, score_csv, workdir / "labelled-scores.csv")[0] == 0
    assert (workdir / "unlabelled-scores.csv").read_text() == (workdir / "labelled-scores.csv").read_text()


def test_valid_period_is_used_and_must_come_later(workdir: Path, train_csv: Path, score_csv: Path) -> None:
    args = ["risk", "train", "--data", str(train_csv), "--valid", str(score_csv), "--target", "critical"]
    result = runner.invoke(app, [*args, "--out", str(workdir / "with-valid")])
    assert result.exit_code == 0, result.output
    manifest = json.loads((workdir / "with-valid" / "manifest.json").read_text())
    assert manifest["target"] == "critical" and manifest["training"]["holdout"]["from"] == "2021-01-01"
    swapped = ["risk", "train", "--data", str(score_csv), "--valid", str(train_csv), "--target", "fraud"]
    result = runner.invoke(app, [*swapped, "--out", str(workdir / "swapped")])
    assert result.exit_code == 2 and "must follow the training period" in result.output
    assert "Traceback" not in result.output


def test_corrupt_model_dir_is_a_clear_error(model_dir: Path, score_csv: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    for item in model_dir.iterdir():
        (broken / item.name).write_bytes(item.read_bytes())
    (broken / "model.txt").write_text("tree\ngarbage\n")
    code, output = score(broken, score_csv, tmp_path / "s.csv")
    assert code == 2 and "model.txt is corrupt" in output and "Traceback" not in output
    assert not (tmp_path / "s.csv").exists()


def test_schema_mismatch_is_a_clear_error(model_dir: Path, score_csv: Path, tmp_path: Path) -> None:
    other = tmp_path / "other-schema"
    other.mkdir()
    for item in model_dir.iterdir():
        (other / item.name).write_bytes(item.read_bytes())
    manifest = json.loads((other / "manifest.json").read_text())
    manifest["feature_schema_hash"] = "f" * 64
    (other / "manifest.json").write_text(json.dumps(manifest))
    code, output = score(other, score_csv, tmp_path / "s.csv")
    assert code == 2 and "feature schema mismatch" in output and "retrain" in output


def test_missing_column_is_named(model_dir: Path, score_csv: Path, tmp_path: Path) -> None:
    rows = list(csv.DictReader(score_csv.open(encoding="utf-8")))
    without = tmp_path / "no-mass.csv"
    with without.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=[c for c in rows[0] if c != "Net Mass"], extrasaction="ignore"
        )
        writer.writeheader()
        writer.writerows(rows)
    code, output = score(model_dir, without, tmp_path / "s.csv")
    assert code == 2 and "missing column(s) 'Net Mass'" in output


def test_bad_value_names_line_and_column(model_dir: Path, score_csv: Path, tmp_path: Path) -> None:
    lines = score_csv.read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].replace(lines[5].split(",")[1], "31/01/2021")
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n")
    code, output = score(model_dir, bad, tmp_path / "s.csv")
    assert code == 2 and "line 6, column 'Date': '31/01/2021'" in output


def test_usage_errors_exit_2(train_csv: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["risk", "train", "--data", str(train_csv), "--target", "smuggling", "--out", "x"]
    )
    assert result.exit_code == 2
    result = runner.invoke(
        app,
        [
            "risk",
            "train",
            "--data",
            str(tmp_path / "nope.csv"),
            "--target",
            "fraud",
            "--out",
            str(tmp_path / "m"),
        ],
    )
    assert result.exit_code == 2 and "no such file" in result.output
