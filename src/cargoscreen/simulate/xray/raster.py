"""Scene primitives in metres and their rasterisation into per-material areal-density maps (g/cm²).

Coordinates: ``x`` runs along the container from the outer face of its front end (the end away from the
doors), ``y`` runs down from the top of the roof. A primitive states the areal density the beam meets when it
crosses the container's width at (x, y), already integrated along the beam; its footprint is a rectangle,
optionally shaped per axis (a round chord for cylinders, a pillow for bags, a periodic corrugation). Edges are
anti-aliased by sub-sampling, so thin parts keep their mass at any pixel size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

Float32Array = npt.NDArray[np.float32]
FloatArray = npt.NDArray[np.float64]
SUBSAMPLES = 8
WALL_M = 0.01  # band beside a seam where carton or bag walls seen edge-on add their mass


class Shape(StrEnum):
    """Profile of a primitive along one axis, as a function of t in [0, 1] across the footprint."""

    FLAT = "FLAT"
    ROUND = "ROUND"  # chord of a circle: sqrt(1 - (2t-1)^2), exact for a cylinder seen side-on
    PILLOW = "PILLOW"  # 1 - (2t-1)^4: a filled bag, full in the middle, thinning at the seams
    SQUASHED = "SQUASHED"  # 1 - 0.6 (2t-1)^8: bags pressed together in a stack, flat with soft edges


@dataclass(frozen=True, slots=True)
class Box:
    """A body of one material: peak areal density ``areal`` (g/cm²), separable shape in x and y."""

    material: str
    x0: float
    x1: float
    y0: float
    y1: float
    areal: float
    shape_x: Shape = Shape.FLAT
    shape_y: Shape = Shape.FLAT


@dataclass(frozen=True, slots=True)
class Corrugated:
    """A wall crossed by the beam: ``areal`` on flats, ``areal * slope_ratio`` on the inclined webs."""

    material: str
    x0: float
    x1: float
    y0: float
    y1: float
    areal: float
    period: float
    slope_fraction: float
    slope_ratio: float
    phase: float = 0.0


@dataclass(frozen=True, slots=True, eq=False)
class Tiled:
    """A stack of cells (cartons, bags) with per-cell areal densities ``values`` (rows from the top).

    Between cells runs a seam of ``seam`` metres where the fill is absent, edged by 1 cm bands of
    ``wall_material`` adding ``wall_areal`` g/cm² (carton sides seen edge-on).
    """

    material: str
    x0: float
    x1: float
    y0: float
    y1: float
    values: FloatArray = field(repr=False)
    seam: float = 0.0
    wall_material: str = ""
    wall_areal: float = 0.0
    shape_x: Shape = Shape.FLAT
    shape_y: Shape = Shape.FLAT


Primitive = Box | Corrugated | Tiled


@dataclass(frozen=True)
class Grid:
    """The pixel grid: ``rows`` x ``cols`` pixels of ``pixel_m``; pixel (0, 0) starts at (x_origin, y_origin)."""

    rows: int
    cols: int
    pixel_m: float
    x_origin: float
    y_origin: float

    def span(self, lo: float, hi: float, axis: int) -> tuple[int, int, FloatArray]:
        """First and past-last pixel overlapping [lo, hi] along an axis, and sub-sample positions (m)."""
        origin, count = (self.x_origin, self.cols) if axis == 1 else (self.y_origin, self.rows)
        start = max(int(np.floor((lo - origin) / self.pixel_m)), 0)
        stop = min(int(np.ceil((hi - origin) / self.pixel_m)), count)
        if stop <= start:
            return start, start, np.empty((0, SUBSAMPLES))
        offsets = (np.arange(SUBSAMPLES) + 0.5) / SUBSAMPLES
        positions = origin + (np.arange(start, stop)[:, None] + offsets[None, :]) * self.pixel_m
        return start, stop, positions


def profile(positions: FloatArray, lo: float, hi: float, shape: Shape) -> FloatArray:
    """Mean of the shape over each pixel's sub-samples (0 outside [lo, hi])."""
    t = (positions - lo) / max(hi - lo, 1e-9)
    inside = (t >= 0.0) & (t <= 1.0)
    s = 2.0 * np.clip(t, 0.0, 1.0) - 1.0
    if shape is Shape.ROUND:
        value = np.sqrt(np.maximum(1.0 - s * s, 0.0))
    elif shape is Shape.PILLOW:
        value = 1.0 - s**4
    elif shape is Shape.SQUASHED:
        value = 1.0 - 0.6 * s**8
    else:
        value = np.ones_like(t)
    return np.asarray(np.where(inside, value, 0.0).mean(axis=1))


