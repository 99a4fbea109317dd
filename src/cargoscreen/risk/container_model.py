"""``ContainerRiskModel``: the seizure model of container cases — features, a few bagged ``RiskModel`` s.

Labels come from inspection outcomes (:func:`cargoscreen.risk.evaluation.labels_from_outcomes`: seizure = 1). The ``bags``
boosters differ by random seed (row and column bagging): the probability is their mean, ``predict_variance``
their variance (the uncertainty selection explores). Explanations are log-odds contributions (scaled by each
booster's Platt slope, averaged) named in plain words with the case's value: ``origin EC``, ``reefer``.
Saved directories (kind ``container``) use :mod:`cargoscreen.risk.artifacts`' helpers; loading refuses
altered files, another feature schema or another major LightGBM / NumPy version.
"""

from __future__ import annotations

import json
import math
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd

from cargoscreen.domain.errors import CargoscreenError
from cargoscreen.risk import artifacts
from cargoscreen.risk.artifacts import ModelArtifactError, library_versions
from cargoscreen.risk.case import ContainerCase
from cargoscreen.risk.evaluation import Labelled as Labelled
from cargoscreen.risk.evaluation import labels_from_outcomes as labels_from_outcomes
from cargoscreen.risk.features import FeatureBuilder, Shippers, schema_hash
from cargoscreen.risk.model import Contribution, RiskModel

KIND = "container"
FORMAT_VERSION = 1
FEATURES_FILE = "features.json"
_NEEDED = ("kind", "format_version", "model_version", "params", "boosters", "feature_schema_hash", "libraries", "files", "training")  # fmt: skip
_RISK_PARAMS = ("n_estimators", "learning_rate", "num_leaves", "min_child_samples", "subsample", "colsample_bytree", "holdout_fraction")  # fmt: skip
_PARAMS = (*_RISK_PARAMS, "bags", "min_positives", "min_count", "random_state", "n_jobs")


class NotEnoughLabels(CargoscreenError, ValueError):
    """Too few seizures (or clean inspections) to fit a model."""

    def __init__(self, positives: int, negatives: int, min_positives: int) -> None:
        self.positives, self.negatives = positives, negatives
        super().__init__(
            f"not enough labels to train: {positives} seizure(s) and {negatives} clean inspection(s); "
            f"need at least {min_positives} seizures and 2 clean inspections"
        )


@dataclass(frozen=True)
class ContainerScores:
    """Probability, model variance and top contributions of each case."""

    probability: np.ndarray
    variance: np.ndarray
    explanations: list[list[Contribution]]


