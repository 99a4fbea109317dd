"""Combine image models trained apart into one: their outputs averaged inside one ONNX graph.

Two networks trained on different SYNTHETIC scans make different mistakes on clean scans, and the 1 % false-
alarm threshold is set by the few clean scans one network is most wrong about; averaging the heat-maps of
both lowers those peaks more than it lowers a concealment both see. The combined graph takes the same input
and gives the same two outputs (heat-map and class probabilities, each the mean over the members), so the
runtime, the thresholds and the findings do not change shape; inference costs one network per member.

Members must be different networks and share the input schema, the class order and the empty-container
templates (training fits them from a fixed seed, so any two runs of `cargoscreen imaging train` do); they
may come from different seeds, scan counts or versions of the training data. The combined model keeps the
first member's empty and change settings (neither depends on the network's weights), then its thresholds
are refitted on clean scans by ``calibrate_thresholds`` (scored over the first member's grid phases,
``imaging.phases``), because an average has other score quantiles than any of its members. Needs the ``onnx`` package (the ``train`` extra); the result needs only onnxruntime.

``how="parameters"`` averages instead the members' weights, parameter by parameter (and their batch-norm
statistics), into one network of the same size, so inference costs one network. That is only meaningful
for networks grown from one start (``imaging train --init-from``): runs from one starting network on other
seeds stay close enough in weight space that the mean of their weights is itself a good network, while
two networks trained from random starts have unrelated channels whose mean is noise. So every member
must hold its torch state (``scannet.pt``) and be the common start or have started from it
(``training.started_from``). Needs torch.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cargoscreen.imaging.runtime import (
    INPUT_NAME,
    OUTPUT_NAMES,
    TEMPLATES,
    ImagingModelError,
    Manifest,
    sha256,
    write_manifest,
)
from cargoscreen.pipeline.imaging import NETWORK_FILE, STATE_FILE

log = logging.getLogger(__name__)

Progress = Callable[[str], None]

#: What ``combine_image_models`` averages: the networks' outputs, or their weights.
HOW = ("outputs", "parameters")


def _member_graph(model: Any, prefix: str) -> tuple[list[Any], list[Any]]:
    """Nodes and initializers of one member with every name prefixed, except the shared input."""

    def renamed(name: str) -> str:
        return name if name in ("", INPUT_NAME) else f"{prefix}{name}"

    nodes = []
    for node in model.graph.node:
        copy = type(node)()
        copy.CopyFrom(node)
        copy.name = renamed(node.name) if node.name else ""
        copy.input[:] = [renamed(n) for n in node.input]
        copy.output[:] = [renamed(n) for n in node.output]
        if any(a.type in (a.GRAPH, a.GRAPHS) for a in node.attribute):
            raise ImagingModelError(f"node {node.name or node.op_type}: sub-graphs cannot be combined")
        nodes.append(copy)
    initializers = []
    for tensor in model.graph.initializer:
        copy = type(tensor)()
        copy.CopyFrom(tensor)
        copy.name = renamed(tensor.name)
        initializers.append(copy)
    return nodes, initializers


def average_onnx(paths: Sequence[Path], out: Path) -> None:
    """Write one ONNX graph whose outputs are the element-wise means of the members' outputs."""
    import onnx
    from onnx import helper

    models = [onnx.load(str(p)) for p in paths]
    first = models[0]
    for path, model in zip(paths, models, strict=True):
        inputs = [i.name for i in model.graph.input]
        outputs = [o.name for o in model.graph.output]
        if inputs != [INPUT_NAME] or outputs != list(OUTPUT_NAMES):
            raise ImagingModelError(
                f"{path}: inputs {inputs} and outputs {outputs}; a scan network has "
                f"[{INPUT_NAME!r}] and {list(OUTPUT_NAMES)}"
            )
        if [(o.domain, o.version) for o in model.opset_import] != [
            (o.domain, o.version) for o in first.opset_import
        ]:
            raise ImagingModelError(f"{path}: another ONNX opset than {paths[0]}")
    nodes: list[Any] = []
    initializers: list[Any] = []
    for k, model in enumerate(models):
        member_nodes, member_initializers = _member_graph(model, f"m{k}/")
        nodes += member_nodes
        initializers += member_initializers
    for name in OUTPUT_NAMES:
        nodes.append(
            helper.make_node(
                "Mean", [f"m{k}/{name}" for k in range(len(models))], [name], name=f"mean/{name}"
            )
        )
    graph = helper.make_graph(
        nodes,
        f"mean of {len(models)} scan networks",
        inputs=list(first.graph.input),
        outputs=list(first.graph.output),
        initializer=initializers,
    )
    combined = helper.make_model(graph, opset_imports=list(first.opset_import), producer_name="cargoscreen")
    combined.ir_version = first.ir_version
    onnx.checker.check_model(combined)
    temporary = out.with_suffix(".tmp")
    onnx.save(combined, str(temporary))
    temporary.replace(out)


def _common_start(members: Sequence[Path], manifests: Sequence[Manifest]) -> str:
    """The version every member is or started from; refuses members that do not share one."""
    for folder, manifest in zip(members, manifests, strict=True):
        if STATE_FILE not in manifest.raw["files"]:
            raise ImagingModelError(
                f"{folder}: no {STATE_FILE}; averaging parameters needs each member's torch state "
                "(folders written by `cargoscreen imaging train`)"
            )
    lineage = [{m.version, m.raw.get("training", {}).get("started_from")} - {None} for m in manifests]
    shared = set.intersection(*lineage)
    if len(shared) != 1:
        raise ImagingModelError(
            "averaging parameters needs networks grown from one start: each member must be that network or "
            f"have started from it (training.started_from); these are {[sorted(x) for x in lineage]}"
        )
    return str(shared.pop())


