"""Simulation output across capabilities: the simulator's own files plus JSON manifests and DCSA events.

The simulator writes EDIFACT (CUSCAR, CODECO, COARRI) and the ground truth; the JSON manifest and DCSA
writers live with their readers in ``ingest``, so files in those formats are written here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from cargoscreen.domain.events import EventSource
from cargoscreen.ingest.dcsa import equipment_event_to_dcsa
from cargoscreen.ingest.json_manifest import manifest_to_json
from cargoscreen.simulate import SimulatedPort, write_port_files
from cargoscreen.simulate.output import FORMATS as EDIFACT_FORMATS

OUTPUT_FORMATS = (*EDIFACT_FORMATS, "json", "dcsa")


def write_simulation(
    port: SimulatedPort, out_dir: Path, *, formats: Sequence[str] = ("cuscar", "codeco")
) -> list[Path]:
    """Write the simulated port in the given formats; returns the files written (ground truth included).

    Each event goes out in the format of the message that carries it in the simulated port (discharge as a
    DCSA event, gate-out as CODECO), so ingesting every file stores each event once.
    """
    unknown = sorted(set(formats) - set(OUTPUT_FORMATS))
    if unknown:
        raise ValueError(f"unknown output formats {unknown}; known: {list(OUTPUT_FORMATS)}")
    paths = write_port_files(port, out_dir, formats=[f for f in formats if f in EDIFACT_FORMATS])
    if "json" in formats:
        folder = out_dir / "json"
        folder.mkdir(parents=True, exist_ok=True)
        for manifest in port.manifests:
            name = f"{manifest.interchange_ref}_{manifest.message_ref}.json".replace("/", "-")
            paths.append(_write_json(folder / name, manifest_to_json(manifest)))
    if "dcsa" in formats:
        documents = [equipment_event_to_dcsa(e) for e in port.events if e.source is EventSource.DCSA]
        paths.append(_write_json(out_dir / "dcsa" / "events.json", {"events": documents}))
    return paths


def _write_json(path: Path, document: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    tmp.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)
    return path
