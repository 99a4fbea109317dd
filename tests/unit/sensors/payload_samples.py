"""SYNTHETIC sensor payloads for the tests (valid version-1 payloads of each kind)."""

from __future__ import annotations

import json
from typing import Any

from cargoscreen.domain.ids import container_check_digit


def container(serial: int, owner: str = "MSCU") -> str:
    first = f"{owner}{serial:06d}"
    return first + container_check_digit(first)


def seal(
    sequence: int = 1, *, device: str = "RDR-PAMIT-1", number: str | None = None, **extra: Any
) -> dict[str, Any]:
    payload = {
        "version": 1, "device_id": device, "sequence": sequence, "kind": "seal", "seal_id": "EUR18185-000000042",
        "seal_number": "FX1234567", "container_number": number or container(123456), "status": "sealed",
        "battery_pct": 87.5, "event_time": "2026-03-02T03:12:44Z", "reader_id": device, "un_locode": "PAMIT",
    }  # fmt: skip
    return payload | extra


def enose(sequence: int = 1, *, crane: str = "QC01", number: str | None = None) -> dict[str, Any]:
    return {
        "version": 1, "device_id": f"ENOSE-{crane}", "sequence": sequence, "kind": "enose",
        "container_number": number or container(123456), "crane_id": crane, "sampled_at": "2026-03-12T10:00:00Z",
        "soak_s": 150.0, "humidity_pct": 70.0, "channels": [1000.0 + i for i in range(16)],
        "baseline": [100.0] * 16,
    }  # fmt: skip


def gate(
    sequence: int = 1, *, text: str | None = None, direction: str = "out", confidence: float = 0.95
) -> dict[str, Any]:
    return {
        "version": 1, "device_id": "CAM-K1742-G1", "sequence": sequence, "kind": "gate_read", "site": "K1742",
        "gate": "G1", "direction": direction, "read_at": "2026-03-12T14:00:00Z",
        "container_text": text or container(123456), "confidence": confidence,
    }  # fmt: skip


def intrusion(
    sequence: int = 1, *, zone: str = "custody-vault-1", at: str = "2026-03-12T02:00:00Z"
) -> dict[str, Any]:
    return {
        "version": 1, "device_id": "CAM-VAULT", "sequence": sequence, "kind": "intrusion", "site": "BEANR-CUSTOMS",
        "zone": zone, "alert_at": at, "detected": "person", "confidence": 0.9,
    }  # fmt: skip


def body(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload).encode()
