"""Pre-departure versus arrival scan of one container: register, subtract, weigh what was added or removed.

Both scans are already on the common ``WORK_MM`` grid, cropped to the container with the doors on the right
(``preprocess.prepare``), which removes differences of pixel size, scanner field of view and door side.
What remains of the misalignment is found by phase correlation (whole working pixels) refined by a few
Lucas-Kanade steps (sub-pixel), and undone by linear interpolation; a robust gain corrects the two
scanners' calibration.
The difference dP = P_arrival - P_pre is then compared with its noise; because a residual misregistration
leaves a dipole at every strong edge, a pixel counts as changed only when |dP| exceeds ``k`` times the
robust noise (plus a small floor) even against the largest of its neighbours in the other scan. Connected changed regions become boxes; their mass is

    m = sum(dP) x pixel area / (mu / rho),

with mu / rho the mass attenuation of organic matter at the high energy (about 0.027 cm2/g at 6 MV from
NIST XCOM; training calibrates an effective value against simulated pairs, since a polychromatic beam
attenuates more than its end-point energy suggests).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from cargoscreen.domain.scans import Scan
from cargoscreen.imaging.detection import WorkBox
from cargoscreen.imaging.preprocess import (
    WORK_MM,
    FloatArray,
    Prepared,
    oriented,
    prepare,
    resample_window,
    whole_origin_mm,
)

#: NIST XCOM mass attenuation of organic matter (cocaine, fruit, wood) at 6 MeV, cm2/g.
ORGANIC_MU_RHO_6MV = 0.027
#: Changed regions this thin (working pixels) and four times as long are structure edges, not bags.
LINE_PX = 3
#: Area of one working pixel, cm2.
PIXEL_CM2 = (WORK_MM / 10.0) ** 2


@dataclass(frozen=True, slots=True)
class ChangeConfig:
    """How a difference becomes a change: noise multiple, edge allowance, region size, kg thresholds."""

    mass_attenuation_cm2_g: float = ORGANIC_MU_RHO_6MV
    k_sigma: float = 4.0
    floor_p: float = 0.08
    blur_px: float = 1.5
    saturated_p: float = 9.0
    min_pixels: int = 4
    min_region_kg: float = 0.5
    edge_share: float = 0.5
    end_px: int = 4
    kg_threshold: float = 2.0
    max_shift_px: int = 25


@dataclass(frozen=True, slots=True)
class ChangeResult:
    """Mass added and removed (kg), the regions (working grid, arrival frame), the shift and a score."""

    added_kg: float
    removed_kg: float
    added: tuple[WorkBox, ...]
    removed: tuple[WorkBox, ...]
    shift_px: tuple[float, float]
    gain: float
    score: float
    changed: bool


def _common(a: FloatArray, b: FloatArray) -> tuple[FloatArray, FloatArray]:
    rows, cols = max(a.shape[0], b.shape[0]), max(a.shape[1], b.shape[1])
    out_a = np.zeros((rows, cols), dtype=np.float32)
    out_b = np.zeros((rows, cols), dtype=np.float32)
    out_a[: a.shape[0], : a.shape[1]] = a
    out_b[: b.shape[0], : b.shape[1]] = b
    return out_a, out_b


def _refine(
    reference: FloatArray, moving: FloatArray, shift: tuple[float, float], steps: int
) -> tuple[float, float]:
    """Gauss-Newton (Lucas-Kanade) steps on the sum of squared differences, from an integer shift."""
    dy, dx = shift
    for _ in range(steps):
        moved = ndimage.shift(moving, (dy, dx), order=1, mode="nearest")
        gy, gx = np.gradient(moved)
        error = reference - moved
        hessian = np.array([[np.sum(gy * gy), np.sum(gy * gx)], [np.sum(gx * gy), np.sum(gx * gx)]])
        if abs(float(np.linalg.det(hessian))) < 1e-9:
            break
        step = np.linalg.solve(hessian, np.array([np.sum(gy * error), np.sum(gx * error)]))
        step = np.clip(step, -1.0, 1.0)
        dy, dx = dy - float(step[0]), dx - float(step[1])
        if max(abs(step[0]), abs(step[1])) < 0.01:
            break
    return dy, dx


def register(
    reference: FloatArray, moving: FloatArray, max_shift: int = 25, steps: int = 6
) -> tuple[float, float]:
    """(rows, columns) by which to shift ``moving`` onto ``reference``: phase correlation, then sub-pixel."""
    ref, mov = _common(reference, moving)
    window = np.outer(np.hanning(ref.shape[0]), np.hanning(ref.shape[1])).astype(np.float32)
    fa = np.fft.rfft2((ref - ref.mean()) * window)
    fb = np.fft.rfft2((mov - mov.mean()) * window)
    cross = fa * np.conj(fb)
    corr = np.fft.irfft2(cross / np.maximum(np.abs(cross), 1e-9), s=ref.shape)
    rows, cols = ref.shape
    dr = np.fft.fftfreq(rows, 1.0 / rows)
    dc = np.fft.fftfreq(cols, 1.0 / cols)
    allowed = (np.abs(dr)[:, None] <= max_shift) & (np.abs(dc)[None, :] <= max_shift)
    r, c = np.unravel_index(int(np.argmax(np.where(allowed, corr, -np.inf))), corr.shape)
    dy, dx = _refine(ref, mov, (float(dr[r]), float(dc[c])), steps)
    if abs(dy - dr[r]) > 1.5 or abs(dx - dc[c]) > 1.5:  # refinement wandered off: keep the integer peak
        return float(dr[r]), float(dc[c])
    return dy, dx


def _regions(
    core: np.ndarray, support: np.ndarray, kg: FloatArray, min_pixels: int, min_kg: float
) -> tuple[list[WorkBox], float]:
    """Regions around ``core`` pixels (grown by two, which joins parts split by a gap in the cargo) with at
    least ``min_pixels`` core pixels; each weighs the kg of its ``support`` pixels (a lower threshold, so a
    bag's thinning rim counts but the faint large-area drift between two scanners does not)."""
    labels, _ = ndimage.label(ndimage.binary_dilation(core, iterations=2))
    found: list[WorkBox] = []
    total = 0.0
    for k, region in enumerate(ndimage.find_objects(labels), start=1):
        if region is None:
            continue
        inside = labels[region] == k
        pixels = int((core[region] & inside).sum())
        mass = float(kg[region][inside & support[region]].sum())
        where = np.argwhere(core[region] & inside)
        (r0, c0), (r1, c1) = where.min(axis=0), where.max(axis=0) + 1
        tall, wide = int(r1 - r0), int(c1 - c0)
        line = min(tall, wide) <= LINE_PX and max(tall, wide) >= 4 * min(tall, wide)
        if pixels < min_pixels or mass < min_kg or line:  # a wall, post or cross-member edge, not a bag
            continue
        total += mass
        rows, cols = region
        top, left = int(rows.start), int(cols.start)
        found.append(WorkBox(top + int(r0), top + int(r1), left + int(c0), left + int(c1), mass, pixels))
    found.sort(key=lambda b: -b.score)
    return found, total


def noise_by_level(delta: FloatArray, level: FloatArray, width: float = 1.0) -> FloatArray:
    """Robust spread of ``delta`` per band of attenuation ``level`` (photon noise grows as exp(P / 2), so
    the dense end walls and frames are far noisier than cargo), as a map the shape of ``delta``."""
    bands = np.minimum((level / width).astype(np.int64), 15)
    overall = 1.4826 * float(np.median(np.abs(delta - np.median(delta)))) + 1e-4
    spread = np.full(16, overall, dtype=np.float64)
    for band in range(16):
        values = delta[bands == band]
        if values.size >= 50:
            spread[band] = max(overall, 1.4826 * float(np.median(np.abs(values - np.median(values)))))
    out: FloatArray = spread[bands].astype(np.float32)
    return out


def compare(pre: Scan, arrival: Prepared, config: ChangeConfig | None = None) -> ChangeResult:
    """What changed between a pre-departure scan and a (prepared) arrival scan of the same container.

    Whole images (air margins included) are registered, so a container cropped a pixel differently in the
    two scans still lines up. The pre-departure scan is then resampled afresh from its own pixels onto the
    arrival's grid at the found sub-pixel offset, so both carry the same area-averaging blur and no
    interpolation blur. Change is looked for inside the arrival's container only, and regions are reported
    in the arrival's container frame (that of ``arrival.p_high``).
    """
    cfg = config or ChangeConfig()
    arr, ref = _common(arrival.whole_high, prepare(pre).whole_high)
    dy, dx = register(arr, ref, cfg.max_shift_px)
    oy, ox = whole_origin_mm(pre)
    moved = resample_window(
        oriented(pre), pre.meta.pixel_spacing_mm, (oy - dy * WORK_MM, ox - dx * WORK_MM), arr.shape
    )
    r0, r1, c0, c1 = arrival.crop_in_whole
    arr, moved = arr[r0:r1, c0:c1], moved[r0:r1, c0:c1]
    solid = (arr > 0.3) & (moved > 0.3)
    gain = float(np.median(arr[solid] / moved[solid])) if solid.sum() > 100 else 1.0
    gain = float(np.clip(gain, 0.8, 1.25))
    # Residual misregistration leaves dipoles (a positive and a negative lobe) at every edge; smoothing
    # cancels them while a bag (tens of pixels) survives. Candidates are where the smoothed difference
    # stands out from its own robust spread; each is then weighed on the raw difference over the region
    # grown a little, where what is left of a dipole integrates to about nothing.
    moved = gain * moved
    delta = arr - moved
    smooth = ndimage.gaussian_filter(delta, cfg.blur_px)
    # Thin dense parts (end walls, posts, cross-members) rasterise a little differently at each scanner's
    # pixel phase, and P is not linear in mass there: an allowance grows with the local gradient, and the
    # end walls themselves are left out (a rip-on bag lies behind the doors, not in them).
    level = np.maximum(arr, moved)
    slope = np.hypot(*np.gradient(ndimage.gaussian_filter(level, 1.0)))
    limit = cfg.k_sigma * noise_by_level(smooth, level) + cfg.floor_p + cfg.edge_share * slope
    ends = np.zeros(arr.shape, dtype=bool)
    ends[:, : cfg.end_px] = True
    ends[:, arr.shape[1] - cfg.end_px :] = True
    saturated = ndimage.binary_dilation(np.maximum(arr, moved) > cfg.saturated_p, iterations=1)
    gained = np.where(saturated | ends, 0.0, smooth)
    lost = np.where(saturated | ends, 0.0, -smooth)
    per_kg = 1000.0 * cfg.mass_attenuation_cm2_g / PIXEL_CM2
    kg = delta / per_kg
    # cores avoid the ends and saturated pixels; the mass is weighed over all of a region that stands out
    added, added_kg = _regions(gained > limit, smooth > limit / 2, kg, cfg.min_pixels, cfg.min_region_kg)
    removed, removed_kg = _regions(lost > limit, -smooth > limit / 2, -kg, cfg.min_pixels, cfg.min_region_kg)
    score = added_kg / (added_kg + cfg.kg_threshold) if added_kg > 0 else 0.0
    return ChangeResult(
        added_kg=added_kg,
        removed_kg=removed_kg,
        added=tuple(added),
        removed=tuple(removed),
        shift_px=(dy, dx),
        gain=gain,
        score=float(score),
        changed=added_kg >= cfg.kg_threshold,
    )
