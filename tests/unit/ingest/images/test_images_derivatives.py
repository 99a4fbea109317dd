"""Display derivatives: valid PNGs of the expected sizes and modes, dense shown dark (synthetic data)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from scan_builders import channel

from cargoscreen.domain.scans import P_SCALE
from cargoscreen.ingest.images.derivatives import (
    Window,
    auto_window,
    heatmap_png,
    iter_tiles,
    ratio_image,
    ratio_png,
    thumbnail_png,
    tile,
    tile_grid,
    to_gray,
    window_png,
)


def _open(data: bytes) -> Image.Image:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    picture = Image.open(io.BytesIO(data))
    picture.load()
    return picture


def test_window_png_is_8_bit_full_size_with_dense_dark() -> None:
    image = channel((40, 120))  # attenuation rises from left to right
    picture = _open(window_png(image))
    assert picture.mode == "L" and picture.size == (120, 40)
    pixels = np.asarray(picture)
    assert pixels[:, :10].mean() > 200 and pixels[:, -10:].mean() < 55


def test_explicit_window_in_p_units() -> None:
    image = np.full((16, 16), int(2.0 * P_SCALE), dtype=np.uint16)
    assert to_gray(image, Window.from_level_width(2.0, 2.0))[0, 0] == 128
    assert to_gray(image, Window(0.0, 1.0))[0, 0] == 0  # denser than the window: black
    assert to_gray(image, Window(3.0, 4.0))[0, 0] == 255  # thinner than the window: white
    with pytest.raises(ValueError, match="above low"):
        Window(2.0, 2.0)


def test_auto_window_spans_the_percentiles_and_survives_flat_images() -> None:
    window = auto_window(channel((40, 120)))
    assert 0.1 < window.low < 0.6 and 5.8 < window.high < 6.4
    flat = auto_window(np.full((16, 16), 4096, dtype=np.uint16))
    assert flat.low < 1.0 < flat.high


def test_thumbnail_is_at_most_256_wide_and_keeps_the_aspect() -> None:
    assert _open(thumbnail_png(channel((300, 1200)))).size == (256, 64)
    assert _open(thumbnail_png(channel((40, 120)))).size == (120, 40)


def test_tile_grid_levels_halve_until_one_tile() -> None:
    grid = tile_grid((600, 2500))
    assert [(g.rows, g.cols, g.tile_rows, g.tile_cols) for g in grid] == [
        (600, 2500, 3, 10),
        (300, 1250, 2, 5),
        (150, 625, 1, 3),
        (75, 313, 1, 2),
        (38, 157, 1, 1),
    ]
    assert len(tile_grid((100, 100))) == 1


def test_tiles_have_deep_zoom_sizes() -> None:
    image = channel((600, 2500))
    window = auto_window(image)
    assert _open(tile(image, 0, 0, 0, window=window)).size == (256, 256)
    assert _open(tile(image, 0, 9, 2, window=window)).size == (2500 - 9 * 256, 600 - 2 * 256)
    assert _open(tile(image, 4, 0, 0, window=window)).size == (157, 38)
    with pytest.raises(ValueError, match="outside the grid"):
        tile(image, 0, 10, 0)
    with pytest.raises(ValueError, match="outside the grid"):
        tile(image, 5, 0, 0)


def test_a_lower_level_tile_is_the_block_mean() -> None:
    image = np.zeros((64, 64), dtype=np.uint16)
    image[:, 32:] = 4 * int(P_SCALE)
    pixels = np.asarray(_open(tile(image, 1, 0, 0, window=Window(0.0, 4.0), tile_size=32)))
    assert pixels.shape == (32, 32)
    assert pixels[:, :16].min() == 255 and pixels[:, 16:].max() == 0


def test_iter_tiles_covers_the_grid() -> None:
    image = channel((300, 600))
    keys = [(level, col, row) for level, col, row, _ in iter_tiles(image)]
    expected = sum(g.tile_rows * g.tile_cols for g in tile_grid((300, 600)))
    assert len(keys) == len(set(keys)) == expected


def test_heatmap_overlay_is_rgba_and_transparent_where_low() -> None:
    heat = np.zeros((40, 120), dtype=np.float32)
    heat[10:20, 30:60] = 1.0
    rgba = np.asarray(_open(heatmap_png(heat)))
    assert rgba.shape == (40, 120, 4)
    assert rgba[0, 0, 3] == 0 and rgba[15, 40, 3] > 100 and tuple(rgba[15, 40, :3]) == (255, 0, 0)
    assert _open(heatmap_png(heat, size=(60, 20))).size == (60, 20)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        heatmap_png(heat + 2.0)


def test_ratio_view() -> None:
    high = channel((40, 120), seed=1)
    low = (high.astype(np.float64) * 1.2).astype(np.uint16)
    ratio = ratio_image(high, low)
    valid = np.isfinite(ratio)
    assert valid.mean() > 0.9 and np.allclose(ratio[valid], 1.2, atol=0.01)
    picture = _open(ratio_png(high, low))
    assert picture.mode == "RGB" and picture.size == (120, 40)
    with pytest.raises(ValueError, match="differ in shape"):
        ratio_image(high, low[:, :100])