class ContainerRiskModel:
    """Seizure probability of container cases (scikit-learn estimator contract)."""

    def __init__(
        self,
        *,
        n_estimators: int = 300,
        learning_rate: float = 0.03,
        num_leaves: int = 15,
        min_child_samples: int = 10,
        subsample: float = 0.8,
        colsample_bytree: float = 0.8,
        holdout_fraction: float = 0.2,
        bags: int = 3,
        min_positives: int = 2,
        min_count: int = 20,
        random_state: int = 0,
        n_jobs: int = 1,
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.holdout_fraction = holdout_fraction
        self.bags = bags
        self.min_positives = min_positives
        self.min_count = min_count
        self.random_state = random_state
        self.n_jobs = n_jobs

    def get_params(self) -> dict[str, Any]:
        """The constructor parameters (saved with the model)."""
        return {name: getattr(self, name) for name in _PARAMS}

    def fit(
        self, cases: Sequence[ContainerCase], labels: np.ndarray, *, shippers: Shippers = None
    ) -> ContainerRiskModel:
        """Fit on labelled cases (any order: they are sorted by arrival; the latest calibrate)."""
        y = np.asarray(labels, dtype=np.int64)
        if y.shape != (len(cases),) or not np.isin(y, (0, 1)).all():
            raise ValueError(f"labels must be {len(cases)} values 0/1, one per case (got shape {y.shape})")
        positives, negatives = int(y.sum()), int(len(y) - y.sum())
        if positives < self.min_positives or negatives < 2:
            raise NotEnoughLabels(positives, negatives, self.min_positives)
        order = np.argsort([c.arrival.timestamp() if c.arrival else -math.inf for c in cases], kind="stable")
        ordered = [cases[i] for i in order]
        self.features_ = FeatureBuilder(min_count=self.min_count).fit(ordered)
        shippers = [shippers[i] for i in order] if isinstance(shippers, Sequence) else shippers
        frame = self.features_.frame(self.features_.transform(ordered, shippers=shippers))
        holdout = _holdout(y[order], self.holdout_fraction)
        self.models_ = [
            self._risk_model(b).fit(frame, y[order], holdout=holdout) for b in range(max(1, self.bags))
        ]
        self.feature_names_ = list(self.features_.feature_names_)
        self.training_ = {"cases": len(y), "positives": positives, "negatives": negatives}
        self.model_version_: str | None = None  # set when saved or loaded
        return self

    def predict_proba(self, cases: Sequence[ContainerCase], *, shippers: Shippers = None) -> np.ndarray:
        """Probabilities, shape (n, 2): column 1 is a seizure (mean over the bags)."""
        positive = self.score(cases, top=0, shippers=shippers).probability
        return np.column_stack([1.0 - positive, positive])

    def predict_variance(self, cases: Sequence[ContainerCase], *, shippers: Shippers = None) -> np.ndarray:
        """Variance of the seizure probability across the bags (zeros with a single bag)."""
        return self.score(cases, top=0, shippers=shippers).variance

    def explain(
        self, cases: Sequence[ContainerCase], top: int = 3, *, shippers: Shippers = None
    ) -> list[list[Contribution]]:
        """Per case, the ``top`` contributions (log-odds, signed) as (plain label, contribution) pairs."""
        return self.score(cases, top=top, shippers=shippers).explanations

    def score(
        self,
        cases: Sequence[ContainerCase],
        *,
        top: int = 3,
        explain_limit: int | None = None,
        shippers: Shippers = None,
    ) -> ContainerScores:
        """Probability, variance and explanations, building the features once. Only the ``explain_limit``
        most probable cases are explained (all when None; the others get ``[]``): at 33 000 cases,
        explaining every one costs about 10x the scoring."""
        matrix = self.features_.transform(cases, shippers=shippers)
        frame = self.features_.frame(matrix)
        bags = np.vstack([np.asarray(model.predict_proba(frame)[:, 1]) for model in self.models_])
        probability = bags.mean(axis=0)
        rows = np.argsort(-probability, kind="stable")[
            : len(cases) if explain_limit is None else explain_limit
        ]
        explanations: list[list[Contribution]] = [[] for _ in cases]
        if top > 0 and len(rows):
            for i, found in zip(rows, self._explain(matrix[rows], frame.iloc[rows], top), strict=True):
                explanations[i] = found
        return ContainerScores(probability, bags.var(axis=0), explanations)

    def _risk_model(self, bag: int) -> RiskModel:
        params = {name: getattr(self, name) for name in _RISK_PARAMS}
        return RiskModel(**params, random_state=self.random_state + bag, n_jobs=self.n_jobs)

    def _explain(self, matrix: np.ndarray, frame: pd.DataFrame, top: int) -> list[list[Contribution]]:
        total = np.zeros(matrix.shape, dtype=np.float64)
        for model in self.models_:
            contributions = np.asarray(model.booster_.predict(frame, pred_contrib=True))[:, :-1]
            total += model.calibration_[0] * contributions
        total /= len(self.models_)
        order = np.argsort(-np.abs(total), axis=1, kind="stable")[:, :top]
        names = self.feature_names_
        return [
            [(self.features_.words(names[j], float(values[j])), float(row[j])) for j in picks]
            for values, row, picks in zip(matrix, total, order, strict=True)
        ]


def _holdout(y: np.ndarray, fraction: float) -> np.ndarray:
    """The latest rows that hold ``fraction`` of the rows and of the positives (at least one): a time-ordered
    holdout where seizures cluster by vessel call may otherwise hold none, leaving scores uncalibrated."""
    needed = min(max(1, int(fraction * y.sum())), int(y.sum()) - 1)
    rows = max(1, int(len(y) * fraction), int(np.searchsorted(np.cumsum(y[::-1]), needed)) + 1)
    mask = np.zeros(len(y), dtype=bool)
    mask[len(y) - rows :] = True
    return mask


def save_container_model(
    model: ContainerRiskModel, directory: Path, *, training: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Write the model directory (replacing a previous model there) and return its manifest."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
    staging.chmod(0o755)
    try:
        manifest = _write(model, staging, training or {})
        artifacts._swap_in(staging, directory)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


def _write(model: ContainerRiskModel, staging: Path, training: dict[str, Any]) -> dict[str, Any]:
    names = [f"booster_{i}.txt" for i in range(len(model.models_))]
    for name, bag in zip(names, model.models_, strict=True):
        (staging / name).write_text(bag.booster_.model_to_string(), encoding="utf-8")
    builder = model.features_
    tables = {"builder": builder.get_params(), "vocabularies": builder.vocabularies_}
    tables["typical_kg_per_package"] = builder.typical_kg_per_package_
    (staging / FEATURES_FILE).write_text(json.dumps(tables, indent=1, sort_keys=True), encoding="utf-8")
    files = {name: artifacts._sha256(staging / name) for name in (*names, FEATURES_FILE)}
    created = datetime.now(UTC)
    manifest = {
        "kind": KIND,
        "format_version": FORMAT_VERSION,
        "model_version": f"container-{created:%Y%m%dT%H%M%SZ}-{files[names[0]][:8]}",
        "created": created.isoformat(timespec="seconds"),
        "params": model.get_params(),
        "boosters": [
            {"file": n, "params": b.get_params(), "calibration": list(b.calibration_)}
            for n, b in zip(names, model.models_, strict=True)
        ],
        "feature_names": model.feature_names_,
        "feature_schema_hash": schema_hash(),
        "libraries": library_versions(),
        "training": {**model.training_, **training},
        "files": files,
    }
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    (staging / artifacts.MANIFEST).write_text(text, encoding="utf-8")
    model.model_version_ = str(manifest["model_version"])
    return manifest


def load_container_model(directory: Path) -> ContainerRiskModel:
    """Read and check a directory written by :func:`save_container_model`."""
    manifest = _manifest(directory)
    for name, digest in manifest["files"].items():
        artifacts._check_file(directory / name, digest)
    _check_compatible(manifest)
    try:
        tables = json.loads((directory / FEATURES_FILE).read_text(encoding="utf-8"))
        builder = FeatureBuilder(**tables["builder"]).restore(
            tables["vocabularies"], tables["typical_kg_per_package"]
        )
        bags = [_restore(directory, saved) for saved in manifest["boosters"]]
    except (lgb.basic.LightGBMError, ValueError, KeyError, TypeError) as exc:
        raise ModelArtifactError(f"{directory}: unreadable model content ({exc})") from None
    model = ContainerRiskModel(**manifest["params"])
    model.features_, model.models_ = builder, bags
    model.feature_names_ = list(builder.feature_names_)
    model.training_ = dict(manifest["training"])
    model.model_version_ = str(manifest["model_version"])
    return model


def _restore(directory: Path, saved: dict[str, Any]) -> RiskModel:
    booster = lgb.Booster(model_str=(directory / saved["file"]).read_text(encoding="utf-8"))
    slope, intercept = (float(v) for v in saved["calibration"])
    return RiskModel.restore(saved["params"], booster, (slope, intercept))


def _manifest(directory: Path) -> dict[str, Any]:
    path = directory / artifacts.MANIFEST
    if not path.is_file():
        raise ModelArtifactError(f"{directory}: not a model directory ({artifacts.MANIFEST} is missing)")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelArtifactError(f"{path}: corrupt manifest ({exc})") from None
    manifest = manifest if isinstance(manifest, dict) else {}
    missing = [key for key in _NEEDED if key not in manifest]
    if missing or (manifest["kind"], manifest["format_version"]) != (KIND, FORMAT_VERSION):
        found = (manifest.get("kind"), manifest.get("format_version"))
        raise ModelArtifactError(
            f"{path}: not a {KIND} model manifest v{FORMAT_VERSION} ({found}, missing {missing})"
        )
    return manifest


def _check_compatible(manifest: dict[str, Any]) -> None:
    trained, code = str(manifest["feature_schema_hash"]), schema_hash()
    if trained != code:
        raise ModelArtifactError(
            f"feature schema mismatch: the model was trained on schema {trained[:12]}, this cargoscreen "
            f"computes {code[:12]}; retrain the container model with this version"
        )
    current, saved = library_versions(), manifest["libraries"]
    for name in artifacts.MAJOR_CHECKED:
        if str(saved.get(name, "?")).split(".")[0] != current[name].split(".")[0]:
            raise ModelArtifactError(
                f"library mismatch: the model was saved with {name} {saved.get(name)}, this environment has "
                f"{current[name]} (another major version); install that version or retrain"
            )
