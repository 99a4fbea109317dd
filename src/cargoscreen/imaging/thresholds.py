"""Alarm thresholds per declared cargo class, set at a chosen false-alarm rate on clean validation scans.

The threshold of a class is the (1 - rate) quantile of the scores of clean scans of that class, so about
``rate`` of clean containers of that class alarm. A class with too few clean validation scans to estimate
that quantile (fewer than ``min_scans``) takes the pooled threshold over all classes, or the larger of the
two when ``conservative``: a quantile from 30 scans at 1 % is only the maximum, and the pooled one is steadier.

A scan's ``margin`` is how far its score lies above (positive) or below its class's threshold, in logits: the
alarm rule is ``margin >= 0`` for every class, so ranking scans by margin, and moving one common cut along
it, is the operating curve of that rule. Ranking by the raw score instead would judge a frozen-fish scan
(threshold 0.58) and a machinery scan (0.998) against one cut that suits neither.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cargoscreen.domain.scans import CargoClass

#: Clean validation scans a class needs for its own quantile (about 1 / rate x 0.5 at 1 %).
MIN_SCANS = 50
#: Scores and thresholds are held this far inside (0, 1) before taking logits (float32 sigmoids reach 1).
LOGIT_EPS = 1e-6


def _logit(p: float) -> float:
    q = min(max(float(p), LOGIT_EPS), 1.0 - LOGIT_EPS)
    return math.log(q / (1.0 - q))


def margin(score: float, threshold: float) -> float:
    """logit(score) - logit(threshold): at or above 0 exactly when the score alarms at that threshold."""
    if score >= threshold:
        return max(_logit(score) - _logit(threshold), 0.0)
    return min(_logit(score) - _logit(threshold), -1e-9)


def quantile_threshold(scores: Sequence[float], rate: float) -> float:
    """Smallest threshold at which at most ``rate`` of ``scores`` are at or above it."""
    if not scores:
        return 1.0
    ordered = np.sort(np.asarray(scores, dtype=np.float64))[::-1]
    allowed = int(np.floor(rate * len(ordered)))
    if allowed >= len(ordered):
        return float(ordered[-1])
    # Alarm is score >= threshold: sit just above the (allowed + 1)-th largest clean score.
    return float(np.nextafter(ordered[allowed], np.inf))


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Alarm threshold per cargo class, the pooled fallback, and how each was set."""

    rate: float
    default: float
    by_class: Mapping[CargoClass, float] = field(default_factory=dict)
    counts: Mapping[CargoClass, int] = field(default_factory=dict)

    def for_class(self, cargo: CargoClass | None) -> float:
        """The threshold of a declared class (the pooled one when undeclared or unknown)."""
        if cargo is None:
            return self.default
        return self.by_class.get(cargo, self.default)

    def to_json(self) -> dict[str, Any]:
        return {
            "false_alarm_rate": self.rate,
            "default": self.default,
            "by_class": {c.value: t for c, t in self.by_class.items()},
            "clean_validation_scans": {c.value: n for c, n in self.counts.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Thresholds:
        return cls(
            rate=float(data["false_alarm_rate"]),
            default=float(data["default"]),
            by_class={CargoClass(k): float(v) for k, v in data.get("by_class", {}).items()},
            counts={CargoClass(k): int(v) for k, v in data.get("clean_validation_scans", {}).items()},
        )


def fit_thresholds(
    scores: Sequence[float],
    classes: Sequence[CargoClass],
    *,
    rate: float,
    min_scans: int = MIN_SCANS,
    conservative: bool = True,
) -> Thresholds:
    """Thresholds at false-alarm ``rate`` from the scores of clean validation scans and their classes."""
    if len(scores) != len(classes):
        raise ValueError(f"{len(scores)} scores for {len(classes)} classes")
    if not 0.0 < rate < 1.0:
        raise ValueError(f"false-alarm rate {rate} outside (0, 1)")
    pooled = quantile_threshold(scores, rate)
    by_class: dict[CargoClass, float] = {}
    counts: dict[CargoClass, int] = {}
    for cargo in CargoClass:
        own = [s for s, c in zip(scores, classes, strict=True) if c is cargo]
        counts[cargo] = len(own)
        if len(own) >= min_scans:
            by_class[cargo] = quantile_threshold(own, rate)
        elif own and conservative:
            by_class[cargo] = max(pooled, quantile_threshold(own, rate))
        else:
            by_class[cargo] = pooled
    return Thresholds(rate=rate, default=pooled, by_class=by_class, counts=counts)
