"""Inference with the shipped (or a freshly trained) weights: onnxruntime only, sessions opened once.

A weights directory holds the ONNX network, ``templates.json`` (the empty-container templates per body) and
``manifest.json``: version, input schema hash, class order, thresholds per cargo class, the empty and change
settings, the grid phases the heat-map is averaged over (``inference.grid_phases``, see ``phases``), the
sha256 of every file and how training went.
Loading refuses an altered file, another input schema or another class order, each with an
``ImagingModelError`` that says what to do. ``ImageAnalyzer.analyze`` turns one Scan (and optionally its
pre-departure scan) into an ``Analysis``: findings plus a heat-map the size of the scan.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cargoscreen.domain.errors import CargoscreenError
from cargoscreen.domain.scans import Analysis, Box, CargoClass, ChangeFinding, Scan, ScanFindings
from cargoscreen.imaging import change as change_mod
from cargoscreen.imaging.consistency import CLASS_ORDER, check_order, consistency
from cargoscreen.imaging.detection import WorkBox, boxes, scan_score
from cargoscreen.imaging.empty import EmptyConfig, verify_empty
from cargoscreen.imaging.phases import ALLOWED as ALLOWED_PHASES
from cargoscreen.imaging.phases import averaged_heat
from cargoscreen.imaging.preprocess import (
    CHANNELS,
    FloatArray,
    Frame,
    Prepared,
    Templates,
    prepare,
    schema,
    schema_hash,
)
from cargoscreen.imaging.thresholds import Thresholds, margin

FORMAT_VERSION = 1
KIND = "cargoscreen-image-models"
MANIFEST = "manifest.json"
TEMPLATES = "templates.json"
DEFAULT_WEIGHTS = Path(__file__).resolve().parent / "weights"
#: The input and outputs of every scan network's ONNX graph (``network_io.export_onnx`` writes them).
INPUT_NAME = "scan"
OUTPUT_NAMES = ("heatmap", "class_probabilities")


class ImagingModelError(CargoscreenError):
    """A weights directory that cannot be used as it is."""


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a weights directory says about itself."""

    version: str
    network_file: str
    thresholds: Thresholds
    empty: EmptyConfig
    change: change_mod.ChangeConfig
    templates: Templates | None
    raw: dict[str, Any]
    #: grid phases the heat-map is averaged over (``phases``; ``inference.grid_phases``, 1 when absent)
    grid_phases: int = 1

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        path = directory / MANIFEST
        if not path.is_file():
            raise ImagingModelError(f"{path}: no manifest; train with `cargoscreen imaging train`")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ImagingModelError(f"{path}: not JSON ({exc})") from exc
        if data.get("kind") != KIND or data.get("format") != FORMAT_VERSION:
            raise ImagingModelError(f"{path}: not a format-{FORMAT_VERSION} {KIND} manifest")
        if data.get("preprocess_schema") != schema_hash():
            raise ImagingModelError(
                f"{path}: weights were trained for input schema {data.get('preprocess_schema')}, the code "
                f"prepares {schema_hash()}; retrain with `cargoscreen imaging train`"
            )
        try:
            check_order(data["classes"])
        except ValueError as exc:
            raise ImagingModelError(f"{path}: {exc}; retrain") from exc
        for name, digest in data["files"].items():
            file = directory / name
            if not file.is_file() or sha256(file) != digest:
                raise ImagingModelError(f"{file}: missing or altered (sha256 differs from the manifest)")
        phases = data.get("inference", {}).get("grid_phases", 1)
        if phases not in ALLOWED_PHASES:
            raise ImagingModelError(
                f"{path}: inference.grid_phases is {phases!r}, not one of {ALLOWED_PHASES}"
            )
        templates = None
        if data.get("templates"):
            templates = Templates.from_json(json.loads((directory / data["templates"]["file"]).read_text()))
        return cls(
            templates=templates,
            version=str(data["version"]),
            network_file=str(data["network"]["file"]),
            thresholds=Thresholds.from_json(data["thresholds"]),
            empty=EmptyConfig(**data["empty"]),
            change=change_mod.ChangeConfig(**data["change"]),
            raw=data,
            grid_phases=int(phases),
        )

    @property
    def training_seeds(self) -> frozenset[int]:
        """Every seed whose training scans shaped these weights: this run's, and those of the network it
        started from or the members it averages (``training.seeds``); evaluation must use another."""
        training = self.raw.get("training", {})
        seeds = training.get("seeds", [training.get("seed")])
        return frozenset(int(s) for s in seeds if isinstance(s, int))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_manifest(
    directory: Path,
    *,
    version: str,
    network_file: str,
    thresholds: Thresholds,
    empty: EmptyConfig,
    change: change_mod.ChangeConfig,
    templates: Templates | None = None,
    extra: dict[str, Any] | None = None,
    other_files: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Write ``manifest.json`` (and ``templates.json``) beside the ONNX file of ``directory``, hashing them
    and ``other_files`` (e.g. the torch state that further training starts from)."""
    network = directory / network_file
    if not network.is_file():
        raise ImagingModelError(f"{network}: no such network file")
    files = {network_file: sha256(network)}
    for name in other_files:
        files[name] = sha256(directory / name)
    if templates is not None:
        (directory / TEMPLATES).write_text(json.dumps(templates.to_json()), encoding="utf-8")
        files[TEMPLATES] = sha256(directory / TEMPLATES)
    manifest: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "kind": KIND,
        "version": version,
        "preprocess_schema": schema_hash(),
        "preprocess": schema(),
        "classes": [c.value for c in CLASS_ORDER],
        "network": {
            "file": network_file,
            "inputs": f"scan (N, {len(CHANNELS)}, H, W): {', '.join(CHANNELS)}",
            "outputs": "heatmap, class_probabilities",
        },
        "thresholds": thresholds.to_json(),
        "empty": asdict(empty),
        "change": asdict(change),
        "templates": {"file": TEMPLATES, "bodies": sorted(templates.images)}
        if templates is not None
        else None,
        **(extra or {}),
        "files": files,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


@dataclass(frozen=True, slots=True)
class NetworkOutput:
    """The network's answer on the working grid: heat-map (container size) and class probabilities."""

    heat: FloatArray
    probabilities: FloatArray


@dataclass(frozen=True, slots=True)
class Detailed:
    """An analysis with the prepared input and the network output it came from."""

    analysis: Analysis
    prepared: Prepared
    output: NetworkOutput


def network_output(session: Any, tensor: FloatArray, size: tuple[int, int]) -> NetworkOutput:
    """Run an onnxruntime session on one padded input; crop the heat-map to the container's ``size``."""
    heat, probs = session.run(None, {INPUT_NAME: np.asarray(tensor, dtype=np.float32)[None]})
    h, w = size
    return NetworkOutput(
        heat=np.ascontiguousarray(heat[0, :h, :w], dtype=np.float32),
        probabilities=np.asarray(probs[0], dtype=np.float32),
    )


def open_session(path: Path, threads: int = 2) -> Any:
    """An onnxruntime CPU session on ``threads`` intra-op threads."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])


class ImageAnalyzer:
    """Concealment detection, consistency, empty verification and change detection for one scan at a time."""

    def __init__(self, session: Any, manifest: Manifest) -> None:
        self.session = session
        self.manifest = manifest

    @classmethod
    def load(cls, weights_dir: Path | None = None, *, threads: int = 2) -> ImageAnalyzer:
        """Open the weights of ``weights_dir`` (the shipped ones by default) with onnxruntime."""
        directory = weights_dir or DEFAULT_WEIGHTS
        manifest = Manifest.read(directory)
        return cls(open_session(directory / manifest.network_file, threads), manifest)

    @property
    def version(self) -> str:
        """The weights' version, ending ``-phasesN`` when the heat-map is averaged over N grid phases."""
        # findings name how they were scored: the same network averaged over grid phases scores otherwise
        phases = self.manifest.grid_phases
        return self.manifest.version if phases == 1 else f"{self.manifest.version}-phases{phases}"

    def run(self, prepared: Prepared) -> NetworkOutput:
        """The network on one prepared scan."""
        return network_output(self.session, prepared.tensor, prepared.frame.size)

    def analyze(
        self, scan: Scan, declared_class: CargoClass | None = None, pre_departure: Scan | None = None
    ) -> Analysis:
        """Findings and heat-map of one scan; ``pre_departure`` adds the change finding."""
        return self.analyze_detailed(scan, declared_class, pre_departure).analysis

    def analyze_detailed(
        self, scan: Scan, declared_class: CargoClass | None = None, pre_departure: Scan | None = None
    ) -> Detailed:
        """``analyze`` plus the prepared input and the raw network output (for evaluation and pictures)."""
        prepared = prepare(scan, self.manifest.templates)
        out = self.run(prepared)
        if self.manifest.grid_phases > 1:
            heat = averaged_heat(scan, prepared, out.heat, self.manifest.grid_phases, self._heat_of)
            out = NetworkOutput(heat=heat, probabilities=out.probabilities)
        threshold = self.manifest.thresholds.for_class(declared_class)
        score = scan_score(out.heat)
        found = [_to_box(b, prepared.frame) for b in boxes(out.heat, threshold)]
        verdict = verify_empty(out.probabilities, prepared.p_high, self.manifest.empty)
        fit = consistency(out.probabilities, declared_class)
        findings = ScanFindings(
            scan_id=scan.meta.scan_id,
            container_number=str(scan.meta.container_number) if scan.meta.container_number else None,
            score=score,
            alarm=score >= threshold,
            threshold=float(np.clip(threshold, 0.0, 1.0)),
            margin=margin(score, threshold),
            boxes=tuple(found),
            empty=verdict.empty,
            empty_score=verdict.score,
            declared_class=declared_class,
            consistency=fit.consistency,
            seen_class=fit.seen_class,
            change=self.change(pre_departure, prepared) if pre_departure is not None else None,
            model_version=self.version,
        )
        analysis = Analysis(findings=findings, heatmap=prepared.frame.to_scan(out.heat))
        return Detailed(analysis=analysis, prepared=prepared, output=out)

    def _heat_of(self, scan: Scan) -> tuple[Prepared, FloatArray]:
        prepared = prepare(scan, self.manifest.templates)
        return prepared, self.run(prepared).heat

    def change(self, pre_departure: Scan, arrival: Prepared) -> ChangeFinding:
        """Registration and mass difference against the pre-departure scan (boxes in arrival pixels)."""
        result = change_mod.compare(pre_departure, arrival, self.manifest.change)
        kg = self.manifest.change.kg_threshold
        added = tuple(_to_box(b, arrival.frame, score=b.score / (b.score + kg)) for b in result.added)
        return ChangeFinding(
            pre_departure_scan_id=pre_departure.meta.scan_id,
            added_score=float(np.clip(result.score, 0.0, 1.0)),
            added_kg_estimate=round(max(0.0, result.added_kg), 2),
            removed_kg_estimate=round(max(0.0, result.removed_kg), 2),
            changed=result.changed,
            boxes=added,
            shift_px=(round(result.shift_px[0]), round(result.shift_px[1])),
        )


def _to_box(box: WorkBox, frame: Frame, score: float | None = None) -> Box:
    x0, y0, x1, y1 = frame.box_to_scan(box.row0, box.row1, box.col0, box.col1)
    value = box.score if score is None else score
    return Box(x0=x0, y0=y0, x1=x1, y1=y1, score=float(np.clip(value, 0.0, 1.0)))


__all__ = [
    "CLASS_ORDER",
    "DEFAULT_WEIGHTS",
    "INPUT_NAME",
    "MANIFEST",
    "OUTPUT_NAMES",
    "TEMPLATES",
    "Detailed",
    "ImageAnalyzer",
    "ImagingModelError",
    "Manifest",
    "NetworkOutput",
    "network_output",
    "open_session",
    "sha256",
    "write_manifest",
]
