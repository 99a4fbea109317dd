"""Declared versus seen: how well the image fits the declared cargo class.

The scan network's class head gives P(class | image) over ``CLASS_ORDER`` (learned per class from simulated
scans). Consistency is P(declared class): near 1 when the image looks like what the manifest says, near 0
when it looks like something else (bananas declared, machinery seen). The seen class is the most probable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cargoscreen.domain.scans import CargoClass

#: Order of the class head's outputs; the manifest records it and loading checks it.
CLASS_ORDER: tuple[CargoClass, ...] = tuple(CargoClass)


def class_index(cargo: CargoClass) -> int:
    """Position of a cargo class in the class head."""
    return CLASS_ORDER.index(cargo)


@dataclass(frozen=True, slots=True)
class Consistency:
    """P(declared class), the most probable class and its probability."""

    consistency: float | None
    seen_class: CargoClass
    seen_probability: float


def check_order(names: Sequence[str]) -> None:
    """Refuse class-head outputs whose order differs from the code's ``CLASS_ORDER``."""
    if tuple(names) != tuple(c.value for c in CLASS_ORDER):
        raise ValueError(f"class head order {list(names)} differs from {[c.value for c in CLASS_ORDER]}")


def consistency(probabilities: npt.NDArray[np.floating], declared: CargoClass | None) -> Consistency:
    """Consistency of a declared class with the class probabilities of one scan."""
    probs = np.asarray(probabilities, dtype=np.float64)
    if probs.shape != (len(CLASS_ORDER),):
        raise ValueError(f"expected {len(CLASS_ORDER)} class probabilities, got shape {probs.shape}")
    seen = int(np.argmax(probs))
    fit = None if declared is None else float(np.clip(probs[class_index(declared)], 0.0, 1.0))
    return Consistency(consistency=fit, seen_class=CLASS_ORDER[seen], seen_probability=float(probs[seen]))
