"""The heat-map averaged over grid phases: the scan seen again on working grids moved by half a working pixel.

A working pixel is 20 mm, so where a small concealment falls against the grid changes how much of it each
working pixel holds: a 2 kg bag split across four pixels shows a quarter of its contrast in each. The
network's answer moves with that phase, and so does its answer on the clutter of a clean load, but not in
step. With ``grid_phases`` = 4 the runtime prepares the scan four times: as it is, and without its first
half working pixel of rows, of columns and of both (whole scan pixels, so nothing is interpolated). Each
heat-map is mapped back onto the scan's own pixels, moved back by what was dropped, and the four are
averaged; the mean is then area-averaged onto the first working grid, where the score and boxes are taken
as for one phase. ``grid_phases`` = 2 uses the first two (as is, and both moved).

It costs one network run per phase. The class probabilities (empty verification, consistency) stay those
of the first phase. Thresholds are set on scores made the same way, so ``imaging calibrate --grid-phases``
sets both together; the number is kept in the manifest (``inference.grid_phases``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from cargoscreen.domain.scans import Scan
from cargoscreen.imaging.preprocess import WORK_MM, FloatArray, Prepared

#: The phase counts a manifest may ask for.
ALLOWED = (1, 2, 4)
#: Which of (rows, columns) each phase drops half a working pixel of, in order.
_STEPS = ((False, False), (True, True), (True, False), (False, True))


def half_pixel(spacing_mm: tuple[float, float]) -> tuple[int, int]:
    """Scan pixels (rows, columns) nearest half a working pixel; at least one."""
    return (
        max(1, round(WORK_MM / 2.0 / float(spacing_mm[0]))),
        max(1, round(WORK_MM / 2.0 / float(spacing_mm[1]))),
    )


def without_first(scan: Scan, rows: int, cols: int) -> Scan:
    """The scan without its first ``rows`` rows and ``cols`` columns (same metadata)."""
    channels = {kv: np.ascontiguousarray(image[rows:, cols:]) for kv, image in scan.channels.items()}
    return Scan(meta=scan.meta, channels=channels)


def averaged_heat(
    scan: Scan,
    first: Prepared,
    first_heat: FloatArray,
    phases: int,
    heat_of: Callable[[Scan], tuple[Prepared, FloatArray]],
) -> FloatArray:
    """Mean heat-map over ``phases`` grid phases, on ``first``'s working grid (container size).

    ``first_heat`` is the network's heat-map of ``first`` (the scan as it is); ``heat_of`` prepares and runs
    the network on a moved scan.
    """
    if phases not in ALLOWED:
        raise ValueError(f"grid phases must be one of {ALLOWED}, not {phases}")
    if phases == 1:
        return first_heat
    total = first.frame.to_scan(first_heat).astype(np.float64)
    seen = np.ones(total.shape, dtype=np.float64)
    step_rows, step_cols = half_pixel(scan.meta.pixel_spacing_mm)
    for drop_rows, drop_cols in _STEPS[1:phases]:
        r, c = (step_rows if drop_rows else 0), (step_cols if drop_cols else 0)
        moved, heat = heat_of(without_first(scan, r, c))
        total[r:, c:] += moved.frame.to_scan(heat)
        seen[r:, c:] += 1.0
    # the first rows and columns are seen by fewer phases: each pixel averages those that saw it
    return first.frame.to_work((total / seen).astype(np.float32))
