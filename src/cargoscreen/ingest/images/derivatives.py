"""Display derivatives of a scan channel: windowed 8-bit PNG, thumbnail, deep-zoom tiles, heat-map
overlay and a dual-energy ratio view.

Windows are in attenuation units P = -ln T (code / P_SCALE). Like a radiograph, dense is dark: P at or
above the window's ``high`` shows black, P at or below ``low`` shows white. Tiles follow the deep-zoom
layout with level 0 at full resolution; each further level halves both sides (block mean of P) until the
whole image fits in one tile. Everything returns PNG bytes.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image

from cargoscreen.domain.scans import P_SCALE, FloatImage, UInt16Image

TILE_SIZE = 256
THUMBNAIL_WIDTH = 256
_SAMPLE_PIXELS = 1_000_000
_MIN_WIDTH_P = 0.05
Gray = npt.NDArray[np.uint8]
#: Dual-energy palette, from low ratio (high Z: metal) to high ratio (low Z: organic).
_RATIO_STOPS = np.array([0.0, 0.5, 1.0])
_RATIO_COLOURS = np.array([[60, 110, 255], [60, 200, 90], [255, 150, 30]], dtype=np.float32)


@dataclass(frozen=True, slots=True)
class Window:
    """A display window in P units: ``low`` and below show white, ``high`` and above show black."""

    low: float
    high: float

    def __post_init__(self) -> None:
        if not self.high > self.low:
            raise ValueError(f"window high {self.high} must be above low {self.low}")

    @classmethod
    def from_level_width(cls, level: float, width: float) -> Window:
        """The radiologist's form: centre (level) and width, both in P."""
        return cls(level - width / 2, level + width / 2)

    @property
    def level(self) -> float:
        return (self.low + self.high) / 2

    @property
    def width(self) -> float:
        return self.high - self.low


@dataclass(frozen=True, slots=True)
class LevelGrid:
    """One zoom level: its size in pixels and in tiles."""

    level: int
    rows: int
    cols: int
    tile_rows: int
    tile_cols: int


