"""From a heat-map to a scan score and boxes: smoothing, hysteresis threshold, connected components.

The scan score is the peak of the heat-map itself. An earlier version scored the peak of the 3 x 3-averaged
map so that one hot pixel would not alarm; measured on two fresh test sets at 1 % false alarms, the plain
peak finds more 2-10 kg concealments (a few kilograms behind the doors or in a wall cover only a few
working pixels, and averaging dilutes them with their neighbours more than it dilutes the noise of clean
scans). One hot pixel alarming is held in check by the thresholds, which are set on clean scans scored
the same way (docs/imaging.md).

Boxes are the connected regions of the smoothed map above ``low``, joined by every pixel whose own value
reaches ``high`` (hysteresis, so a box spans the whole object and not only its hottest core); a region is
kept when its peak (on the plain map, as the scan score) reaches ``high``, and that peak is its score. So
every alarm has at least one box: the pixel that made the scan score lies in a kept region. Everything here
works on the working grid; ``Frame`` maps the boxes to scan pixels.
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
    """Concealment score of a whole scan: the peak of the heat-map, in [0, 1]."""
    if heat.size == 0:
        return 0.0
    return float(np.clip(np.max(heat), 0.0, 1.0))


def boxes(
    heat: FloatArray, high: float, *, low: float | None = None, limit: int = MAX_BOXES
) -> list[WorkBox]:
    """Regions of the smoothed heat-map above ``low`` whose plain peak reaches ``high``, strongest first."""
    if heat.size == 0:
        return []
    raw = heat.astype(np.float64)  # compared with ``high`` as ``scan_score`` is, so an alarm always has a box
    if raw.max() < high:
        return []
    level = smooth(heat)
    floor = HYSTERESIS * high if low is None else low
    labels, _ = ndimage.label((level >= floor) | (raw >= high), structure=np.ones((3, 3), dtype=bool))
    found: list[WorkBox] = []
    for k, region in enumerate(ndimage.find_objects(labels), start=1):
        if region is None:
            continue
        inside = labels[region] == k
        peak = float(raw[region][inside].max())
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
