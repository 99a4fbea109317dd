"""Pre-departure versus arrival scan of one container: register, subtract, weigh what was added or removed.

Both scans are already on the common ``WORK_MM`` grid, cropped to the container with the doors on the right
(``preprocess.prepare``), which removes differences of pixel size, scanner field of view and door side.
What remains of the misalignment is found by phase correlation (whole working pixels, then a parabolic
sub-pixel step) and undone by linear interpolation; a robust gain corrects the two scanners' calibration.
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

from cargoscreen.imaging.detection import WorkBox
from cargoscreen.imaging.preprocess import WORK_MM, FloatArray, Prepared

#: NIST XCOM mass attenuation of organic matter (cocaine, fruit, wood) at 6 MeV, cm2/g.
ORGANIC_MU_RHO_6MV = 0.027
#: Area of one working pixel, cm2.
PIXEL_CM2 = (WORK_MM / 10.0) ** 2


@dataclass(frozen=True, slots=True)
class ChangeConfig:
    """How a difference becomes a change: noise multiple, edge allowance, region size, kg thresholds."""

    mass_attenuation_cm2_g: float = ORGANIC_MU_RHO_6MV
    k_sigma: float = 4.0
    floor_p: float = 0.02
    min_pixels: int = 4
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


def _peak_offset(values: np.ndarray, i: int) -> float:
    left, mid, right = values[i - 1], values[i], values[(i + 1) % len(values)]
    denom = left - 2.0 * mid + right
    return float(np.clip(0.5 * (left - right) / denom, -0.5, 0.5)) if denom < 0 else 0.0


def register(reference: FloatArray, moving: FloatArray, max_shift: int = 25) -> tuple[float, float]:
    """(rows, columns) by which to shift ``moving`` to lie on ``reference`` (phase correlation, sub-pixel)."""
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
    corr = np.where(allowed, corr, -np.inf)
    r, c = np.unravel_index(int(np.argmax(corr)), corr.shape)
    finite = np.where(np.isfinite(corr), corr, 0.0)
    sub_r = _peak_offset(finite[:, c], int(r)) if rows > 2 else 0.0
    sub_c = _peak_offset(finite[r, :], int(c)) if cols > 2 else 0.0
    return float(dr[r] + sub_r), float(dc[c] + sub_c)


def _regions(
    mask: np.ndarray, delta: FloatArray, min_pixels: int, sign: float
) -> tuple[list[WorkBox], float]:
    """Regions of ``mask`` grown by two pixels (which joins parts split by a gap in the cargo and takes in
    the rim the tolerant test left out) with at least ``min_pixels`` changed; each weighs sign x sum(delta)."""
    grown = ndimage.binary_dilation(mask, iterations=2)
    labels, _ = ndimage.label(grown)
    found: list[WorkBox] = []
    total = 0.0
    for k, region in enumerate(ndimage.find_objects(labels), start=1):
        if region is None:
            continue
        inside = labels[region] == k
        pixels = int((mask[region] & inside).sum())
        if pixels < min_pixels:
            continue
        mass = max(0.0, float(sign * delta[region][inside].sum()))
        total += mass
        where = np.argwhere(mask[region] & inside)
        (r0, c0), (r1, c1) = where.min(axis=0), where.max(axis=0) + 1
        rows, cols = region
        top, left = int(rows.start), int(cols.start)
        found.append(WorkBox(top + int(r0), top + int(r1), left + int(c0), left + int(c1), mass, pixels))
    found.sort(key=lambda b: -b.score)
    return found, total


def compare(pre: Prepared, arrival: Prepared, config: ChangeConfig | None = None) -> ChangeResult:
    """What changed between a pre-departure and an arrival scan of the same container."""
    cfg = config or ChangeConfig()
    arr, ref = _common(arrival.p_high, pre.p_high)
    dy, dx = register(arr, ref, cfg.max_shift_px)
    moved = ndimage.shift(ref, (dy, dx), order=1, mode="nearest").astype(np.float32)
    solid = (arr > 0.3) & (moved > 0.3)
    gain = float(np.median(arr[solid] / moved[solid])) if solid.sum() > 100 else 1.0
    gain = float(np.clip(gain, 0.8, 1.25))
    moved = gain * moved
    delta = arr - moved
    # Tolerant differences: a pixel gained mass only if it exceeds every neighbour of the other scan, so the
    # dipoles a sub-pixel misregistration leaves at edges do not count as change.
    gained = ndimage.uniform_filter(arr - ndimage.grey_dilation(moved, size=3), size=2, mode="nearest")
    lost = ndimage.uniform_filter(moved - ndimage.grey_dilation(arr, size=3), size=2, mode="nearest")
    sigma = 1.4826 * float(np.median(np.abs(delta - np.median(delta)))) + 1e-4
    limit = cfg.k_sigma * sigma + cfg.floor_p
    per_kg = 1000.0 * cfg.mass_attenuation_cm2_g / PIXEL_CM2
    added, added_kg = _regions(gained > limit, delta / per_kg, cfg.min_pixels, 1.0)
    removed, removed_kg = _regions(lost > limit, delta / per_kg, cfg.min_pixels, -1.0)
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