def auto_window(image: UInt16Image, *, percentiles: tuple[float, float] = (0.5, 99.5)) -> Window:
    """A window spanning the given percentiles of P (on a regular subsample of at most ~1 M pixels)."""
    step = max(1, math.isqrt(image.size // _SAMPLE_PIXELS))
    low, high = np.percentile(image[::step, ::step], percentiles) / P_SCALE
    if high - low < _MIN_WIDTH_P:
        centre = (low + high) / 2
        low, high = centre - _MIN_WIDTH_P / 2, centre + _MIN_WIDTH_P / 2
    return Window(float(low), float(high))


def to_gray(image: npt.NDArray[np.number], window: Window) -> Gray:
    """P codes (any numeric array of codes) to 8-bit gray, dense dark."""
    attenuation = image.astype(np.float32) / np.float32(P_SCALE)
    scaled = np.clip((attenuation - window.low) / window.width, 0.0, 1.0)
    gray: Gray = np.rint(255.0 * (1.0 - scaled)).astype(np.uint8)
    return gray


def window_png(image: UInt16Image, window: Window | None = None) -> bytes:
    """The full-resolution channel as an 8-bit grayscale PNG (auto window by default)."""
    return _png(to_gray(image, window or auto_window(image)))


def thumbnail_png(
    image: UInt16Image, *, window: Window | None = None, max_width: int = THUMBNAIL_WIDTH
) -> bytes:
    """A grayscale PNG at most ``max_width`` pixels wide, aspect ratio kept (area averaging)."""
    picture = Image.fromarray(to_gray(image, window or auto_window(image)))
    rows, cols = image.shape
    if cols > max_width:
        picture = picture.resize((max_width, max(1, round(rows * max_width / cols))), Image.Resampling.BOX)
    return _encode(picture)


def tile_grid(shape: tuple[int, int], *, tile_size: int = TILE_SIZE) -> tuple[LevelGrid, ...]:
    """The zoom levels of an image: level 0 is full resolution, the last fits in one tile."""
    rows, cols = shape
    levels = []
    level = 0
    while True:
        factor = 2**level
        level_rows, level_cols = -(-rows // factor), -(-cols // factor)
        tiles_down, tiles_across = -(-level_rows // tile_size), -(-level_cols // tile_size)
        levels.append(LevelGrid(level, level_rows, level_cols, tiles_down, tiles_across))
        if tiles_down == 1 and tiles_across == 1:
            return tuple(levels)
        level += 1


def tile(
    image: UInt16Image,
    level: int,
    col: int,
    row: int,
    *,
    window: Window | None = None,
    tile_size: int = TILE_SIZE,
) -> bytes:
    """One tile as an 8-bit PNG (edge tiles are smaller); pass one ``window`` for all tiles of an image."""
    grid = tile_grid((image.shape[0], image.shape[1]), tile_size=tile_size)
    if not 0 <= level < len(grid) or not (
        0 <= col < grid[level].tile_cols and 0 <= row < grid[level].tile_rows
    ):
        size = (
            f"{grid[level].tile_cols} x {grid[level].tile_rows} tiles" if 0 <= level < len(grid) else "none"
        )
        raise ValueError(
            f"tile (level {level}, col {col}, row {row}) outside the grid: {len(grid)} levels, {size}"
        )
    factor, span = 2**level, tile_size * 2**level
    block = image[row * span : (row + 1) * span, col * span : (col + 1) * span]
    return _png(to_gray(_reduce(block, factor), window or auto_window(image)))


def iter_tiles(
    image: UInt16Image, *, window: Window | None = None, tile_size: int = TILE_SIZE
) -> Iterator[tuple[int, int, int, bytes]]:
    """Every tile as (level, col, row, PNG), all with one window."""
    chosen = window or auto_window(image)
    for grid in tile_grid((image.shape[0], image.shape[1]), tile_size=tile_size):
        for row in range(grid.tile_rows):
            for col in range(grid.tile_cols):
                yield (
                    grid.level,
                    col,
                    row,
                    tile(image, grid.level, col, row, window=chosen, tile_size=tile_size),
                )


def heatmap_png(
    heatmap: FloatImage,
    *,
    floor: float = 0.2,
    max_alpha: float = 0.6,
    size: tuple[int, int] | None = None,
) -> bytes:
    """An RGBA overlay: transparent below ``floor``, then yellow to red with rising opacity.

    ``heatmap`` holds values in [0, 1]; ``size`` (width, height) resizes the overlay, e.g. to a thumbnail.
    """
    values = np.asarray(heatmap, dtype=np.float32)
    if values.ndim != 2 or not np.all(np.isfinite(values)) or values.min() < 0.0 or values.max() > 1.0:
        raise ValueError("heat-map must be a 2-D array of finite values in [0, 1]")
    strength = np.clip((values - floor) / max(1.0 - floor, 1e-6), 0.0, 1.0)
    rgba = np.zeros((*values.shape, 4), dtype=np.uint8)
    rgba[..., 0] = 255
    rgba[..., 1] = np.rint(255.0 * (1.0 - strength)).astype(np.uint8)
    rgba[..., 3] = np.where(values >= floor, np.rint(255.0 * max_alpha * strength), 0).astype(np.uint8)
    picture = Image.fromarray(rgba)
    if size is not None:
        picture = picture.resize(size, Image.Resampling.BILINEAR)
    return _encode(picture)


def ratio_image(high: UInt16Image, low: UInt16Image, *, min_p: float = 0.1) -> FloatImage:
    """P(low energy) / P(high energy) per pixel; NaN where the high-energy P is below ``min_p`` (air)."""
    if high.shape != low.shape:
        raise ValueError(f"channels differ in shape: {high.shape} and {low.shape}")
    p_high = high.astype(np.float32) / np.float32(P_SCALE)
    p_low = low.astype(np.float32) / np.float32(P_SCALE)
    ratio: FloatImage = np.full(high.shape, np.nan, dtype=np.float32)
    np.divide(p_low, p_high, out=ratio, where=p_high >= min_p)
    return ratio


def ratio_png(
    high: UInt16Image,
    low: UInt16Image,
    *,
    window: Window | None = None,
    ratio_range: tuple[float, float] | None = None,
    min_p: float = 0.1,
) -> bytes:
    """Dual-energy view (RGB PNG): colour from the ratio (blue metal, green mixed, orange organic),
    brightness from the windowed high-energy channel; thin regions stay gray."""
    ratio = ratio_image(high, low, min_p=min_p)
    valid = np.isfinite(ratio)
    lo, hi = ratio_range or _ratio_range(ratio[valid])
    position = np.clip((np.nan_to_num(ratio, nan=lo) - lo) / max(hi - lo, 1e-6), 0.0, 1.0)
    colour = np.stack([np.interp(position, _RATIO_STOPS, _RATIO_COLOURS[:, c]) for c in range(3)], axis=-1)
    brightness = to_gray(high, window or auto_window(high)).astype(np.float32) / 255.0
    rgb = np.where(valid[..., None], colour * brightness[..., None], 255.0 * brightness[..., None])
    return _png(np.rint(rgb).astype(np.uint8))


def _ratio_range(values: FloatImage) -> tuple[float, float]:
    if values.size < 2:
        return 0.9, 1.3
    lo, hi = np.percentile(values, (2.0, 98.0))
    return (float(lo), float(hi)) if hi - lo > 1e-3 else (float(lo) - 0.05, float(hi) + 0.05)


def _reduce(block: UInt16Image, factor: int) -> npt.NDArray[np.float32]:
    """Block mean by ``factor`` on both axes (edge blocks padded by repeating the edge)."""
    if factor == 1:
        return block.astype(np.float32)
    rows, cols = block.shape
    padded = np.pad(block, ((0, -rows % factor), (0, -cols % factor)), mode="edge").astype(np.float32)
    shaped = padded.reshape(padded.shape[0] // factor, factor, padded.shape[1] // factor, factor)
    reduced: npt.NDArray[np.float32] = shaped.mean(axis=(1, 3), dtype=np.float32)
    return reduced


def _png(array: npt.NDArray[np.uint8]) -> bytes:
    return _encode(Image.fromarray(array))


def _encode(picture: Image.Image) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()
