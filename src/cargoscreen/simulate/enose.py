"""A SYNTHETIC metal-oxide e-nose array on a quay crane, and what a container's air holds.

The array copies the UCI gas sensor array (16 sensors, four types): its response to each gas, its noise
and its drift come from statistics derived from the UCI data by ``tools/sensor_stats.py`` (Vergara et al.
2012, CC BY 4.0; shipped as ``sensor_data/uci_gas_array_stats.json``). A sensor's steady-state response to
a mixture is the sum of its power-law responses ``exp(a + b log ppmv)`` to each gas, times its gain.

Assumptions (ours, stated because no published data cover them):

* methyl benzoate, the marker of cocaine HCl, was not in the UCI campaign; its response pattern is taken as
  an aromatic ester: 60 % toluene, 40 % acetone in log-sensitivity space;
* concentrations are *effective* ppmv on the UCI calibration scale (10–1000), not real container-air ppb;
* humidity lowers the response by 1 % per %RH above 50 %; a sample soaked ``soak_s`` seconds reaches
  ``1 - exp(-soak_s / 60)`` of steady state;
* gain drift compounds at the UCI per-day rate (recording-to-recording noise and its cross-sensor
  correlation as measured); the baseline (offset) drifts by 0.1 % a day.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float64]
MARKER = "methyl_benzoate"
_UCI_GASES = {
    "ethanol": "Ethanol",
    "ethylene": "Ethylene",
    "ammonia": "Ammonia",
    "acetaldehyde": "Acetaldehyde",
    "acetone": "Acetone",
    "toluene": "Toluene",
}


@cache
def array_stats() -> dict[str, Any]:
    """The statistics derived from the UCI data (see ``tools/sensor_stats.py``)."""
    text = (
        resources.files("cargoscreen.simulate").joinpath("sensor_data/uci_gas_array_stats.json").read_text()
    )
    stats: dict[str, Any] = json.loads(text)
    return stats


@dataclass(frozen=True)
class ArrayModel:
    """Sensitivities (intercept, slope per gas and sensor), noise and drift of the simulated array."""

    intercept: dict[str, Vector]
    slope: dict[str, Vector]
    noise_cov: npt.NDArray[np.float64]
    drift_per_day: Vector
    baseline: Vector

    @property
    def sensors(self) -> int:
        return len(self.drift_per_day)

    @classmethod
    def from_stats(cls, stats: dict[str, Any] | None = None) -> ArrayModel:
        stats = stats or array_stats()
        sens = stats["sensitivity"]
        intercept = {gas: np.array(sens[name]["intercept"]) for gas, name in _UCI_GASES.items()}
        slope = {gas: np.array(sens[name]["slope"]) for gas, name in _UCI_GASES.items()}
        intercept[MARKER] = 0.6 * intercept["toluene"] + 0.4 * intercept["acetone"]
        slope[MARKER] = 0.6 * slope["toluene"] + 0.4 * slope["acetone"]
        sd = np.array(stats["noise_sd"])
        cov = np.array(stats["noise_correlation"]) * np.outer(sd, sd)
        # the clean-air offset of each sensor: a tenth of its response to 10 ppmv ethanol
        baseline = 0.1 * np.exp(intercept["ethanol"] + slope["ethanol"] * np.log(10.0))
        return cls(intercept, slope, cov, np.array(stats["drift_per_day"]), baseline)

    def response(self, air: dict[str, float], day: float, humidity_pct: float, soak_s: float) -> Vector:
        """Noise-free steady-state response to the mixture ``air`` (gas → effective ppmv) on ``day``."""
        total = np.zeros(self.sensors)
        for gas, ppmv in air.items():
            if ppmv > 0:
                total += np.exp(self.intercept[gas] + self.slope[gas] * np.log(ppmv))
        gain = np.exp(self.drift_per_day * day)
        humidity = max(0.3, 1.0 - 0.01 * (humidity_pct - 50.0))
        soak = 1.0 - np.exp(-soak_s / 60.0)
        response: Vector = total * gain * humidity * soak
        return response

    def reading(
        self, air: dict[str, float], day: float, humidity_pct: float, soak_s: float, rng: np.random.Generator
    ) -> tuple[list[float], list[float]]:
        """One sample: the array's channels for the container's air and its clean-air baseline reading."""
        noise = np.exp(rng.multivariate_normal(np.zeros(self.sensors), self.noise_cov, method="cholesky"))
        offset = self.baseline * (1.0 + 0.001 * day)
        baseline = offset * np.exp(rng.normal(0.0, 0.02, self.sensors))
        channels = self.response(air, day, humidity_pct, soak_s) * noise + offset * np.exp(
            rng.normal(0.0, 0.02, self.sensors)
        )
        return [round(float(v), 3) for v in channels], [round(float(v), 3) for v in baseline]


#: Goods the e-nose can be confused by: HS chapter 06 (live plants, cut flowers), 08 (fruit).
GOODS_BY_CHAPTER = {"06": "flowers", "08": "fruit"}


def container_air(goods: str, cocaine: bool, rng: np.random.Generator) -> dict[str, float]:
    """Effective concentrations in a container's air (SYNTHETIC; see the module's assumptions)."""
    air = {
        "ethanol": float(rng.lognormal(np.log(12.0), 0.6)),
        "acetone": float(rng.lognormal(np.log(4.0), 0.7)),
        "toluene": float(rng.lognormal(np.log(20.0), 0.5)) if rng.random() < 0.05 else 0.0,
        "ammonia": float(rng.lognormal(np.log(15.0), 0.5)) if rng.random() < 0.05 else 0.0,
        MARKER: 0.0,
    }
    if goods == "fruit":
        air["ethylene"] = float(rng.lognormal(np.log(60.0), 0.7))
        air["acetaldehyde"] = float(rng.lognormal(np.log(15.0), 0.7))
        air["ethanol"] += float(rng.lognormal(np.log(30.0), 0.6))
        if rng.random() < 0.3:  # some fruit give off methyl benzoate too
            air[MARKER] += float(rng.lognormal(np.log(6.0), 0.6))
    elif goods == "flowers":
        air[MARKER] += float(rng.lognormal(np.log(20.0), 0.6))
        air["ethanol"] += float(rng.lognormal(np.log(25.0), 0.6))
        air["ethylene"] = float(rng.lognormal(np.log(10.0), 0.6))
    if cocaine:
        air[MARKER] += float(rng.lognormal(np.log(25.0), 0.8))
    return air


def training_samples(
    count: int, *, seed: int, positive_share: float = 0.3, day: float = 0.0, day_spread: float = 0.0
) -> tuple[list[dict[str, Any]], npt.NDArray[np.int_]]:
    """SYNTHETIC labelled samples (payload fields + ``goods``) for training and testing the classifier.

    Samples are taken ``day`` to ``day + day_spread`` days after the array was installed (drift grows).
    """
    rng = np.random.default_rng(seed)
    model = ArrayModel.from_stats()
    samples, labels = [], []
    for _ in range(count):
        goods = str(rng.choice(["other", "fruit", "flowers"], p=[0.6, 0.3, 0.1]))
        cocaine = bool(rng.random() < positive_share)
        humidity = float(rng.uniform(40, 95))
        soak = float(rng.uniform(60, 180))
        at = day + float(rng.uniform(0, day_spread))
        channels, baseline = model.reading(container_air(goods, cocaine, rng), at, humidity, soak, rng)
        samples.append(
            {
                "channels": channels,
                "baseline": baseline,
                "humidity_pct": humidity,
                "soak_s": soak,
                "goods": goods,
            }
        )
        labels.append(int(cocaine))
    return samples, np.array(labels)