def average_states(paths: Sequence[Path], out_dir: Path) -> int:
    """Write the parameter-wise mean of the torch states ``paths`` as ``STATE_FILE`` and its ONNX export;
    return the network's width."""
    import torch

    from cargoscreen.imaging import network_io
    from cargoscreen.imaging.consistency import CLASS_ORDER
    from cargoscreen.imaging.networks import ScanNet
    from cargoscreen.imaging.preprocess import CHANNELS
    from cargoscreen.imaging.widening import state_width

    states = [network_io.load_state(p) for p in paths]
    first = states[0]
    for path, state in zip(paths, states, strict=True):
        if state.keys() != first.keys() or any(state[k].shape != first[k].shape for k in first):
            raise ImagingModelError(f"{path}: another network layout or width than {paths[0]}")
    mean = {
        key: torch.stack([s[key] for s in states]).mean(dim=0) if value.is_floating_point() else value
        for key, value in first.items()  # the only integer is batch-norm's step count: it is not used
    }
    width = state_width(first)
    net = ScanNet(len(CHANNELS), len(CLASS_ORDER), width=width)
    net.load_state_dict(mean)
    network_io.save_state(net, out_dir / STATE_FILE)
    network_io.export_onnx(net, out_dir / NETWORK_FILE, in_channels=len(CHANNELS))
    return width


def _combined_training(members: Sequence[Path], manifests: Sequence[Manifest]) -> dict[str, Any]:
    digests = [sha256(folder / m.network_file) for folder, m in zip(members, manifests, strict=True)]
    if len(set(digests)) != len(digests):
        raise ImagingModelError("two members hold the same network: they would be one model counted twice")
    trainings = [dict(m.raw.get("training", {})) for m in manifests]
    return {
        "seed": trainings[0].get("seed"),
        "seeds": sorted(set().union(*(m.training_seeds for m in manifests))),
        "members": [
            {"version": m.version, "network_sha256": d, **t}
            for m, d, t in zip(manifests, digests, trainings, strict=True)
        ],
        "data": "SYNTHETIC: cargoscreen.simulate.xray; each member's scans as its own training record says",
    }


def combine_image_models(
    members: Sequence[Path],
    out_dir: Path,
    *,
    per_class: int = 300,
    workers: int = 2,
    how: str = "outputs",
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Average ``members`` (their outputs or, ``how="parameters"``, their weights) into one model in
    ``out_dir``, calibrate its thresholds; return what was done."""
    from cargoscreen.pipeline.imaging_calibrate import calibrate_thresholds

    say = progress or (lambda message: log.info(message))
    if len(members) < 2:
        raise ImagingModelError("combining needs at least two weights folders")
    if how not in HOW:
        raise ImagingModelError(f"how={how!r}: combine averages one of {list(HOW)}")
    manifests = [Manifest.read(m) for m in members]  # refuses altered files, other schemas or class orders
    first = manifests[0]
    if first.templates is None:
        raise ImagingModelError(f"{members[0]}: no templates")
    digest = sha256(members[0] / TEMPLATES)
    for folder, manifest in zip(members, manifests, strict=True):
        if manifest.templates is None or sha256(folder / TEMPLATES) != digest:
            raise ImagingModelError(
                f"{folder}: other empty-container templates than {members[0]}; members must be trained by the "
                "same version of `cargoscreen imaging train`"
            )
    training = _combined_training(members, manifests)
    start = _common_start(members, manifests) if how == "parameters" else None
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise ImagingModelError(f"{out_dir}: not an empty folder; combine into a new one")
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        if start is None:
            say(f"averaging {len(members)} networks into one ONNX graph ...")
            average_onnx(
                [m / n.network_file for m, n in zip(members, manifests, strict=True)], out_dir / NETWORK_FILE
            )
            version = f"{datetime.now(UTC):%Y%m%d%H%M}-mean{len(members)}"
        else:
            say(f"averaging the weights of {len(members)} networks grown from {start} ...")
            width = average_states([m / STATE_FILE for m in members], out_dir)
            version = f"{datetime.now(UTC):%Y%m%d%H%M}-avg{len(members)}"
            # a later `imaging train --init-from` reads the width and the start from here
            training |= {"started_from": start, "config": {"width": width}}
        write_manifest(
            out_dir,
            version=version,
            network_file=NETWORK_FILE,
            thresholds=first.thresholds,  # replaced by the calibration below
            empty=first.empty,
            change=first.change,
            templates=first.templates,
            other_files=() if start is None else (STATE_FILE,),
            extra={
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "combined": {
                    "members": [m.version for m in manifests],
                    "how": "mean of outputs" if start is None else "mean of parameters",
                },
                "training": training,
                "change_calibration": first.raw.get("change_calibration"),
            },
        )
        # the mean is scored as its first member is (its grid phases), and calibrated for that
        phases = first.grid_phases
        calibration = calibrate_thresholds(
            out_dir, per_class=per_class, grid_phases=phases, workers=workers, progress=say
        )
    except BaseException:
        shutil.rmtree(out_dir, ignore_errors=True)  # nothing half-written stays behind
        raise
    return {"weights_dir": str(out_dir), "version": version, "members": [m.version for m in manifests],
            "how": how, "calibration": calibration}  # fmt: skip
