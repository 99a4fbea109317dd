"""Empty-container verification: does the image show nothing but the container's own structure?

Two signals agree on almost every scan: the class head's P(EMPTY), and the physics of the picture, the
load: an empty box shows its walls (P about 0.1 across the side walls), its floor and roof edge-on, and
nothing between; any cargo raises P over a large share of the interior. The verdict is P(EMPTY) at or above
``threshold``; when the two signals disagree strongly (the network says empty but a large share of the
interior is loaded, or the reverse) the load wins, because an empty container that is not empty is exactly
what the check exists to catch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cargoscreen.domain.scans import CargoClass
from cargoscreen.imaging.consistency import class_index
from cargoscreen.imaging.preprocess import FloatArray

#: Rows of the container image left out at the top and bottom (roof and floor seen edge-on), as a share.
EDGE_ROWS = 0.12
#: Columns left out at each end (door frame, front wall, reefer unit), as a share.
EDGE_COLS = 0.06


@dataclass(frozen=True, slots=True)
class EmptyConfig:
    """Decision threshold on P(EMPTY), the P a loaded interior pixel exceeds, and the load shares."""

    threshold: float = 0.5
    loaded_p: float = 0.4
    surely_loaded: float = 0.25
    surely_empty: float = 0.005


@dataclass(frozen=True, slots=True)
class EmptyVerdict:
    """Whether the container is empty, the probability reported, and the loaded share of the interior."""

    empty: bool
    score: float
    loaded_share: float


def loaded_share(p_high: FloatArray, loaded_p: float) -> float:
    """Share of interior working pixels (away from roof, floor and ends) whose P exceeds ``loaded_p``."""
    rows, cols = p_high.shape
    r, c = int(rows * EDGE_ROWS), int(cols * EDGE_COLS)
    interior = p_high[r : rows - r, c : cols - c]
    return float((interior > loaded_p).mean()) if interior.size else 0.0


def verify_empty(
    probabilities: npt.NDArray[np.floating], p_high: FloatArray, config: EmptyConfig | None = None
) -> EmptyVerdict:
    """The empty verdict of one scan from its class probabilities and its container image."""
    cfg = config or EmptyConfig()
    p_empty = float(np.clip(np.asarray(probabilities)[class_index(CargoClass.EMPTY)], 0.0, 1.0))
    share = loaded_share(p_high, cfg.loaded_p)
    if share >= cfg.surely_loaded:
        return EmptyVerdict(empty=False, score=min(p_empty, 0.01), loaded_share=share)
    if share <= cfg.surely_empty:
        return EmptyVerdict(empty=True, score=max(p_empty, 0.99), loaded_share=share)
    return EmptyVerdict(empty=p_empty >= cfg.threshold, score=p_empty, loaded_share=share)
