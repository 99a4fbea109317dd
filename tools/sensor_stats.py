"""Derive the e-nose simulator's statistics from the UCI gas sensor array drift data (batch 1).

Source: Vergara, A., Vembu, S., Ayhan, T., Ryan, M. A., Homer, M. L. and Huerta, R. (2012), "Chemical gas
sensor drift compensation using classifier ensembles", Sensors and Actuators B 166–167, 320–329; data set
"Gas Sensor Array Drift Dataset", UCI Machine Learning Repository, CC BY 4.0. 16 metal-oxide sensors (four
types: TGS2600, TGS2602, TGS2610, TGS2620, four of each) × 8 features; six gases at 10–1000 ppmv.

Only feature 0 of each sensor is used: the steady-state resistance change ΔR. Per gas and sensor we fit
``log ΔR = a + b log(ppmv)`` (the power-law response of metal-oxide sensors) and keep:

* ``sensitivity``: a and b per gas and sensor (the response pattern of each gas),
* ``noise``: the residual standard deviation of log ΔR per sensor and the residual correlation between
  sensors (recording-to-recording noise, shared by sensors of one recording),
* ``drift``: the slope of the residuals over the recording order (batch 1 spans about two months, the
  recordings are in time order) per sensor, per recording and per day (445 recordings / 60 days, an
  approximation we state), i.e. the sensitivity drift of each sensor.

The product never reads the UCI file: only the small JSON written here ships (package data of
``cargoscreen.simulate``). Run: ``python tools/sensor_stats.py [CSV] [OUT]``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

DEFAULT_CSV = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "samples"
    / "sensors"
    / "uci270_gas_sensor_drift_batch1.csv"
)
DEFAULT_OUT = (
    Path(__file__).resolve().parents[1]
    / "src"
    / "cargoscreen"
    / "simulate"
    / "sensor_data"
    / "uci_gas_array_stats.json"
)
SENSOR_TYPES = ["TGS2600", "TGS2602", "TGS2610", "TGS2620"] * 4
FEATURES_PER_SENSOR = 8
BATCH_DAYS = 60.0  # batch 1 = months 1 and 2 of the 36-month campaign (approximation)


def read(csv: Path) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Gas names, concentrations (ppmv) and ΔR (recordings × 16 sensors), in recording order."""
    gases, ppmv, responses = [], [], []
    for line in csv.read_text(encoding="utf-8").splitlines():
        cells = line.strip().split(",")
        if len(cells) < 2 + 16 * FEATURES_PER_SENSOR:
            continue
        gases.append(cells[0])
        ppmv.append(float(cells[1]))
        values = np.array([float(v) for v in cells[2:]], dtype=float)
        responses.append(values[0::FEATURES_PER_SENSOR])
    return gases, np.array(ppmv), np.array(responses)


def derive(gases: list[str], ppmv: np.ndarray, delta_r: np.ndarray) -> dict[str, object]:
    """The statistics described in the module text."""
    log_r = np.log(np.clip(delta_r, 1.0, None))
    order = np.arange(len(gases), dtype=float)
    residuals = np.zeros_like(log_r)
    sensitivity: dict[str, dict[str, list[float]]] = {}
    names = sorted(set(gases))
    for gas in names:
        rows = np.array([g == gas for g in gases])
        design = np.column_stack([np.ones(rows.sum()), np.log(ppmv[rows])])
        coef, *_ = np.linalg.lstsq(design, log_r[rows], rcond=None)
        residuals[rows] = log_r[rows] - design @ coef
        sensitivity[gas] = {
            "intercept": [round(float(v), 5) for v in coef[0]],
            "slope": [round(float(v), 5) for v in coef[1]],
            "ppmv_min": [float(ppmv[rows].min())],
            "ppmv_max": [float(ppmv[rows].max())],
        }
    drift = _drift(gases, order, residuals)
    per_day = drift * len(gases) / BATCH_DAYS
    noise = residuals - np.outer(order, drift)
    return {
        "source": "UCI Gas Sensor Array Drift Dataset, batch 1 (Vergara et al. 2012), CC BY 4.0",
        "derived_by": "tools/sensor_stats.py",
        "recordings": len(gases),
        "sensors": len(SENSOR_TYPES),
        "sensor_types": SENSOR_TYPES,
        "gases": {gas: int(sum(g == gas for g in gases)) for gas in names},
        "sensitivity": sensitivity,
        "noise_sd": [round(float(v), 5) for v in noise.std(axis=0, ddof=1)],
        "noise_correlation": [[round(float(v), 4) for v in row] for row in np.corrcoef(noise.T)],
        "drift_per_recording": [round(float(v), 7) for v in drift],
        "drift_per_day": [round(float(v), 6) for v in per_day],
        "batch_days": BATCH_DAYS,
    }


def _drift(gases: list[str], order: np.ndarray, residuals: np.ndarray) -> np.ndarray:
    """Pooled within-gas slope of the residuals over the recording order, per sensor."""
    top = np.zeros(residuals.shape[1])
    bottom = 0.0
    for gas in set(gases):
        rows = np.array([g == gas for g in gases])
        centred = order[rows] - order[rows].mean()
        top += centred @ (residuals[rows] - residuals[rows].mean(axis=0))
        bottom += float(centred @ centred)
    return top / bottom


def main(argv: list[str]) -> int:
    csv = Path(argv[1]) if len(argv) > 1 else DEFAULT_CSV
    out = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUT
    stats = derive(*read(csv))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(stats, indent=1) + "\n", encoding="utf-8")
    print(f"{out}: {stats['recordings']} recordings, {len(stats['sensitivity'])} gases")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
