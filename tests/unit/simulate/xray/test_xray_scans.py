"""simulate_scan: shapes, determinism, concealments, empty boxes, orientation, bad specs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import ndimage

from cargoscreen.domain.scans import (
    P_SCALE,
    CargoClass,
    ConcealmentKind,
    ContainerKind,
    DoorEnd,
    ScanOrigin,
)
from cargoscreen.simulate.xray import ScanSpec, SimulatedScan, simulate_scan, simulate_with_signal
from cargoscreen.simulate.xray.container import body
from cargoscreen.simulate.xray.materials import COCAINE
from cargoscreen.simulate.xray.raster import MaterialMaps
from cargoscreen.simulate.xray.scene import build_scene
from cargoscreen.simulate.xray.simulator import make_grid

HEIGHTS = {
    ContainerKind.DRY_20: 2.591,
    ContainerKind.DRY_40: 2.591,
    ContainerKind.HIGH_CUBE_40: 2.896,
    ContainerKind.REEFER_20: 2.591,
    ContainerKind.REEFER_40: 2.896,
}


def _p(scan: SimulatedScan, kv: int = 6000) -> np.ndarray:
    return scan.channels[kv].astype(np.float64) / P_SCALE


@pytest.mark.parametrize("kind", list(ContainerKind))
@pytest.mark.parametrize("pixel_mm", [5.0, 10.0])
def test_shape_follows_iso_size_pixel_and_margin(kind: ContainerKind, pixel_mm: float) -> None:
    scan = simulate_scan(ScanSpec(kind, CargoClass.EMPTY, pixel_mm=pixel_mm), seed=1)
    length = 6.058 if kind.length_ft == 20 else 12.192
    expected = (
        math.ceil((HEIGHTS[kind] + 0.2) / (pixel_mm / 1000)),
        math.ceil((length + 0.2) / (pixel_mm / 1000)),
    )
    assert scan.shape == expected
    assert set(scan.channels) == {6000, 4000}
    for image in scan.channels.values():
        assert image.dtype == np.uint16 and image.shape == expected
    assert scan.mask.shape == expected and scan.mask.dtype == np.bool_


def test_forty_foot_at_5_mm_is_about_580_by_2500() -> None:
    scan = simulate_scan(ScanSpec(ContainerKind.DRY_40, CargoClass.EMPTY), seed=2)
    rows, cols = scan.shape
    assert 540 <= rows <= 640 and 2400 <= cols <= 2560


def test_same_seed_same_pixels_other_seed_other_pixels() -> None:
    spec = ScanSpec(
        ContainerKind.REEFER_20,
        CargoClass.BANANAS,
        concealment=ConcealmentKind.BRICKS_IN_CARGO,
        concealment_kg=12.0,
        pixel_mm=6.0,
    )
    a, b, c = simulate_scan(spec, 5), simulate_scan(spec, 5), simulate_scan(spec, 6)
    for kv in spec.energies_kv:
        np.testing.assert_array_equal(a.channels[kv], b.channels[kv])
    np.testing.assert_array_equal(a.mask, b.mask)
    assert a.concealments == b.concealments
    assert not np.array_equal(a.channels[6000], c.channels[6000])


CASES = [
    (ContainerKind.REEFER_20, CargoClass.BANANAS, ConcealmentKind.BRICKS_IN_CARGO),
    (ContainerKind.DRY_20, CargoClass.COFFEE, ConcealmentKind.DOOR_BAGS),
    (ContainerKind.DRY_20, CargoClass.SUGAR, ConcealmentKind.FLOOR_CAVITY),
    (ContainerKind.REEFER_20, CargoClass.FROZEN_FISH, ConcealmentKind.ROOF_CAVITY),
    (ContainerKind.DRY_20, CargoClass.MIXED_CARTONS, ConcealmentKind.FALSE_FRONT_WALL),
    (ContainerKind.REEFER_20, CargoClass.PINEAPPLES, ConcealmentKind.REEFER_UNIT),
    (ContainerKind.DRY_20, CargoClass.TIMBER, ConcealmentKind.HOLLOW_LOGS),
]


@pytest.mark.parametrize(("kind", "cargo", "concealment"), CASES)
def test_concealment_adds_attenuation_inside_its_mask(
    kind: ContainerKind, cargo: CargoClass, concealment: ConcealmentKind
) -> None:
    kg = 25.0
    hidden = simulate_scan(ScanSpec(kind, cargo, 0.8, concealment, kg), seed=3)
    clean = simulate_scan(ScanSpec(kind, cargo, 0.8), seed=3)
    mask = hidden.mask
    assert mask.any()
    assert sum(c.kg for c in hidden.concealments) == pytest.approx(kg, rel=1e-3)
    assert all(c.kind is concealment for c in hidden.concealments)
    gain = float(np.mean(_p(hidden)[mask] - _p(clean)[mask]))
    if concealment is ConcealmentKind.HOLLOW_LOGS:  # packed cocaine may be lighter than dense hardwood
        assert abs(gain) > 0.02, gain
    elif concealment is not ConcealmentKind.FALSE_FRONT_WALL:  # that one also moves the cargo
        assert gain > 0.05, gain
    assert float(np.mean(_p(hidden)[mask])) > 0.3


@pytest.mark.parametrize(("kind", "cargo", "concealment"), CASES[:3])
def test_every_mask_pixel_lies_in_a_box(
    kind: ContainerKind, cargo: CargoClass, concealment: ConcealmentKind
) -> None:
    scan = simulate_scan(ScanSpec(kind, cargo, 0.8, concealment, 40.0), seed=4)
    covered = np.zeros_like(scan.mask)
    for c in scan.concealments:
        x0, y0, x1, y1 = c.box
        assert 0 <= x0 < x1 <= scan.shape[1] and 0 <= y0 < y1 <= scan.shape[0]
        covered[y0:y1, x0:x1] = True
    assert not np.any(scan.mask & ~covered)


def test_impregnated_cocaine_is_practically_invisible() -> None:
    spec = ScanSpec(ContainerKind.DRY_20, CargoClass.COCOA, 0.9, ConcealmentKind.IMPREGNATED, 20.0)
    hidden, clean = (
        simulate_scan(spec, 8),
        simulate_scan(ScanSpec(ContainerKind.DRY_20, CargoClass.COCOA, 0.9), 8),
    )
    assert hidden.mask.any()
    gain = float(np.mean(_p(hidden)[hidden.mask] - _p(clean)[hidden.mask]))
    assert 0.0 < gain < 0.05


@pytest.mark.parametrize("kind", [ContainerKind.DRY_40, ContainerKind.REEFER_20])
def test_empty_container_reads_low_inside(kind: ContainerKind) -> None:
    scan = simulate_scan(ScanSpec(kind, CargoClass.EMPTY), seed=9)
    b = body(kind)
    pixel = scan.pixel_mm / 1000
    rows = slice(int((b.ceiling_y + 0.3 + 0.1) / pixel), int((b.floor_y - 0.2 + 0.1) / pixel))
    cols = slice(int((b.cargo_x0 + 0.5 + 0.1) / pixel), int((b.cargo_x1 - 0.5 + 0.1) / pixel))
    inside = _p(scan)[rows, cols]
    assert float(np.median(inside)) < 0.3
    full = simulate_scan(ScanSpec(kind, CargoClass.BANANAS, fill=1.0), seed=9)
    assert float(np.median(_p(full)[rows, cols])) > 1.0


def test_lower_energy_attenuates_more_and_saturation_caps_p() -> None:
    scan = simulate_scan(ScanSpec(ContainerKind.DRY_20, CargoClass.MACHINERY, 1.0), seed=10)
    high, low = _p(scan, 6000), _p(scan, 4000)
    cargo = high > 1.0
    assert np.median(low[cargo] / high[cargo]) > 1.05
    assert high.max() <= -math.log(1e-5) + 1e-3


def test_door_end_left_mirrors_the_image_mask_and_boxes() -> None:
    right = ScanSpec(ContainerKind.DRY_20, CargoClass.COFFEE, 0.7, ConcealmentKind.DOOR_BAGS, 30.0)
    left = ScanSpec(
        ContainerKind.DRY_20, CargoClass.COFFEE, 0.7, ConcealmentKind.DOOR_BAGS, 30.0, door_end=DoorEnd.LEFT
    )
    a, b = simulate_scan(right, 11), simulate_scan(left, 11)
    np.testing.assert_array_equal(a.channels[6000][:, ::-1], b.channels[6000])
    np.testing.assert_array_equal(a.mask[:, ::-1], b.mask)
    cols = a.shape[1]
    assert [(cols - c.box[2], c.box[1], cols - c.box[0], c.box[3]) for c in a.concealments] == [
        c.box for c in b.concealments
    ]
    assert np.argwhere(b.mask)[:, 1].max() < cols * 0.2  # the bags sit at the doors, now on the left


def test_to_scan_builds_synthetic_domain_scan() -> None:
    sim = simulate_scan(ScanSpec(ContainerKind.DRY_20, CargoClass.SUGAR, pixel_mm=8.0), seed=12)
    scan = sim.to_scan("SIM-0001", container_number="MSCU1234566")
    assert scan.meta.synthetic and scan.meta.source_format == "SIM"
    assert scan.meta.pixel_spacing_mm == (8.0, 8.0) and scan.meta.energies_kv == (6000, 4000)
    assert scan.meta.door_end is DoorEnd.RIGHT and scan.shape == sim.shape
    np.testing.assert_array_equal(scan.high, sim.channels[6000])
    pre = sim.to_scan("SIM-0002", origin=ScanOrigin.PRE_DEPARTURE, partner_port="ECGYE")
    assert pre.meta.partner_port == "ECGYE"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"pixel_mm": 2.0}, "pixel_mm"),
        ({"pixel_mm": 13.0}, "pixel_mm"),
        ({"concealment": ConcealmentKind.BRICKS_IN_CARGO, "concealment_kg": -1.0}, "concealment_kg"),
        ({"concealment_kg": 5.0}, "concealment_kg"),
        ({"concealment": ConcealmentKind.DOOR_BAGS, "concealment_kg": 0.0}, "concealment_kg"),
        ({"fill": 1.5}, "fill"),
        ({"energies_kv": (6000, 6000)}, "energies_kv"),
        ({"energies_kv": (450,)}, "energies_kv"),
        ({"door_end": DoorEnd.UNKNOWN}, "door_end"),
        ({"concealment": ConcealmentKind.REEFER_UNIT, "concealment_kg": 5.0}, "REEFER_UNIT"),
        ({"concealment": ConcealmentKind.HOLLOW_LOGS, "concealment_kg": 5.0}, "HOLLOW_LOGS"),
    ],
)
def test_bad_spec_raises_a_clear_value_error(changes: dict[str, object], field: str) -> None:
    arguments: dict[str, object] = {"kind": ContainerKind.DRY_20, "cargo": CargoClass.COFFEE, **changes}
    with pytest.raises(ValueError, match=field):
        ScanSpec(**arguments)  # type: ignore[arg-type]


def test_single_energy_scan_has_one_channel() -> None:
    scan = simulate_scan(ScanSpec(ContainerKind.DRY_20, CargoClass.EMPTY, energies_kv=(6000,)), seed=1)
    assert set(scan.channels) == {6000}
    assert scan.to_scan("one").low is None


MASS_CASES = [*CASES, (ContainerKind.DRY_20, CargoClass.COCOA, ConcealmentKind.IMPREGNATED)]


@pytest.mark.parametrize(("kind", "cargo", "concealment"), MASS_CASES)
@pytest.mark.parametrize("kg", [0.7, 6.0, 150.0])
def test_rasterised_cocaine_mass_equals_the_declared_kilograms(
    kind: ContainerKind, cargo: CargoClass, concealment: ConcealmentKind, kg: float
) -> None:
    scene = build_scene(ScanSpec(kind, cargo, 0.8, concealment, kg), seed=3)
    for pixel_mm in (5.0, 11.0):
        maps = MaterialMaps(make_grid(scene.body, pixel_mm))
        for unit in scene.units:
            for primitive in unit.primitives:
                if primitive.material == COCAINE:
                    maps.add(primitive)
        grams = float(maps.maps[COCAINE].sum(dtype=np.float64)) * (pixel_mm / 10.0) ** 2
        assert grams / 1000.0 == pytest.approx(kg, rel=0.06), (pixel_mm, grams)
    assert sum(unit.kg for unit in scene.units) == pytest.approx(kg, rel=1e-6)


def test_signal_is_what_the_concealment_adds_and_nothing_elsewhere() -> None:
    spec = ScanSpec(ContainerKind.REEFER_40, CargoClass.BANANAS, 0.8, ConcealmentKind.DOOR_BAGS, 30.0)
    scan, signal = simulate_with_signal(spec, 5)
    assert signal is not None and signal.shape == scan.shape
    assert np.array_equal(scan.channels[6000], simulate_scan(spec, 5).channels[6000])
    assert float(signal[scan.mask].mean()) > 1.0  # 30 kg of bags in the door gap
    far = ~ndimage.binary_dilation(scan.mask, iterations=6)
    assert float(np.abs(signal[far]).max()) < 0.05  # blur reaches a few pixels; noise draws are the same
    clean = ScanSpec(ContainerKind.REEFER_40, CargoClass.BANANAS, 0.8)
    assert simulate_with_signal(clean, 5)[1] is None
    assert simulate_with_signal(spec, 5, signal=False)[1] is None


def test_shift_moves_the_container_in_the_frame() -> None:
    spec = ScanSpec(ContainerKind.DRY_20, CargoClass.EMPTY, 0.0, pixel_mm=5.0)
    still = _p(simulate_scan(spec, 2))
    moved = _p(simulate_scan(spec, 2, shift_m=(0.05, 0.0)))  # ten pixels along the length
    assert still.shape == moved.shape

    def first_column(p: np.ndarray) -> int:
        return int(np.flatnonzero((p > 0.03).mean(axis=0) > 0.3)[0])

    assert first_column(moved) - first_column(still) == 10
