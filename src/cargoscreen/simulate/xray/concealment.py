"""Cocaine hidden in a loaded container, by concealment method (DOMAIN.md, modus operandi).

Every builder returns ``Unit``s: one hiding place each (a brick cluster, a duffel bag, a cavity …) with its
kilograms, its footprint in metres and its primitives. Bricks inside cargo displace the cargo they
replace; structural cavities add mass where there was air. Cocaine HCl is drawn at 1.0-1.3 g/cm³, packed
with wrapping (90 % of the volume is product).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cargoscreen.domain.scans import ConcealmentKind
from cargoscreen.simulate.xray.container import Body, across
from cargoscreen.simulate.xray.layout import Hold, Layout
from cargoscreen.simulate.xray.materials import COCAINE, POLYETHYLENE, STEEL, WOOD
from cargoscreen.simulate.xray.raster import Box, Primitive, Shape, Tiled

PACKING = 0.9  # share of a package's volume that is product (the rest wrapping and air)
BRICK_X, BRICK_Y = 0.17, 0.045  # a ~1 kg brick seen side-on, lying flat
PILLOW_MEAN = 0.8  # mean of 1 - s^4 over s in [-1, 1]


@dataclass(frozen=True)
class Unit:
    """One hiding place: kilograms of cocaine, its footprint (m) and its primitives."""

    kind: ConcealmentKind
    kg: float
    x0: float
    x1: float
    y0: float
    y1: float
    primitives: tuple[Primitive, ...]


def split_mass(rng: np.random.Generator, kg: float, parts: int) -> list[float]:
    """Split ``kg`` into ``parts`` positive shares that sum to ``kg``."""
    shares = rng.dirichlet(np.full(parts, 4.0))
    return [float(kg * share) for share in shares]


def brick_block(
    x0: float, y0: float, w: float, h: float, depth: float, rho: float, rng: np.random.Generator
) -> list[Primitive]:
    """Bricks packed in a block ``w`` x ``h`` (seen) and ``depth`` along the beam, as a brick-pattern tile."""
    nx = max(round(w / BRICK_X), 1)
    ny = max(round(h / BRICK_Y), 1)
    seam = min(0.004, w / nx / 4, h / ny / 4)
    # the seams between bricks hold no product: the bricks themselves carry the block's whole mass
    scale = (w / nx) / (w / nx - seam) * (h / ny) / (h / ny - seam)
    values = scale * rho * PACKING * depth * 100.0 * (1.0 + 0.03 * rng.standard_normal((ny, nx)))
    return [
        Tiled(COCAINE, x0, x0 + w, y0, y0 + h, values, seam, POLYETHYLENE, 0.4 * depth),
        Box(POLYETHYLENE, x0, x0 + w, y0, y0 + h, 0.01 * depth * 100.0),  # wrapping and tape
    ]


def block_size(
    rng: np.random.Generator, volume_m3: float, max_w: float, max_h: float, max_d: float
) -> tuple[float, float, float]:
    """Width, height, depth (m) of a package of ``volume_m3`` fitting, where possible, in the limits."""
    d = float(rng.uniform(0.12, max(min(0.5, max_d), 0.12)))
    h = float(rng.uniform(0.045, max(min(0.35, max_h), 0.045)))
    w = volume_m3 / (d * h)
    if w > max_w:  # too long: make it deeper, then taller
        d = min(max_d, volume_m3 / (h * max_w))
        h = min(max_h, volume_m3 / (d * max_w))
        w = volume_m3 / (d * h)
    return max(w, 0.03), h, d


def bricks_in_cargo(layout: Layout, rng: np.random.Generator, kg: float, rho: float) -> list[Unit]:
    """Brick clusters inside the cargo (in cartons, among bags, between logs), displacing cargo."""
    clusters = 1 if kg < 5 else int(rng.integers(1, min(6, int(kg // 5)) + 1))
    holds = layout.holds or [_floor_hold(layout.body)]
    units = []
    for share in split_mass(rng, kg, clusters):
        hold = holds[int(rng.integers(len(holds)))]
        volume = share / (rho * PACKING) / 1000.0
        w, h, d = block_size(rng, volume, hold.x1 - hold.x0 - 0.02, hold.y1 - hold.y0 - 0.02, hold.depth)
        x0 = float(rng.uniform(hold.x0, max(hold.x1 - w, hold.x0)))
        y0 = float(rng.uniform(hold.y0, max(hold.y1 - h, hold.y0)))
        parts = brick_block(x0, y0, w, h, d, rho, rng)
        if hold.bulk > 0:  # the cargo the bricks replace
            parts.append(Box(hold.material, x0, x0 + w, y0, y0 + h, -hold.bulk * d * 100.0))
        units.append(Unit(ConcealmentKind.BRICKS_IN_CARGO, share, x0, x0 + w, y0, y0 + h, tuple(parts)))
    return units


def _floor_hold(b: Body) -> Hold:
    return Hold(b.cargo_x0 + 0.3, b.cargo_x1 - 0.3, b.floor_y - 0.4, b.floor_y, 1.0, WOOD, 0.0)


def door_bags(layout: Layout, rng: np.random.Generator, kg: float, rho: float) -> list[Unit]:
    """Duffel bags (20-40 kg each) just behind the doors: in the door gap, or on top of the cargo."""
    b = layout.body
    count = max(math.ceil(kg / float(rng.uniform(20.0, 40.0))), 1)
    length = float(rng.uniform(0.65, 0.9))  # bags lie across the width: the beam runs along them
    per_stack = max(int(b.inner_width // length), 1)
    gap = layout.door_gap
    units = []
    for index, share in enumerate(split_mass(rng, kg, count)):
        volume = share / (rho * 0.8) / 1000.0  # bricks in a soft bag: more air than a tight block
        side = math.sqrt(volume / length)
        slot = index // per_stack
        if gap >= 0.12:  # stand them in the gap, stacked up from the floor against the doors
            sx = min(side, gap - 0.02)
            sy = volume / (length * sx)
            x1 = b.cargo_x1 - 0.01 - (slot // 4) * sx
            y1 = b.floor_y - (slot % 4) * sy * 0.9
        else:  # lay them on the cargo near the doors
            sx = side * 1.4
            sy = volume / (length * sx)
            x1 = b.cargo_x1 - 0.02 - slot * sx
            y1 = max(layout.top_near_doors(), b.ceiling_y + sy + 0.01)
        x0, y0 = x1 - sx, y1 - sy
        # mean of the pillow profile is 0.8 per axis: the peak carries the bag's mass over its outline
        peak = rho * 0.8 * length * 100.0 / PILLOW_MEAN**2
        parts: list[Primitive] = [
            Box(COCAINE, x0, x1, y0, y1, peak, Shape.PILLOW, Shape.PILLOW),
            Box(POLYETHYLENE, x0, x1, y0, y1, 0.08 * length * 100.0 * 0.1, Shape.PILLOW, Shape.PILLOW),
        ]
        units.append(Unit(ConcealmentKind.DOOR_BAGS, share, x0, x1, y0, y1, tuple(parts)))
    return units


def slab(
    rng: np.random.Generator, volume: float, thickness: float, max_length: float, max_width: float
) -> tuple[float, float, float]:
    """Length (seen), width (along the beam) and thickness (m) of a flat package of ``volume`` m³.

    Small packages stay compact (at least 15 cm long); big ones widen to ``max_width``, then lengthen,
    then thicken.
    """
    width = float(rng.uniform(0.3, 1.0)) * max_width
    length = volume / (thickness * width)
    if length < 0.15:
        length = 0.15
        width = volume / (thickness * length)
    elif length > max_length:
        width = max_width
        length = min(volume / (thickness * width), max_length)
        thickness = volume / (length * width)
    return length, width, thickness


def floor_cavity(layout: Layout, rng: np.random.Generator, kg: float, rho: float) -> list[Unit]:
    """Packages between the floor cross-members, under the plywood, closed with a steel plate."""
    b = layout.body
    volume = kg / (rho * PACKING) / 1000.0
    room = b.cargo_x1 - b.cargo_x0 - 0.4
    length, width, h = slab(rng, volume, float(rng.uniform(0.06, 0.10)), room, b.inner_width - 0.05)
    h = min(h, 0.115)
    y0 = b.floor_y + 0.03
    x0 = float(rng.uniform(b.cargo_x0 + 0.2, max(b.cargo_x1 - 0.2 - length, b.cargo_x0 + 0.2)))
    share = volume / (length * h * b.inner_width)  # mean fill of the cavity across the whole width
    parts = (
        across(b, COCAINE, x0, x0 + length, y0, y0 + h, rho * PACKING * share),
        across(b, STEEL, x0, x0 + length, y0 + h, y0 + h + 0.003, 7.85 * width / b.inner_width),
    )
    return [Unit(ConcealmentKind.FLOOR_CAVITY, kg, x0, x0 + length, parts[0].y0, parts[0].y1, parts)]


def roof_cavity(layout: Layout, rng: np.random.Generator, kg: float, rho: float) -> list[Unit]:
    """A false ceiling: packages in a 5-12 cm space under the roof, held by a thin plate."""
    b = layout.body
    volume = kg / (rho * PACKING) / 1000.0
    room = b.cargo_x1 - b.cargo_x0 - 0.4
    length, width, h = slab(rng, volume, float(rng.uniform(0.05, 0.12)), room, b.inner_width - 0.1)
    x0 = float(rng.uniform(b.cargo_x0 + 0.2, max(b.cargo_x1 - 0.2 - length, b.cargo_x0 + 0.2)))
    y0 = b.ceiling_y
    share = volume / (length * h * b.inner_width)
    parts = (
        across(b, COCAINE, x0, x0 + length, y0, y0 + h, rho * PACKING * share),
        across(b, STEEL, x0, x0 + length, y0 + h, y0 + h + 0.0015, 7.85 * width / b.inner_width),
    )
    return [Unit(ConcealmentKind.ROOF_CAVITY, kg, x0, x0 + length, parts[0].y0, parts[0].y1, parts)]


def false_front_wall(
    layout: Layout, rng: np.random.Generator, kg: float, rho: float, depth: float
) -> list[Unit]:
    """Packages stacked from the floor in a cavity ``depth`` m deep behind a second, false front wall."""
    b = layout.body
    x0 = b.cargo_x0 - depth  # the cargo was loaded behind the false wall
    volume = kg / (rho * PACKING) / 1000.0
    height, width, depth_used = slab(rng, volume, depth, b.inner_height - 0.05, b.inner_width - 0.1)
    parts: list[Primitive] = [
        Box(COCAINE, x0, x0 + depth_used, b.floor_y - height, b.floor_y, rho * PACKING * width * 100.0),
        Box(
            STEEL, b.cargo_x0 - 0.004, b.cargo_x0 - 0.002, b.ceiling_y, b.floor_y, b.inner_width * 100.0 * 3.9
        ),
    ]
    unit = Unit(
        ConcealmentKind.FALSE_FRONT_WALL, kg, x0, x0 + depth_used, b.floor_y - height, b.floor_y, tuple(parts)
    )
    return [unit]


def reefer_unit(layout: Layout, rng: np.random.Generator, kg: float, rho: float) -> list[Unit]:
    """Packages pushed into the machinery space between condenser and evaporator."""
    b = layout.body
    unit = b.cargo_x0 - 0.08
    blocks = 1 if kg < 40 else 2
    units = []
    for index, share in enumerate(split_mass(rng, kg, blocks)):
        volume = share / (rho * PACKING) / 1000.0
        depth = float(rng.uniform(0.5, b.inner_width - 0.2))
        w = float(rng.uniform(0.12, unit - 0.06))
        h = min(volume / (depth * w), 0.8)
        depth = volume / (w * h)
        x0 = float(rng.uniform(0.03, unit - w - 0.02))
        y0 = 1.0 + index * 0.85 + float(rng.uniform(0.0, 0.05))
        parts = tuple(brick_block(x0, y0, w, h, depth, rho, rng))
        units.append(Unit(ConcealmentKind.REEFER_UNIT, share, x0, x0 + w, y0, y0 + h, parts))
    return units


def hollow_logs(layout: Layout, rng: np.random.Generator, kg: float, rho: float) -> list[Unit]:
    """Logs bored out along their axis and filled with packages, the ends plugged with wood."""
    logs = sorted(layout.logs, key=lambda log: -log.radius)[: max(len(layout.logs) // 2, 1)]
    volume = kg / (rho * PACKING) / 1000.0
    plan: list[tuple[float, float, float, float, float]] = []  # x0, length, yc, rc, wood density
    left = volume
    for index in rng.permutation(len(logs)):
        log = logs[int(index)]
        rc = log.radius * float(rng.uniform(0.35, 0.6))
        rc = min(rc, math.sqrt(left / (math.pi * 0.15)))  # a small load makes a narrow bore, not a short one
        length = min(left / (math.pi * rc * rc), log.x1 - log.x0 - 0.2)
        if length <= 0.05:
            continue
        plan.append((log.x0 + 0.1, length, log.yc, rc, log.density))
        left -= math.pi * rc * rc * length
        if left <= volume * 1e-6:
            break
    if not plan:
        raise ValueError("HOLLOW_LOGS needs timber logs in the container")
    used = sum(math.pi * rc * rc * length for _, length, _, rc, _ in plan)
    packing = PACKING * volume / used  # bores too few for the load are packed tighter
    units = []
    for x0, length, yc, rc, density in plan:
        parts = (
            Box(WOOD, x0, x0 + length, yc - rc, yc + rc, -density * 2 * rc * 100.0, Shape.FLAT, Shape.ROUND),
            Box(
                COCAINE,
                x0,
                x0 + length,
                yc - rc,
                yc + rc,
                rho * packing * 2 * rc * 100.0,
                Shape.FLAT,
                Shape.ROUND,
            ),
        )
        share = kg * math.pi * rc * rc * length / used
        units.append(Unit(ConcealmentKind.HOLLOW_LOGS, share, x0, x0 + length, yc - rc, yc + rc, parts))
    return units


def impregnated(layout: Layout, rng: np.random.Generator, kg: float) -> list[Unit]:
    """Cocaine soaked into cargo or packaging: mass spread thinly over the load, no shape at all."""
    b = layout.body
    holds = [h for h in layout.holds if h.x1 - h.x0 > 0.05 and h.y1 - h.y0 > 0.05]
    holds = holds or [Hold(b.cargo_x0, b.cargo_x1, b.floor_y - 0.05, b.floor_y, 1.0, WOOD, 0.0)]
    # the whole load is soaked (one consignment of impregnated goods); small loads a few pallets only
    count = len(holds) if kg >= 20 else min(len(holds), int(rng.integers(1, 4)))
    chosen = [holds[int(i)] for i in sorted(rng.choice(len(holds), size=count, replace=False))]
    area = sum((h.x1 - h.x0) * (h.y1 - h.y0) for h in chosen) * 1e4  # cm²
    units = []
    for hold in chosen:
        share = kg * (hold.x1 - hold.x0) * (hold.y1 - hold.y0) * 1e4 / area
        areal = share * 1000.0 / ((hold.x1 - hold.x0) * (hold.y1 - hold.y0) * 1e4)
        box = Box(COCAINE, hold.x0, hold.x1, hold.y0, hold.y1, areal)
        units.append(Unit(ConcealmentKind.IMPREGNATED, share, hold.x0, hold.x1, hold.y0, hold.y1, (box,)))
    return units
