"""Drawing realistic scan specs, and mapping the port simulator's words to the X-ray simulator's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

import numpy as np

from cargoscreen.domain.scans import CargoClass, ConcealmentKind, ContainerKind, DoorEnd
from cargoscreen.simulate.xray.spec import ScanSpec

T = TypeVar("T")

#: How common each cargo class is among scanned containers (a port that targets perishables).
CARGO_WEIGHTS: Mapping[CargoClass, float] = {
    CargoClass.BANANAS: 0.14,
    CargoClass.PINEAPPLES: 0.07,
    CargoClass.COFFEE: 0.08,
    CargoClass.COCOA: 0.06,
    CargoClass.FROZEN_FISH: 0.08,
    CargoClass.TIMBER: 0.07,
    CargoClass.SUGAR: 0.07,
    CargoClass.MIXED_CARTONS: 0.20,
    CargoClass.MACHINERY: 0.10,
    CargoClass.EMPTY: 0.13,
}

_K = ContainerKind
#: Body type given the cargo: perishables travel in reefers, heavy bags in 20 ft boxes, logs in 40 ft.
KIND_WEIGHTS: Mapping[CargoClass, Mapping[ContainerKind, float]] = {
    CargoClass.BANANAS: {_K.REEFER_40: 0.85, _K.REEFER_20: 0.12, _K.HIGH_CUBE_40: 0.03},
    CargoClass.PINEAPPLES: {_K.REEFER_40: 0.8, _K.REEFER_20: 0.17, _K.HIGH_CUBE_40: 0.03},
    CargoClass.FROZEN_FISH: {_K.REEFER_40: 0.7, _K.REEFER_20: 0.3},
    CargoClass.COFFEE: {_K.DRY_20: 0.8, _K.DRY_40: 0.15, _K.HIGH_CUBE_40: 0.05},
    CargoClass.COCOA: {_K.DRY_20: 0.75, _K.DRY_40: 0.2, _K.HIGH_CUBE_40: 0.05},
    CargoClass.SUGAR: {_K.DRY_20: 0.75, _K.DRY_40: 0.25},
    CargoClass.TIMBER: {_K.DRY_40: 0.5, _K.HIGH_CUBE_40: 0.3, _K.DRY_20: 0.2},
    CargoClass.MIXED_CARTONS: {_K.HIGH_CUBE_40: 0.45, _K.DRY_40: 0.3, _K.DRY_20: 0.2, _K.REEFER_40: 0.05},
    CargoClass.MACHINERY: {_K.DRY_40: 0.35, _K.HIGH_CUBE_40: 0.25, _K.DRY_20: 0.4},
    CargoClass.EMPTY: {
        _K.DRY_20: 0.25,
        _K.DRY_40: 0.2,
        _K.HIGH_CUBE_40: 0.25,
        _K.REEFER_40: 0.2,
        _K.REEFER_20: 0.1,
    },
}

CONCEALMENT_WEIGHTS: Mapping[ConcealmentKind, float] = {
    ConcealmentKind.BRICKS_IN_CARGO: 0.30,
    ConcealmentKind.DOOR_BAGS: 0.25,
    ConcealmentKind.FLOOR_CAVITY: 0.08,
    ConcealmentKind.ROOF_CAVITY: 0.06,
    ConcealmentKind.FALSE_FRONT_WALL: 0.07,
    ConcealmentKind.REEFER_UNIT: 0.10,
    ConcealmentKind.HOLLOW_LOGS: 0.12,
    ConcealmentKind.IMPREGNATED: 0.05,
}

#: The kilogram buckets a benchmark reports (< 2, 2-10, > 10 kg); drawn with equal probability.
MASS_BUCKETS: tuple[tuple[float, float], ...] = ((0.5, 2.0), (2.0, 10.0), (10.0, 300.0))


def _pick(rng: np.random.Generator, weights: Mapping[T, float], allowed: Sequence[T]) -> T:
    options = [k for k in allowed if weights.get(k, 0.0) > 0]
    if not options:
        options = list(allowed)
        p = np.full(len(options), 1.0 / len(options))
    else:
        p = np.array([weights[k] for k in options])
        p = p / p.sum()
    return options[int(rng.choice(len(options), p=p))]


def compatible(kind: ContainerKind, cargo: CargoClass, concealment: ConcealmentKind) -> bool:
    """Whether a concealment method can occur in this container and cargo."""
    if concealment is ConcealmentKind.REEFER_UNIT:
        return kind.reefer
    if concealment is ConcealmentKind.HOLLOW_LOGS:
        return cargo is CargoClass.TIMBER
    if concealment is ConcealmentKind.BRICKS_IN_CARGO:
        return cargo is not CargoClass.EMPTY
    return True


def fit_concealment(kind: ContainerKind, cargo: CargoClass, concealment: ConcealmentKind) -> ConcealmentKind:
    """The nearest method the simulator can draw here (e.g. hollow goods in fruit become bricks)."""
    if compatible(kind, cargo, concealment):
        return concealment
    if concealment is ConcealmentKind.REEFER_UNIT:
        return ConcealmentKind.FALSE_FRONT_WALL
    if cargo is CargoClass.EMPTY:
        return ConcealmentKind.FLOOR_CAVITY
    return ConcealmentKind.BRICKS_IN_CARGO


def draw_kg(rng: np.random.Generator, bucket_weights: Sequence[float] | None = None) -> float:
    """A mass from one of the three buckets, log-uniform inside it.

    The buckets are equally likely unless ``bucket_weights`` (one per bucket) says otherwise; training may
    draw more of the bucket that misses its target. Without it the draw is the one tests have always seen.
    """
    if bucket_weights is None:
        bucket = int(rng.integers(len(MASS_BUCKETS)))
    else:
        if len(bucket_weights) != len(MASS_BUCKETS) or min(bucket_weights) < 0 or sum(bucket_weights) <= 0:
            raise ValueError(f"bucket_weights {tuple(bucket_weights)}: need {len(MASS_BUCKETS)} weights >= 0")
        p = np.asarray(bucket_weights, dtype=float)
        bucket = int(rng.choice(len(MASS_BUCKETS), p=p / p.sum()))
    lo, hi = MASS_BUCKETS[bucket]
    return round(float(np.exp(rng.uniform(np.log(lo), np.log(hi)))), 3)


def random_spec(
    rng: np.random.Generator,
    *,
    concealment_share: float = 0.5,
    kinds: Sequence[ContainerKind] = tuple(ContainerKind),
    cargos: Sequence[CargoClass] = tuple(CargoClass),
    pixel_mm: float = 5.0,
    concealment_weights: Mapping[ConcealmentKind, float] = CONCEALMENT_WEIGHTS,
    mass_weights: Sequence[float] | None = None,
) -> ScanSpec:
    """A realistic spec: cargo by frequency, a body that suits it, a fill, maybe a concealment.

    ``concealment_weights`` says how often each method is drawn and ``mass_weights`` how often each of
    ``MASS_BUCKETS`` (training may over-sample the hard ones; see ``draw_kg``).
    """
    if not 0.0 <= concealment_share <= 1.0:
        raise ValueError(f"concealment_share {concealment_share} outside 0-1")
    if not kinds or not cargos:
        raise ValueError("random_spec needs at least one kind and one cargo class")
    cargo = _pick(rng, CARGO_WEIGHTS, list(cargos))
    kind = _pick(rng, KIND_WEIGHTS[cargo], list(kinds))
    fill = 0.0 if cargo is CargoClass.EMPTY else round(float(np.clip(rng.beta(5.0, 1.6), 0.25, 1.0)), 3)
    door_end = DoorEnd.RIGHT if rng.random() < 0.5 else DoorEnd.LEFT
    concealment: ConcealmentKind | None = None
    kg = 0.0
    if rng.random() < concealment_share:
        allowed = [c for c in ConcealmentKind if compatible(kind, cargo, c)]
        concealment = _pick(rng, concealment_weights, allowed)
        kg = draw_kg(rng, mass_weights)
    return ScanSpec(kind, cargo, fill, concealment, kg, pixel_mm=pixel_mm, door_end=door_end)


def cargo_class_for(hs_code: str) -> CargoClass:
    """The cargo class a declared HS code should look like (``CargoClass.from_hs``)."""
    return CargoClass.from_hs(hs_code)


_METHODS: Mapping[str, ConcealmentKind] = {
    "rip_on_rip_off": ConcealmentKind.DOOR_BAGS,
    "bricks_in_cargo": ConcealmentKind.BRICKS_IN_CARGO,
    "reefer_unit": ConcealmentKind.REEFER_UNIT,
    "hollow_goods": ConcealmentKind.HOLLOW_LOGS,
    "impregnated": ConcealmentKind.IMPREGNATED,
}
_CAVITIES: Mapping[str, ConcealmentKind] = {
    "floor": ConcealmentKind.FLOOR_CAVITY,
    "roof": ConcealmentKind.ROOF_CAVITY,
    "front_wall": ConcealmentKind.FALSE_FRONT_WALL,
    "reefer_unit": ConcealmentKind.REEFER_UNIT,
}


def concealment_for(method: str, location: str) -> ConcealmentKind:
    """Map the port simulator's SmugglingMethod and Location values to a ConcealmentKind.

    ``structure_cavity`` goes by location (floor, roof, front wall; others become a floor cavity).
    ``hollow_goods`` maps to HOLLOW_LOGS: pass the result through ``fit_concealment`` when the cargo is
    not timber.
    """
    key = str(method).strip().lower()
    if key == "structure_cavity":
        return _CAVITIES.get(str(location).strip().lower(), ConcealmentKind.FLOOR_CAVITY)
    if key not in _METHODS:
        raise ValueError(
            f"unknown smuggling method {method!r}; expected one of {sorted([*_METHODS, 'structure_cavity'])}"
        )
    return _METHODS[key]
