"""Seconds per simulated X-ray scan by container kind (target ~0.2 s), beside a same-size baseline.

Baseline, in the same run: one monochromatic Beer-Lambert pass (exp of a precomputed attenuation map of
the same size, two energies) — the least any transmission simulator must do per scan. Reports wall time
and process CPU time (the machine may be shared), median of the repeats, each with a new seed.
Writes bench/results/xray_speed.json.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from _common import write_result
from cargoscreen.domain.scans import CargoClass, ContainerKind
from cargoscreen.simulate.xray import ScanSpec, simulate_scan

CASES = (
    ("20 ft dry, coffee", ContainerKind.DRY_20, CargoClass.COFFEE),
    ("40 ft dry, mixed cartons", ContainerKind.DRY_40, CargoClass.MIXED_CARTONS),
    ("40 ft high cube, machinery", ContainerKind.HIGH_CUBE_40, CargoClass.MACHINERY),
    ("40 ft reefer, bananas", ContainerKind.REEFER_40, CargoClass.BANANAS),
)
REPEATS = 7


def _timed(work: object) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    work()  # type: ignore[operator]
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    rows = []
    for label, kind, cargo in CASES:
        spec = ScanSpec(kind=kind, cargo=cargo)
        simulate_scan(spec, 0)  # warm caches (attenuation table, spectra)
        runs = [_timed(lambda s=spec, n=n: simulate_scan(s, n)) for n in range(1, REPEATS + 1)]
        shape = simulate_scan(spec, 99).shape
        attenuation = np.random.default_rng(0).uniform(0.5, 6.0, size=shape).astype(np.float32)
        base = [_timed(lambda a=attenuation: [np.exp(-a * f) for f in (1.0, 1.2)]) for _ in range(REPEATS)]
        rows.append(
            {
                "case": label,
                "pixels": list(shape),
                "seconds_wall": round(statistics.median(r[0] for r in runs), 3),
                "seconds_cpu": round(statistics.median(r[1] for r in runs), 3),
                "baseline_seconds_wall": round(statistics.median(r[0] for r in base), 4),
            }
        )
        print(
            f"{label:30s} {shape[0]}x{shape[1]}  {rows[-1]['seconds_wall']:.3f} s wall  "
            f"{rows[-1]['seconds_cpu']:.3f} s cpu  (baseline {rows[-1]['baseline_seconds_wall']:.4f} s)"
        )
    path = write_result(
        "xray_speed",
        {
            "target_seconds": 0.2,
            "pixel_mm": 5.0,
            "energies_kv": [6000, 4000],
            "repeats": REPEATS,
            "cases": rows,
        },
    )
    print(f"written {path}")


if __name__ == "__main__":
    main()
