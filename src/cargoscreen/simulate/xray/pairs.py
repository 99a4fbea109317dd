"""Scan pairs: a partner port's pre-departure scan and the Antwerp arrival scan of the same container.

Same cargo layout; a different scanner: its own noise, a slightly different pixel size and position of the
container in the frame. With a rip-on, duffel bags were put behind the doors after the first scan.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from cargoscreen.domain.scans import MAX_PIXEL_MM, MIN_PIXEL_MM, ConcealmentKind, DoorEnd
from cargoscreen.simulate.xray.concealment import Unit
from cargoscreen.simulate.xray.materials import COCAINE
from cargoscreen.simulate.xray.raster import Grid, MaterialMaps
from cargoscreen.simulate.xray.scene import build_scene, hide
from cargoscreen.simulate.xray.simulator import MASK_G_CM2, SimulatedScan, make_grid, render
from cargoscreen.simulate.xray.spec import ScanSpec, spec_problems

BoolImage = npt.NDArray[np.bool_]
PAIR_SCALE = 0.03  # the arrival scanner's pixel differs by up to ±3 %
PAIR_SHIFT_M = (0.06, 0.02)  # and the container sits up to this much elsewhere in the frame (x, y)


@dataclass(frozen=True, eq=False)
class ScanPair:
    """Pre-departure and arrival scans; ``added_mask`` marks (on the arrival image) mass added between."""

    pre: SimulatedScan
    arrival: SimulatedScan
    added_kg: float
    added_mask: BoolImage = field(repr=False)


def simulate_pair(spec: ScanSpec, seed: int, *, rip_on: bool, added_kg: float = 0.0) -> ScanPair:
    """Simulate both scans of one container; with ``rip_on`` add ``added_kg`` (drawn 20-150 kg if 0)."""
    problems = spec_problems(spec)
    if added_kg < 0 or added_kg != added_kg:
        problems.append(f"added_kg {added_kg} is negative")
    elif added_kg > 0 and not rip_on:
        problems.append(f"added_kg {added_kg} given without rip_on")
    if problems:
        raise ValueError("bad pair: " + "; ".join(problems))
    pre_stream, arrival_stream, rip_stream, pre_noise, arrival_noise = np.random.SeedSequence(seed).spawn(5)
    scene = build_scene(spec, seed)
    arrival_rng = np.random.default_rng(arrival_stream)
    rip_rng = np.random.default_rng(rip_stream)
    del pre_stream
    added: tuple[Unit, ...] = ()
    if rip_on:
        kg = added_kg if added_kg > 0 else round(float(rip_rng.uniform(20.0, 150.0)), 3)
        added = tuple(hide(ConcealmentKind.DOOR_BAGS, scene.layout, rip_rng, kg, scene.cocaine_density))
    pixel = float(
        np.clip(
            spec.pixel_mm * (1.0 + arrival_rng.uniform(-PAIR_SCALE, PAIR_SCALE)), MIN_PIXEL_MM, MAX_PIXEL_MM
        )
    )
    shift = (
        float(arrival_rng.uniform(-PAIR_SHIFT_M[0], PAIR_SHIFT_M[0])),
        float(arrival_rng.uniform(-PAIR_SHIFT_M[1], PAIR_SHIFT_M[1])),
    )
    pre = render(scene, make_grid(scene.body, spec.pixel_mm), seed, np.random.default_rng(pre_noise))
    arrival_grid = make_grid(scene.body, pixel, shift)
    arrival = render(scene.with_units(added), arrival_grid, seed, np.random.default_rng(arrival_noise))
    mask = _units_mask(added, arrival_grid, spec.door_end)
    return ScanPair(pre, arrival, round(sum(u.kg for u in added), 3), mask)


def _units_mask(units: tuple[Unit, ...], grid: Grid, door_end: DoorEnd) -> BoolImage:
    maps = MaterialMaps(grid)
    for unit in units:
        for primitive in unit.primitives:
            if primitive.material == COCAINE:
                maps.add(primitive)
    layer = maps.maps.get(COCAINE)
    mask = layer > MASK_G_CM2 if layer is not None else np.zeros((grid.rows, grid.cols), dtype=bool)
    return np.ascontiguousarray(mask[:, ::-1]) if door_end is DoorEnd.LEFT else mask