class MaterialMaps:
    """Per-material areal-density maps (float32, g/cm²), created on first use."""

    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self.maps: dict[str, Float32Array] = {}

    def layer(self, material: str) -> Float32Array:
        if material not in self.maps:
            self.maps[material] = np.zeros((self.grid.rows, self.grid.cols), dtype=np.float32)
        return self.maps[material]

    def add(self, primitive: Primitive) -> tuple[int, int, int, int] | None:
        """Rasterise one primitive; returns its pixel footprint (r0, r1, c0, c1) or None if off-grid."""
        if isinstance(primitive, Tiled):
            return self._add_tiled(primitive)
        p = primitive
        r0, r1, ys = self.grid.span(p.y0, p.y1, axis=0)
        c0, c1, xs = self.grid.span(p.x0, p.x1, axis=1)
        if r1 <= r0 or c1 <= c0:
            return None
        if isinstance(p, Corrugated):
            wy = profile(ys, p.y0, p.y1, Shape.FLAT)
            wx = _corrugation(xs, p)
        else:
            wy = profile(ys, p.y0, p.y1, p.shape_y)
            wx = profile(xs, p.x0, p.x1, p.shape_x)
        block = np.outer(wy * p.areal, wx).astype(np.float32)
        self.layer(p.material)[r0:r1, c0:c1] += block
        return r0, r1, c0, c1

    def _add_tiled(self, p: Tiled) -> tuple[int, int, int, int] | None:
        r0, r1, ys = self.grid.span(p.y0, p.y1, axis=0)
        c0, c1, xs = self.grid.span(p.x0, p.x1, axis=1)
        if r1 <= r0 or c1 <= c0:
            return None
        ny, nx = p.values.shape
        iy, fill_y, wall_y, cover_y = _cells(ys, p.y0, p.y1, ny, p.seam)
        ix, fill_x, wall_x, cover_x = _cells(xs, p.x0, p.x1, nx, p.seam)
        shape_y = _cell_shape(ys, p.y0, (p.y1 - p.y0) / ny, p.shape_y)
        shape_x = _cell_shape(xs, p.x0, (p.x1 - p.x0) / nx, p.shape_x)
        values = p.values[np.ix_(iy, ix)]
        block = values * np.outer(fill_y * shape_y, fill_x * shape_x)
        self.layer(p.material)[r0:r1, c0:c1] += block.astype(np.float32)
        if p.wall_material and p.wall_areal > 0:
            walls = np.maximum(np.outer(wall_y, cover_x), np.outer(cover_y, wall_x)) * p.wall_areal
            self.layer(p.wall_material)[r0:r1, c0:c1] += walls.astype(np.float32)
        return r0, r1, c0, c1

    def clamp(self) -> None:
        """Displacement (cargo replaced by contraband) may leave tiny negatives; no mass is below zero."""
        for values in self.maps.values():
            np.maximum(values, 0.0, out=values)


def _corrugation(xs: FloatArray, p: Corrugated) -> FloatArray:
    phase = np.mod((xs - p.x0) / p.period + p.phase, 1.0)
    half = p.slope_fraction / 2.0
    # Webs sit at the quarter points of each period: flat, web, flat, web.
    on_web = (np.abs(phase - 0.25) < half / 2.0) | (np.abs(phase - 0.75) < half / 2.0)
    value = np.where(on_web, p.slope_ratio, 1.0)
    inside = (xs >= p.x0) & (xs <= p.x1)
    return np.asarray(np.where(inside, value, 0.0).mean(axis=1))


def _cells(
    positions: FloatArray, lo: float, hi: float, count: int, seam: float
) -> tuple[npt.NDArray[np.intp], FloatArray, FloatArray, FloatArray]:
    """Per pixel: cell index at the centre, share of the pixel filled (inside, off the seams), share on
    the wall bands beside the seams, share inside at all."""
    cell = (hi - lo) / count
    local = (positions - lo) / cell
    inside = (positions >= lo) & (positions <= hi)
    index = np.clip(np.floor(local[:, SUBSAMPLES // 2]).astype(np.intp), 0, count - 1)
    frac = (local - np.floor(local)) * cell  # metres from the cell's start
    dist = np.minimum(frac, cell - frac)  # metres to the nearest cell border
    gap = seam / 2.0
    filled = inside & (dist >= gap)
    walls = (filled & (dist < gap + WALL_M)).mean(axis=1) if seam > 0 else np.zeros(len(positions))
    return index, filled.mean(axis=1), np.asarray(walls), inside.mean(axis=1)


def _cell_shape(positions: FloatArray, lo: float, cell: float, shape: Shape) -> FloatArray:
    if shape is Shape.FLAT:
        return np.ones(len(positions))
    local = (positions - lo) / cell
    return profile(local - np.floor(local), 0.0, 1.0, shape)
