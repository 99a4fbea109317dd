"""Two sets of image models on the same scans: which finds more at the same false-alarm rate, and is it luck.

Benches of one model on two test sets disagree by several points (a bucket holds about a hundred scans, and
the 1 % threshold rests on the few highest clean scores), so comparing two models by their own benches
cannot tell a gain from the luck of a set. Scored on the same scans, each model at the threshold that
``rate`` of the clean scans reach under it, most concealments are found by both or by neither; only the
scans one model finds and the other misses say which is better. McNemar's exact test asks how likely
that split would be if neither were better: the chance of at least as lopsided a split of the discordant
scans between the two as a fair coin would give (two-sided binomial test, ``p_value``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scipy.stats import binomtest

from cargoscreen.domain.scans import CargoClass, ConcealmentKind
from cargoscreen.imaging.evaluation import MASS_BUCKETS, NOT_XRAY, mass_bucket, roc_auc, wilson_interval
from cargoscreen.imaging.thresholds import quantile_threshold


@dataclass(frozen=True, slots=True)
class PairedScore:
    """One test scan scored by both models: its concealment (None when clean), kilograms and two scores."""

    concealment: ConcealmentKind | None
    kg: float
    score_a: float
    score_b: float
    #: the declared cargo class, for the breakdown by cargo (None when unknown)
    cargo: CargoClass | None = None


def mcnemar_p(only_a: int, only_b: int) -> float | None:
    """Two-sided exact McNemar p-value of a discordant split; None when no scan is discordant."""
    if only_a < 0 or only_b < 0:
        raise ValueError(f"discordant counts must not be negative: {only_a}, {only_b}")
    if only_a + only_b == 0:
        return None
    return round(float(binomtest(only_b, only_a + only_b, 0.5).pvalue), 4)


def _group(hits: Sequence[tuple[bool, bool]]) -> dict[str, Any]:
    n = len(hits)
    found_a = sum(a for a, _ in hits)
    found_b = sum(b for _, b in hits)
    only_a = sum(a and not b for a, b in hits)
    only_b = sum(b and not a for a, b in hits)
    interval_a, interval_b = wilson_interval(found_a, n), wilson_interval(found_b, n)
    return {
        "n": n,
        "a": round(found_a / n, 4) if n else None,
        "b": round(found_b / n, 4) if n else None,
        "a_ci95": list(interval_a) if interval_a else None,
        "b_ci95": list(interval_b) if interval_b else None,
        "only_a": only_a,
        "only_b": only_b,
        "p_value": mcnemar_p(only_a, only_b),
    }


def compare(scored: Sequence[PairedScore], rate: float = 0.01) -> dict[str, Any]:
    """Detection of models a and b on the same scans, each at its own ``rate`` threshold, paired."""
    if not 0.0 < rate < 1.0:
        raise ValueError(f"false-alarm rate must lie strictly between 0 and 1, not {rate}")
    clean = [s for s in scored if s.concealment is None]
    positives = [s for s in scored if s.concealment is not None]
    if not clean or not positives:
        raise ValueError(
            f"a comparison needs clean and concealment scans: {len(clean)} clean, {len(positives)} concealed"
        )
    threshold_a = quantile_threshold([s.score_a for s in clean], rate)
    threshold_b = quantile_threshold([s.score_b for s in clean], rate)
    by_mass: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    by_kind: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    by_kind_mass: dict[str, dict[str, list[tuple[bool, bool]]]] = defaultdict(lambda: defaultdict(list))
    by_cargo_mass: dict[str, dict[str, list[tuple[bool, bool]]]] = defaultdict(lambda: defaultdict(list))
    visible: list[tuple[bool, bool]] = []
    for s in positives:
        assert s.concealment is not None
        hit = (s.score_a >= threshold_a, s.score_b >= threshold_b)
        by_kind[s.concealment.value].append(hit)
        if s.concealment not in NOT_XRAY:
            bucket = mass_bucket(s.kg)
            by_mass[bucket].append(hit)
            by_kind_mass[s.concealment.value][bucket].append(hit)
            if s.cargo is not None:
                by_cargo_mass[s.cargo.value][bucket].append(hit)
            visible.append(hit)
    seen = [s for s in positives if s.concealment not in NOT_XRAY]
    return {
        "rate": rate,
        "clean_scans": len(clean),
        "concealment_scans": len(positives),
        "threshold": {"a": round(threshold_a, 6), "b": round(threshold_b, 6)},
        "false_alarm": {
            "a": round(sum(s.score_a >= threshold_a for s in clean) / len(clean), 4),
            "b": round(sum(s.score_b >= threshold_b for s in clean) / len(clean), 4),
        },
        "auroc_xray_visible": {
            "a": _round(roc_auc([s.score_a for s in clean], [s.score_a for s in seen])),
            "b": _round(roc_auc([s.score_b for s in clean], [s.score_b for s in seen])),
        },
        "xray_visible": _group(visible),
        "by_mass": {bucket: _group(by_mass[bucket]) for bucket in MASS_BUCKETS},
        "by_kind": {kind: _group(hits) for kind, hits in sorted(by_kind.items())},
        "by_kind_and_mass": _nested(by_kind_mass),
        "by_cargo_and_mass": _nested(by_cargo_mass),
    }


def _nested(groups: dict[str, dict[str, list[tuple[bool, bool]]]]) -> dict[str, dict[str, Any]]:
    """The paired split per group and mass bucket (buckets a group has no scan in are left out)."""
    return {
        name: {b: _group(buckets[b]) for b in MASS_BUCKETS if buckets[b]}
        for name, buckets in sorted(groups.items())
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
