"""SYNTHETIC scans built from arrays for the imaging tests (no simulator needed)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from cargoscreen.domain.scans import DoorEnd, Scan, ScanMetadata, encode_attenuation


def container_image(
    rows: int = 560, cols: int = 1240, *, margin: int = 20, cargo_p: float = 1.5, seed: int = 0
) -> np.ndarray:
    """High-energy P of a side view: air margin, walls (P 0.1), pallets of textured cargo, floor edge-on."""
    rng = np.random.default_rng(seed)
    p = np.zeros((rows, cols), dtype=np.float64)
    r0, r1, c0, c1 = margin, rows - margin, margin, cols - margin
    p[r0:r1, c0:c1] = 0.1
    p[r1 - 12 : r1, c0:c1] = 2.0
    p[r0 : r0 + 4, c0:c1] = 0.6
    for left in range(c0 + 10, c1 - 120, 130):
        p[r0 + 60 : r1 - 12, left : left + 120] += cargo_p * (1.0 + 0.05 * rng.standard_normal())
    return p + 0.004 * rng.standard_normal((rows, cols))


def scan_from(
    high: np.ndarray,
    *,
    scan_id: str = "synthetic-1",
    spacing: float = 5.0,
    door_end: DoorEnd = DoorEnd.RIGHT,
    dual: bool = True,
) -> Scan:
    energies = (6000, 4000) if dual else (6000,)
    channels = {6000: encode_attenuation(high)}
    if dual:
        channels[4000] = encode_attenuation(1.7 * high)
    meta = ScanMetadata(
        scan_id=scan_id,
        scanned_at=datetime(2025, 3, 1, 12, tzinfo=UTC),
        door_end=door_end,
        pixel_spacing_mm=(spacing, spacing),
        energies_kv=energies,
        synthetic=True,
    )
    return Scan(meta=meta, channels=channels)
