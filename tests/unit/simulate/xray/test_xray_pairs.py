"""simulate_pair: pre-departure and arrival scans of one container, with and without a rip-on."""

from __future__ import annotations

import numpy as np
import pytest

from cargoscreen.domain.scans import CargoClass, ConcealmentKind, ContainerKind, DoorEnd
from cargoscreen.simulate.xray import ScanSpec, simulate_pair


@pytest.mark.parametrize("door_end", [DoorEnd.RIGHT, DoorEnd.LEFT])
def test_rip_on_adds_the_given_mass_near_the_doors(door_end: DoorEnd) -> None:
    spec = ScanSpec(ContainerKind.REEFER_20, CargoClass.BANANAS, 0.9, door_end=door_end)
    pair = simulate_pair(spec, 21, rip_on=True, added_kg=45.0)
    assert pair.added_kg == pytest.approx(45.0)
    assert pair.added_mask.shape == pair.arrival.shape and pair.added_mask.any()
    assert not pair.pre.mask.any()
    assert np.array_equal(pair.arrival.mask | pair.added_mask, pair.arrival.mask)
    cols = np.argwhere(pair.added_mask)[:, 1]
    width = pair.arrival.shape[1]
    metre = 1000.0 / pair.arrival.pixel_mm
    if door_end is DoorEnd.RIGHT:
        assert cols.min() > width - 1.3 * metre
    else:
        assert cols.max() < 1.3 * metre
    assert {c.kind for c in pair.arrival.concealments} == {ConcealmentKind.DOOR_BAGS}
    assert sum(c.kg for c in pair.arrival.concealments) == pytest.approx(45.0, rel=1e-3)


def test_rip_on_without_mass_draws_bags_of_realistic_size() -> None:
    pair = simulate_pair(
        ScanSpec(ContainerKind.DRY_20, CargoClass.COFFEE, 1.0, pixel_mm=8.0), 22, rip_on=True
    )
    assert 20.0 <= pair.added_kg <= 150.0
    assert pair.added_mask.any()


def test_pair_without_rip_on_differs_only_by_scanner() -> None:
    spec = ScanSpec(ContainerKind.DRY_20, CargoClass.SUGAR, 0.8, ConcealmentKind.FLOOR_CAVITY, 30.0)
    pair = simulate_pair(spec, 23, rip_on=False)
    assert pair.added_kg == 0.0 and not pair.added_mask.any()
    assert pair.pre.pixel_mm == spec.pixel_mm
    assert abs(pair.arrival.pixel_mm / pair.pre.pixel_mm - 1.0) <= 0.03 + 1e-9
    # the concealment loaded at origin is in both scans
    assert pair.pre.mask.any() and pair.arrival.mask.any()
    assert pair.pre.concealed_kg == pytest.approx(pair.arrival.concealed_kg)
    # the same cargo: total attenuation (scaled by pixel area) agrees within a few per cent
    pre_sum = pair.pre.channels[6000].astype(np.float64).sum() * pair.pre.pixel_mm**2
    arrival_sum = pair.arrival.channels[6000].astype(np.float64).sum() * pair.arrival.pixel_mm**2
    assert arrival_sum == pytest.approx(pre_sum, rel=0.03)


def test_pair_is_deterministic_per_seed() -> None:
    spec = ScanSpec(ContainerKind.DRY_20, CargoClass.EMPTY, pixel_mm=8.0)
    a = simulate_pair(spec, 24, rip_on=True, added_kg=30.0)
    b = simulate_pair(spec, 24, rip_on=True, added_kg=30.0)
    np.testing.assert_array_equal(a.arrival.channels[4000], b.arrival.channels[4000])
    np.testing.assert_array_equal(a.added_mask, b.added_mask)


@pytest.mark.parametrize(("rip_on", "kg"), [(False, 10.0), (True, -5.0)])
def test_inconsistent_pair_arguments_are_refused(rip_on: bool, kg: float) -> None:
    with pytest.raises(ValueError, match="added_kg"):
        simulate_pair(ScanSpec(ContainerKind.DRY_20, CargoClass.EMPTY), 1, rip_on=rip_on, added_kg=kg)
