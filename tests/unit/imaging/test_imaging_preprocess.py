"""Preprocessing on SYNTHETIC arrays: area resampling keeps mass, crop finds the container, frames map back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from cargoscreen.domain.scans import DoorEnd
from cargoscreen.imaging.preprocess import (
    CHANNELS,
    MULTIPLE,
    WORK_MM,
    Templates,
    area_weights,
    container_extent,
    prepare,
    resample,
    schema_hash,
)


@pytest.mark.parametrize("spacing", [5.0, 3.0, 7.5, 12.0])
def test_resampling_keeps_the_integral_of_p(spacing: float) -> None:
    rng = np.random.default_rng(1)
    image = rng.random((97, 211))
    work = resample(image, (spacing, spacing))
    assert work.shape == (int(np.ceil(97 * spacing / WORK_MM)), int(np.ceil(211 * spacing / WORK_MM)))
    # Mean P times area is mass: the integral must survive (last partial pixel weighted by its coverage).
    rows_w, _ = area_weights(97, spacing, WORK_MM)
    cover_r = (
        np.minimum(np.arange(1, rows_w.shape[0] + 1) * WORK_MM, 97 * spacing)
        - np.arange(rows_w.shape[0]) * WORK_MM
    )
    cols_w, _ = area_weights(211, spacing, WORK_MM)
    cover_c = (
        np.minimum(np.arange(1, cols_w.shape[0] + 1) * WORK_MM, 211 * spacing)
        - np.arange(cols_w.shape[0]) * WORK_MM
    )
    integral = float((work * cover_r[:, None] * cover_c[None, :]).sum())
    assert integral == pytest.approx(float(image.sum()) * spacing * spacing, rel=1e-4)


def test_area_weights_rows_sum_to_one() -> None:
    weights, n_out = area_weights(10, 5.0, 20.0)
    assert n_out == 3
    assert np.allclose(weights.sum(axis=1), 1.0)
    assert np.allclose(weights[0, :4], 0.25) and weights[0, 4:].sum() == 0


def test_container_extent_drops_the_air_around(container: Callable[..., np.ndarray]) -> None:
    p = resample(container(margin=40), (5.0, 5.0))
    r0, r1, c0, c1 = container_extent(p)
    assert (r0, c0) == (10, 10)
    assert r1 == p.shape[0] - 10 and c1 == p.shape[1] - 10


def test_prepare_builds_padded_channels(make_scan: Any, container: Callable[..., np.ndarray]) -> None:
    prepared = prepare(make_scan(container()))
    n, h, w = prepared.tensor.shape
    assert n == len(CHANNELS)
    assert h % MULTIPLE == 0 and w % MULTIPLE == 0
    rows, cols = prepared.frame.size
    assert prepared.p_high.shape == (rows, cols)
    # dual-energy ratio of 1.7 everywhere loaded: channel 2 is 1.7 - 1.5 there, 0 in the air padding
    loaded = prepared.p_high > 0.5
    assert np.allclose(prepared.tensor[2, :rows, :cols][loaded], 0.2, atol=0.01)
    assert np.all(prepared.tensor[:, rows:, :] == 0)
    # distance from the door grows towards the left (front), distance from the front towards the right
    assert prepared.tensor[3, 5, 0] > prepared.tensor[3, 5, cols - 1]
    assert prepared.tensor[4, 5, 0] < prepared.tensor[4, 5, cols - 1]


def test_single_energy_scan_has_no_ratio(make_scan: Any, container: Callable[..., np.ndarray]) -> None:
    prepared = prepare(make_scan(container(), dual=False))
    assert not prepared.dual_energy
    assert np.all(prepared.tensor[2] == 0)
    assert np.array_equal(prepared.tensor[0], prepared.tensor[1])


@pytest.mark.parametrize("door_end", [DoorEnd.RIGHT, DoorEnd.LEFT])
def test_boxes_and_heatmaps_map_back_to_scan_pixels(
    make_scan: Any, container: Callable[..., np.ndarray], door_end: DoorEnd
) -> None:
    p = container()
    p[200:260, 100:180] += 3.0  # something dense near the left end of the image
    prepared = prepare(make_scan(p, door_end=door_end))
    frame = prepared.frame
    dense = np.argwhere(prepared.p_high > 4.0)
    r0, c0 = dense.min(axis=0)
    r1, c1 = dense.max(axis=0) + 1
    x0, y0, x1, y1 = frame.box_to_scan(int(r0), int(r1), int(c0), int(c1))
    assert abs(x0 - 100) <= 4 and abs(x1 - 180) <= 4 and abs(y0 - 200) <= 4 and abs(y1 - 260) <= 4
    if door_end is DoorEnd.LEFT:  # doors put on the right: the left end of the image is now on the right
        assert c0 > prepared.p_high.shape[1] // 2
    heat = (prepared.p_high > 4.0).astype(np.float32)
    back = frame.to_scan(heat)
    assert back.shape == p.shape
    assert back[230, 140] == 1.0 and back[230, 400] == 0.0 and back[0, 0] == 0.0


def test_schema_hash_is_stable() -> None:
    assert schema_hash() == schema_hash()
    assert len(schema_hash()) == 16


def test_row_residual_shows_what_differs_from_its_row(
    make_scan: Any, container: Callable[..., np.ndarray]
) -> None:
    p = container()
    p[300:340, 600:640] += 1.0  # a dense lump inside one pallet
    prepared = prepare(make_scan(p))
    residual = prepared.tensor[CHANNELS.index("row_residual")]
    rows, cols = prepared.frame.size
    assert residual[75, 150] > 0.4  # the lump: row 320 / 4 - 5, column 620 / 4 - 5 (crop)
    assert abs(float(np.median(residual[:rows, :cols]))) < 0.05


def test_templates_fit_match_and_round_trip(make_scan: Any, container: Callable[..., np.ndarray]) -> None:
    empty_20 = [prepare(make_scan(container(cargo_p=0.0, seed=s))).p_high for s in range(3)]
    empty_40 = [prepare(make_scan(container(cols=2440, cargo_p=0.0, seed=s))).p_high for s in range(3)]
    templates = Templates.fit(empty_20 + empty_40, ["DRY_20"] * 3 + ["DRY_40"] * 3)
    assert sorted(templates.images) == ["DRY_20", "DRY_40"]
    back = Templates.from_json(templates.to_json())
    assert np.allclose(back.images["DRY_20"], templates.images["DRY_20"], atol=2e-3)  # float16
    loaded = prepare(make_scan(container(seed=7)), templates)
    channel = CHANNELS.index("template_residual")
    cols = loaded.frame.size[1]
    # the structure cancels, the load remains: residual ~0 on the roof, ~cargo P / 2 on a pallet
    assert abs(float(loaded.tensor[channel, 1, cols // 2])) < 0.05
    assert float(np.median(loaded.tensor[channel, 40:100, 10:30])) > 0.5
    assert templates.match(np.zeros((20, 30), dtype=np.float32)) is None  # no body of that size
    bare = prepare(make_scan(container(seed=7)))
    assert np.all(bare.tensor[channel] == 0)
