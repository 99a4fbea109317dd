"""Settings of a SYNTHETIC port simulation, and the small sampling helpers the generators share.

Every figure marked *estimate* is a planning number of ours (see DOMAIN.md), not a published statistic.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Generic, TypeVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")

#: Full-scale arrivals at Antwerp: ~12 M containers a year ≈ 33 000 a day (DOMAIN.md).
FULL_SCALE_CONTAINERS_PER_DAY = 33_000

#: Smuggling rate default, an *estimate*. Antwerp seized 110–116 t of cocaine a year (2022–2023); at
#: 200–500 kg a case that is roughly 230–580 caught cases over ~330 000 containers from South America, i.e.
#: one caught case in 570–1 400 high-risk containers. Only part of what enters is caught (~10 % by some
#: estimates), so the real rate is higher still; we take 1 in 1 000 containers from high-risk origins, which
#: keeps positives as scarce as analysts see them. Raise it for training sets.
DEFAULT_SMUGGLING_RATE = 1 / 1000


class SimulationConfig(BaseModel):
    """What to simulate: a SYNTHETIC day or week of container arrivals at Antwerp (BEANR).

    The same configuration (seed included) always yields the same port.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    seed: int = Field(default=0, ge=0, description="Seed of the numpy Generator; same seed → same port")
    start_date: date = Field(default=date(2026, 3, 9), description="First simulated day (UTC)")
    days: int = Field(default=1, ge=1, le=14)
    containers_per_day: int = Field(
        default=FULL_SCALE_CONTAINERS_PER_DAY, ge=20, le=100_000, description="Discharged containers a day"
    )
    smuggling_rate: float = Field(
        default=DEFAULT_SMUGGLING_RATE,
        ge=0.0,
        le=0.2,
        description="Expected cases per laden container from a high-risk origin (estimate: 1 in 1 000)",
    )
    reefer_share: float = Field(
        default=0.09, ge=0.0, le=0.6, description="Share of laden containers that are reefers (estimate)"
    )
    empty_share: float = Field(
        default=0.12, ge=0.0, le=0.6, description="Share of arriving containers that are empty (estimate)"
    )
    transhipment_share: float = Field(
        default=0.10,
        ge=0.0,
        le=0.9,
        description="Share of consignees beyond Antwerp, whose boxes are transhipped to feeders (estimate)",
    )
    front_company_rate: float = Field(
        default=0.015,
        ge=0.0,
        le=0.5,
        description="Share of high-risk-origin shipments consigned to a front company (estimate)",
    )
    new_pair_rate: float = Field(
        default=0.04, ge=0.0, le=1.0, description="Share of shipments to a consignee outside the usual ones"
    )
    new_party_share: float = Field(
        default=0.05, ge=0.0, le=1.0, description="Share of parties first seen in the last 90 days"
    )
    benign_seal_mismatch_rate: float = Field(
        default=0.002,
        ge=0.0,
        le=0.1,
        description="Laden containers whose door seal differs from the manifest for innocent reasons",
    )

    def day_start(self, day_index: int) -> datetime:
        """Midnight UTC of the ``day_index``-th simulated day."""
        return datetime.combine(self.start_date + timedelta(days=day_index), datetime.min.time(), UTC)

    @property
    def scale(self) -> float:
        """Traffic relative to the full-scale port."""
        return self.containers_per_day / FULL_SCALE_CONTAINERS_PER_DAY


class Weighted(Generic[T]):
    """Draw items with given (non-negative, not all zero) weights; fast for repeated draws."""

    __slots__ = ("_cum", "items")

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        if len(items) != len(weights) or not items:
            raise ValueError("Weighted needs as many weights as items, and at least one item")
        cum = np.cumsum(np.asarray(weights, dtype=float))
        if cum[-1] <= 0:
            raise ValueError("Weighted needs a positive total weight")
        self.items: tuple[T, ...] = tuple(items)
        self._cum = cum / cum[-1]

    def draw(self, rng: np.random.Generator) -> T:
        """One item."""
        return self.items[int(np.searchsorted(self._cum, rng.random(), side="right"))]

    def draw_many(self, rng: np.random.Generator, count: int) -> list[T]:
        """``count`` independent items."""
        index = np.searchsorted(self._cum, rng.random(count), side="right")
        return [self.items[i] for i in index.tolist()]


def parse_weights(text: str) -> dict[str, float]:
    """``"banana:60 shrimp:14"`` → ``{"banana": 60.0, "shrimp": 14.0}`` (compact tables in the modules)."""
    pairs = (token.split(":") for token in text.split())
    return {key: float(value) for key, value in pairs}


def stream(config: SimulationConfig, *labels: int) -> np.random.Generator:
    """An independent random stream for one part of the simulation (seed, part, day, ...)."""
    return np.random.default_rng([config.seed, *labels])
