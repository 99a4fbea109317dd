"""From a heat-map to a scan score and boxes: smoothing, hysteresis threshold, connected components.

The scan score is the largest value of the 3 x 3-averaged heat-map (one hot pixel does not alarm; a brick
covers dozens of working pixels). Boxes are the connected regions above ``low`` that hold a pixel at or
above ``high`` (hysteresis, so a box spans the whole object and not only its hottest core); each box scores
its peak. Everything here works on the working grid; ``Frame`` maps the boxes to scan pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from cargoscreen.imaging.preprocess import FloatArray

#: Boxes are kept to the strongest few: an analyst reads a handful, not a hundred.
MAX_BOXES = 8
#: A region grows down to this share of the box threshold.
HYSTERESIS = 0.5


@dataclass(frozen=True, slots=True)
class WorkBox:
    """A box on the working grid: rows [row0, row1), columns [col0, col1), peak score and area in pixels."""

    row0: int
    row1: int
    col0: int
    col1: int
    score: float
    pixels: int


def smooth(heat: FloatArray) -> FloatArray:
    """3 x 3 mean of the heat-map (edges repeat)."""
    out: FloatArray = ndimage.uniform_filter(heat.astype(np.float32), size=3, mode="nearest")
    return out


def scan_score(heat: FloatArray) -> float:
    """Concealment score of a whole scan: the peak of the smoothed heat-map, in [0, 1]."""
    if heat.size == 0:
        return 0.0
    return float(np.clip(smooth(heat).max(), 0.0, 1.0))


def boxes(
    heat: FloatArray, high: float, *, low: float | None = None, limit: int = MAX_BOXES
) -> list[WorkBox]:
    """Regions of the smoothed heat-map above ``low`` that reach ``high``, strongest first."""
    if heat.size == 0:
        return []
    level = smooth(heat)
    floor = HYSTERESIS * high if low is None else low
    labels, count = ndimage.label(level >= floor)
    if count == 0 or level.max() < high:
        return []
    found: list[WorkBox] = []
    for k, region in enumerate(ndimage.find_objects(labels), start=1):
        if region is None:
            continue
        inside = labels[region] == k
        peak = float(level[region][inside].max())
        if peak < high:
            continue
        rows, cols = region
        found.append(
            WorkBox(
                row0=int(rows.start),
                row1=int(rows.stop),
                col0=int(cols.start),
                col1=int(cols.stop),
                score=float(np.clip(peak, 0.0, 1.0)),
                pixels=int(inside.sum()),
            )
        )
    found.sort(key=lambda b: -b.score)
    return found[:limit]


def box_iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    """Intersection over union of two (x0, y0, x1, y1) boxes."""
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def centre_inside(inner: tuple[int, int, int, int], outer: tuple[int, int, int, int]) -> bool:
    """True when the centre of ``inner`` lies inside ``outer`` (both (x0, y0, x1, y1))."""
    cx, cy = (inner[0] + inner[2]) / 2.0, (inner[1] + inner[3]) / 2.0
    return outer[0] <= cx <= outer[2] and outer[1] <= cy <= outer[3]
