"""A scene: one container kind, its cargo and hidden cocaine, in metres, independent of any pixel grid.

The same scene rendered on two grids (pixel size, offset) gives the pre-departure and arrival scans of a
pair; a rip-on adds units to the arrival scene only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from cargoscreen.domain.scans import CargoClass, ConcealmentKind
from cargoscreen.simulate.xray import bulk, cargo, concealment
from cargoscreen.simulate.xray.container import Body, body, structure
from cargoscreen.simulate.xray.layout import Layout
from cargoscreen.simulate.xray.raster import Primitive
from cargoscreen.simulate.xray.spec import ScanSpec

CargoBuilder = Callable[[Body, np.random.Generator, float], Layout]

CARGO_BUILDERS: dict[CargoClass, CargoBuilder] = {
    CargoClass.BANANAS: lambda b, rng, fill: cargo.palletised(b, rng, fill, cargo.BANANA_BOX, 8),
    CargoClass.PINEAPPLES: lambda b, rng, fill: cargo.palletised(b, rng, fill, cargo.PINEAPPLE_BOX, 6),
    CargoClass.FROZEN_FISH: lambda b, rng, fill: cargo.palletised(b, rng, fill, cargo.FISH_BOX, 10),
    CargoClass.MIXED_CARTONS: cargo.mixed_cartons,
    CargoClass.COFFEE: bulk.coffee,
    CargoClass.COCOA: bulk.cocoa,
    CargoClass.SUGAR: bulk.sugar,
    CargoClass.TIMBER: bulk.timber,
    CargoClass.MACHINERY: bulk.machinery,
    CargoClass.EMPTY: bulk.empty,
}


@dataclass(frozen=True)
class Scene:
    """Everything the beam meets, plus the ground truth of what is hidden where."""

    spec: ScanSpec
    body: Body
    layout: Layout
    primitives: tuple[Primitive, ...]
    units: tuple[concealment.Unit, ...]
    texture_seed: int
    cocaine_density: float

    def with_units(self, extra: tuple[concealment.Unit, ...]) -> Scene:
        return dataclasses.replace(self, units=self.units + extra)


def build_scene(spec: ScanSpec, seed: int) -> Scene:
    """Draw the container, its cargo and the concealment of ``spec`` (deterministic per ``seed``)."""
    streams = np.random.SeedSequence(seed).spawn(4)
    structure_rng, cargo_rng, hide_rng, texture_rng = (np.random.default_rng(s) for s in streams)
    container = body(spec.kind)
    rho = float(hide_rng.uniform(1.0, 1.3))
    cargo_body = container
    wall_depth = 0.0
    if spec.concealment is ConcealmentKind.FALSE_FRONT_WALL:
        wall_depth = float(hide_rng.uniform(0.12, 0.35))
        cargo_body = dataclasses.replace(container, cargo_x0=container.cargo_x0 + wall_depth)
    fill = spec.fill if spec.cargo is not CargoClass.EMPTY else 0.0
    layout = CARGO_BUILDERS[spec.cargo](cargo_body, cargo_rng, fill)
    units = hide(spec.concealment, layout, hide_rng, spec.concealment_kg, rho, wall_depth)
    parts = tuple(structure(container, structure_rng)) + tuple(layout.primitives)
    return Scene(spec, container, layout, parts, tuple(units), int(texture_rng.integers(2**31)), rho)


def hide(
    kind: ConcealmentKind | None,
    layout: Layout,
    rng: np.random.Generator,
    kg: float,
    rho: float,
    wall_depth: float = 0.2,
) -> list[concealment.Unit]:
    """The units of one concealment method (none when ``kind`` is None)."""
    if kind is None or kg <= 0:
        return []
    if kind is ConcealmentKind.BRICKS_IN_CARGO:
        return concealment.bricks_in_cargo(layout, rng, kg, rho)
    if kind is ConcealmentKind.DOOR_BAGS:
        return concealment.door_bags(layout, rng, kg, rho)
    if kind is ConcealmentKind.FLOOR_CAVITY:
        return concealment.floor_cavity(layout, rng, kg, rho)
    if kind is ConcealmentKind.ROOF_CAVITY:
        return concealment.roof_cavity(layout, rng, kg, rho)
    if kind is ConcealmentKind.FALSE_FRONT_WALL:
        return concealment.false_front_wall(layout, rng, kg, rho, wall_depth)
    if kind is ConcealmentKind.REEFER_UNIT:
        return concealment.reefer_unit(layout, rng, kg, rho)
    if kind is ConcealmentKind.HOLLOW_LOGS:
        return concealment.hollow_logs(layout, rng, kg, rho)
    return concealment.impregnated(layout, rng, kg)
