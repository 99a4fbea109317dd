"""A saved risk model is a directory: the booster, the history tables scoring needs, and ``manifest.json``.

The manifest names the model version, the target, its parameters and calibration, the library versions, the
feature-schema hash, the sha256 of the training data and of every file in the directory. Loading refuses a
missing or altered file, a feature schema other than the code's, and another major version of LightGBM or
NumPy, each with a ``ModelArtifactError`` that says what to do. Saving writes a sibling temporary directory
and swaps it in, so a failed save leaves the previous model whole.
"""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import lightgbm as lgb
import pandas as pd

from cargoscreen.domain.errors import CargoscreenError
from cargoscreen.risk.kcs_features import KcsHistory, schema_hash
from cargoscreen.risk.model import RiskModel

FORMAT_VERSION = 1
KIND = "cargoscreen-kcs-risk-model"
MANIFEST = "manifest.json"
MODEL_FILE = "model.txt"
HISTORY_FILE = "history.csv.gz"
REFERENCE_FILE = "reference.json"
MAJOR_CHECKED = ("lightgbm", "numpy")


class ModelArtifactError(CargoscreenError):
    """A model directory that cannot be used as it is."""


@dataclass(frozen=True)
class SavedModel:
    """A loaded model directory."""

    model: RiskModel
    history: KcsHistory
    manifest: dict[str, Any]


def library_versions() -> dict[str, str]:
    """Versions recorded in (and checked against) a manifest."""
    return {
        "lightgbm": version("lightgbm"),
        "numpy": version("numpy"),
        "pandas": version("pandas"),
        "python": platform.python_version(),
    }


def save_model_dir(
    directory: Path, *, model: RiskModel, history: KcsHistory, target: str, training: dict[str, Any]
) -> dict[str, Any]:
    """Write the model directory (replacing a previous model there) and return its manifest."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
    staging.chmod(0o755)
    try:
        manifest = _write_files(staging, model=model, history=history, target=target, training=training)
        _swap_in(staging, directory)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


def load_model_dir(directory: Path) -> SavedModel:
    """Read and check a model directory written by ``save_model_dir``."""
    manifest = _read_manifest(directory)
    for name, digest in manifest["files"].items():
        _check_file(directory / name, digest)
    _check_compatible(manifest)
    try:
        booster = lgb.Booster(model_str=(directory / MODEL_FILE).read_text(encoding="utf-8"))
        history = _read_history(directory)
    except (lgb.basic.LightGBMError, ValueError, KeyError) as exc:
        raise ModelArtifactError(f"{directory}: unreadable model content ({exc})") from None
    slope, intercept = manifest["calibration"]
    model = RiskModel.restore(manifest["params"], booster, (float(slope), float(intercept)))
    return SavedModel(model=model, history=history, manifest=manifest)


def _write_files(
    staging: Path, *, model: RiskModel, history: KcsHistory, target: str, training: dict[str, Any]
) -> dict[str, Any]:
    model_text = model.booster_.model_to_string()
    (staging / MODEL_FILE).write_text(model_text, encoding="utf-8")
    _history_table(history).to_csv(
        staging / HISTORY_FILE, index=False, compression={"method": "gzip", "mtime": 0}
    )
    reference = {
        "prior_fraud": history.prior_fraud,
        "prior_critical": history.prior_critical,
        "hs6_log_unit_median": history.hs6_log_unit_median,
    }
    (staging / REFERENCE_FILE).write_text(json.dumps(reference, sort_keys=True), encoding="utf-8")
    created = datetime.now(UTC)
    files = {name: _sha256(staging / name) for name in (MODEL_FILE, HISTORY_FILE, REFERENCE_FILE)}
    manifest = {
        "kind": KIND,
        "format_version": FORMAT_VERSION,
        "model_version": f"kcs-{target}-{created:%Y%m%dT%H%M%SZ}-{files[MODEL_FILE][:8]}",
        "target": target,
        "created": created.isoformat(timespec="seconds"),
        "params": model.get_params(),
        "calibration": list(model.calibration_),
        "feature_names": model.feature_names_,
        "feature_schema_hash": schema_hash(),
        "libraries": library_versions(),
        "training": training,
        "files": files,
    }
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def _swap_in(staging: Path, directory: Path) -> None:
    if directory.exists() and any(directory.iterdir()) and not (directory / MANIFEST).is_file():
        raise ModelArtifactError(f"{directory} exists and is not a model directory; choose another --out")
    backup = directory.with_name(f".{directory.name}.old")
    if directory.exists():
        shutil.rmtree(backup, ignore_errors=True)
        directory.rename(backup)
    staging.rename(directory)
    shutil.rmtree(backup, ignore_errors=True)


def _history_table(history: KcsHistory) -> pd.DataFrame:
    parts = [
        table.rename_axis("key").reset_index().assign(table=name) for name, table in history.counts.items()
    ]
    return pd.concat(parts, ignore_index=True)[["table", "key", "n", "fraud", "critical"]]


def _read_history(directory: Path) -> KcsHistory:
    table = pd.read_csv(directory / HISTORY_FILE, dtype={"table": str, "key": str}, keep_default_na=False)
    counts = {
        str(name): part.set_index("key")[["n", "fraud", "critical"]].astype("int64")
        for name, part in table.groupby("table", sort=False)
    }
    reference = json.loads((directory / REFERENCE_FILE).read_text(encoding="utf-8"))
    return KcsHistory(
        counts=counts,
        prior_fraud=float(reference["prior_fraud"]),
        prior_critical=float(reference["prior_critical"]),
        hs6_log_unit_median={str(k): float(v) for k, v in reference["hs6_log_unit_median"].items()},
    )


def _read_manifest(directory: Path) -> dict[str, Any]:
    path = directory / MANIFEST
    if not path.is_file():
        raise ModelArtifactError(f"{directory}: not a model directory ({MANIFEST} is missing)")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelArtifactError(f"{path}: corrupt manifest ({exc})") from None
    needed = (
        "kind",
        "format_version",
        "target",
        "params",
        "calibration",
        "feature_schema_hash",
        "libraries",
        "files",
    )
    missing = [key for key in needed if not isinstance(manifest, dict) or key not in manifest]
    if missing or manifest["kind"] != KIND:
        raise ModelArtifactError(f"{path}: not a {KIND} manifest (missing {missing or ['kind']})")
    if manifest["format_version"] != FORMAT_VERSION:
        raise ModelArtifactError(
            f"{path}: format version {manifest['format_version']}, expected {FORMAT_VERSION}"
        )
    return dict(manifest)


def _check_file(path: Path, digest: str) -> None:
    if not path.is_file():
        raise ModelArtifactError(
            f"{path.parent}: file {path.name} is missing; retrain or restore the directory"
        )
    if _sha256(path) != digest:
        raise ModelArtifactError(
            f"{path.parent}: file {path.name} is corrupt (sha256 differs from the manifest)"
        )


def _check_compatible(manifest: dict[str, Any]) -> None:
    if manifest["feature_schema_hash"] != schema_hash():
        raise ModelArtifactError(
            f"feature schema mismatch: the model was trained on schema {manifest['feature_schema_hash'][:12]}, "
            f"this cargoscreen computes {schema_hash()[:12]}; retrain the model with this version"
        )
    current = library_versions()
    for name in MAJOR_CHECKED:
        saved = str(manifest["libraries"].get(name, "?"))
        if saved.split(".")[0] != current[name].split(".")[0]:
            raise ModelArtifactError(
                f"library mismatch: the model was saved with {name} {saved}, this environment has "
                f"{current[name]} (another major version); install {name}=={saved} or retrain"
            )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
