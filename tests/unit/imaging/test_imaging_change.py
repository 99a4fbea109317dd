"""Change detection on SYNTHETIC pairs: registration recovers a shift, kg of an added lump is weighed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from cargoscreen.domain.scans import DoorEnd
from cargoscreen.imaging.change import PIXEL_CM2, ChangeConfig, compare, register
from cargoscreen.imaging.preprocess import prepare


def test_phase_correlation_recovers_a_shift() -> None:
    rng = np.random.default_rng(0)
    base = np.zeros((70, 160), dtype=np.float32)
    for _ in range(30):
        r, c = rng.integers(5, 60), rng.integers(5, 150)
        base[r : r + 6, c : c + 8] += rng.random()
    moved = np.roll(base, (3, -7), axis=(0, 1))
    dy, dx = register(moved, base)
    assert (round(dy), round(dx)) == (3, -7)


def _lumpy(container: Callable[..., np.ndarray], seed: int) -> np.ndarray:
    p = container(seed=seed)
    rng = np.random.default_rng(seed)
    texture = 0.15 * rng.random((p.shape[0] // 20 + 1, p.shape[1] // 20 + 1))
    p[60:-40, 40:-40] += np.kron(texture, np.ones((20, 20)))[: p.shape[0], : p.shape[1]][60:-40, 40:-40]
    return p


@pytest.mark.parametrize("arrival_door", [DoorEnd.RIGHT, DoorEnd.LEFT])
def test_added_mass_is_found_weighed_and_boxed(
    make_scan: Any, container: Callable[..., np.ndarray], arrival_door: DoorEnd
) -> None:
    mu = 0.027
    pre = _lumpy(container, 5)
    arrival = np.roll(pre, (4, 13), axis=(0, 1))  # the arrival scanner framed the box differently
    arrival += 0.004 * np.random.default_rng(9).standard_normal(arrival.shape)
    # 30 kg behind the doors (right end): 30 000 g x mu spread over 60 x 40 cm
    area_cm2 = 60 * 40
    arrival[300:420, 1060:1140] += 30_000 * mu / area_cm2
    if arrival_door is DoorEnd.LEFT:  # the same container seen from its other side: doors on the left
        arrival = np.ascontiguousarray(arrival[:, ::-1])
    arrival_scan = make_scan(arrival, door_end=arrival_door)
    prepared = prepare(arrival_scan)
    result = compare(make_scan(pre), prepared, ChangeConfig(mass_attenuation_cm2_g=mu))
    assert result.changed
    assert result.added_kg == pytest.approx(30.0, rel=0.2)
    assert result.removed_kg < 3.0
    assert len(result.added) == 1
    top = result.added[0]
    x0, y0, x1, y1 = prepared.frame.box_to_scan(top.row0, top.row1, top.col0, top.col1)
    if arrival_door is DoorEnd.LEFT:
        x0, x1 = arrival.shape[1] - x1, arrival.shape[1] - x0
    assert abs(x0 - 1060) <= 12 and abs(x1 - 1140) <= 12 and abs(y0 - 300) <= 12 and abs(y1 - 420) <= 12
    assert top.score == pytest.approx(result.added_kg, rel=0.05)  # one region holds the mass
    assert PIXEL_CM2 == 4.0


def test_no_change_stays_quiet(make_scan: Any, container: Callable[..., np.ndarray]) -> None:
    pre = _lumpy(container, 6)
    arrival = np.roll(pre, (0, 6), axis=(0, 1)) + 0.004 * np.random.default_rng(2).standard_normal(pre.shape)
    result = compare(make_scan(pre), prepare(make_scan(arrival)))
    assert not result.changed
    assert result.added_kg < 2.0
    assert result.score < 0.5
