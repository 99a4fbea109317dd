"""JSON Schemas of the version-1 payloads, for device vendors (shipped as ``sensors/schemas/*.json``).

The pydantic models in :mod:`cargoscreen.sensors.payloads` are the source; the shipped files are generated
from them (``python -m cargoscreen.sensors.schemas``) and a test fails when they drift apart.
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from cargoscreen.sensors.payloads import CAMERA_ADAPTER, EnoseSample, SealEvent, TrackerEvent

BASE_ID = "https://cargoscreen.example/schemas/sensors"


def schema_documents() -> dict[str, dict[str, Any]]:
    """File name → JSON Schema (draft 2020-12) of each topic kind's payload."""
    models: dict[str, tuple[str, dict[str, Any]]] = {
        "seal": ("e-seal event (ISO 18185 fields)", SealEvent.model_json_schema()),
        "tracker": ("tracker position, door or geofence event", TrackerEvent.model_json_schema()),
        "enose": ("e-nose sample of a container on the crane", EnoseSample.model_json_schema()),
        "camera": ("camera event: gate OCR read or intrusion alert", CAMERA_ADAPTER.json_schema()),
    }
    documents = {}
    for kind, (title, schema) in models.items():
        name = f"{kind}.v1.schema.json"
        documents[name] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{BASE_ID}/{name}",
            "description": f"cargoscreen/v1/{kind}/...: {title}",
            **schema,
        }
    return documents


def shipped_schema(name: str) -> dict[str, Any]:
    """A shipped schema file, e.g. ``shipped_schema("seal.v1.schema.json")``."""
    text = resources.files("cargoscreen.sensors").joinpath(f"schemas/{name}").read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, document in schema_documents().items():
        path = folder / name
        path.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    write_schemas(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "schemas")
