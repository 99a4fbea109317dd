"""Palletised cargo: cartons of bananas, pineapples, frozen fish and mixed goods (side view).

Pallets stand in rows across the width; the beam crosses every row, so a pixel sums the cartons of all
rows at that height. Carton walls seen edge-on draw faint lines, gaps between cartons light ones, and
each carton's content varies a little: that is the texture a declared-cargo model learns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cargoscreen.simulate.xray.container import Body
from cargoscreen.simulate.xray.layout import Hold, Layout
from cargoscreen.simulate.xray.materials import (
    ALUMINIUM,
    BANANA,
    CARDBOARD,
    FISH,
    GLASS,
    POLYETHYLENE,
    STEEL,
    WATER,
    WOOD,
)
from cargoscreen.simulate.xray.raster import Box, Primitive, Shape, Tiled

PALLET_BASE_M = 0.144


@dataclass(frozen=True)
class Carton:
    """A carton type: size along x and y (m), fill material and bulk density (g/cm³), variation."""

    material: str
    width: float
    height: float
    bulk: float
    spread: float
    wall_areal: float = 0.06  # cardboard g/cm² per cm of beam path where carton sides are seen edge-on


BANANA_BOX = Carton(BANANA, 0.40, 0.24, 0.35, 0.06)
PINEAPPLE_BOX = Carton(BANANA, 0.50, 0.30, 0.30, 0.12)  # pineapple flesh ~ banana (water + sugars)
FISH_BOX = Carton(FISH, 0.40, 0.16, 0.68, 0.07, wall_areal=0.04)


def pallet_positions(
    body: Body, rng: np.random.Generator, fill: float, pallet_len: float, rows: int
) -> list[tuple[int, float, float]]:
    """(row, x0, x1) of the pallets, loaded from the front; ``fill`` sets how far toward the doors."""
    usable = body.cargo_x1 - body.cargo_x0 - 0.12  # the doors need some clearance
    per_row = max(int(usable // pallet_len), 1)
    pallets: list[tuple[int, float, float]] = []
    for row in range(rows):
        count = round(fill * per_row + rng.uniform(-0.4, 0.4))
        count = min(max(count, 1 if fill > 0 else 0), per_row)
        x = body.cargo_x0 + float(rng.uniform(0.0, 0.06))
        for _ in range(count):
            pallets.append((row, x, x + pallet_len))
            x += pallet_len + float(rng.uniform(0.0, 0.04))
    return pallets


def pallet_base(body: Body, x0: float, x1: float, depth: float) -> list[Primitive]:
    """Wooden pallet: top deck, three blocks along x (three deep across the beam), bottom boards."""
    top = body.floor_y - PALLET_BASE_M
    wood = 0.55 * depth * 100.0
    parts: list[Primitive] = [
        Box(WOOD, x0, x1, top, top + 0.022, wood * 0.8),
        Box(WOOD, x0, x1, body.floor_y - 0.022, body.floor_y, wood * 0.5),
    ]
    block = 0.1
    for bx in (x0, (x0 + x1 - block) / 2.0, x1 - block):
        parts.append(Box(WOOD, bx, bx + block, top + 0.022, body.floor_y - 0.022, 0.55 * 30.0))
    return parts


def carton_stack(
    rng: np.random.Generator, carton: Carton, x0: float, x1: float, y1: float, layers: int, depth: float
) -> list[Tiled]:
    """A pallet's cartons seen side-on, one tile per layer: layers are cross-stacked, so the cartons
    alternate between their width and their length along x."""
    level = 1.0 + 0.3 * carton.spread * rng.standard_normal()  # the pallet's own level
    tiles = []
    for layer in range(layers):
        size = carton.width * (1.0 if (layer + int(rng.integers(2))) % 2 == 0 else 1.25)
        across = max(round((x1 - x0) / size), 1)
        values = (
            carton.bulk * depth * 100.0 * level * (1.0 + carton.spread * rng.standard_normal((1, across)))
        )
        top = y1 - (layer + 1) * carton.height
        tiles.append(
            Tiled(
                carton.material,
                x0,
                x1,
                top,
                top + carton.height,
                np.clip(values, 0.0, None),
                seam=0.008,
                wall_material=CARDBOARD,
                wall_areal=carton.wall_areal * depth * 100.0,
            )
        )
    return tiles


def palletised(body: Body, rng: np.random.Generator, fill: float, carton: Carton, max_layers: int) -> Layout:
    """Two rows of pallets across the width, cartons ``max_layers`` high (a few pallets lower)."""
    layout = Layout(body=body)
    depth = 1.0 if body.inner_width < 2.33 else 1.05
    pallet_len = 1.2 if carton is not FISH_BOX else 1.0
    for row, x0, x1 in pallet_positions(body, rng, fill, pallet_len, rows=2):
        del row
        layout.primitives += pallet_base(body, x0, x1, depth)
        room = int((body.floor_y - PALLET_BASE_M - body.ceiling_y - 0.15) // carton.height)
        layers = min(max_layers - int(rng.random() < 0.15), room)
        bottom = body.floor_y - PALLET_BASE_M
        layout.primitives += carton_stack(rng, carton, x0, x1, bottom, layers, depth)
        top = bottom - layers * carton.height
        layout.primitives.append(
            Box(CARDBOARD, x0, x0 + 0.01, top, bottom, 0.6 * depth * 10.0)
        )  # corner boards
        layout.primitives.append(Box(CARDBOARD, x1 - 0.01, x1, top, bottom, 0.6 * depth * 10.0))
        layout.holds.append(Hold(x0, x1, top, bottom, depth, carton.material, carton.bulk))
        layout.cargo_end = max(layout.cargo_end, x1)
    layout.textured = (carton.material,)
    layout.texture_amplitude = 0.05 if carton is not PINEAPPLE_BOX else 0.10
    layout.texture_scale = 0.04 if carton is not PINEAPPLE_BOX else 0.09
    return layout


#: Mixed goods: (fill material, bulk g/cm³ range, carton size range m, extra metal share)
COMMODITIES: tuple[tuple[str, tuple[float, float], tuple[float, float], float], ...] = (
    (CARDBOARD, (0.08, 0.25), (0.25, 0.6), 0.0),  # paper goods, packaging
    (POLYETHYLENE, (0.05, 0.2), (0.3, 0.6), 0.0),  # textiles, plastics, toys
    (WATER, (0.4, 0.7), (0.25, 0.4), 0.0),  # drinks, food in cans and bottles
    (GLASS, (0.15, 0.4), (0.25, 0.4), 0.0),  # glassware, tiles
    (WOOD, (0.25, 0.5), (0.4, 0.9), 0.0),  # furniture
    (ALUMINIUM, (0.03, 0.12), (0.3, 0.6), 0.02),  # appliances, electronics
)


def mixed_cartons(body: Body, rng: np.random.Generator, fill: float) -> Layout:
    """Pallets of different goods, carton sizes and heights: varied densities, irregular tops."""
    layout = Layout(body=body)
    depth = 1.0
    for _row, x0, x1 in pallet_positions(body, rng, fill, 1.2, rows=2):
        material, bulk_range, size_range, metal = COMMODITIES[int(rng.integers(len(COMMODITIES)))]
        bulk = float(rng.uniform(*bulk_range))
        size = float(rng.uniform(*size_range))
        carton = Carton(material, size, size * float(rng.uniform(0.5, 0.9)), bulk, 0.15)
        room = int((body.floor_y - PALLET_BASE_M - body.ceiling_y - 0.2) // carton.height)
        layers = max(int(rng.integers(max(room // 2, 1), room + 1)), 1)
        bottom = body.floor_y - PALLET_BASE_M
        layout.primitives += pallet_base(body, x0, x1, depth)
        layout.primitives += carton_stack(rng, carton, x0, x1, bottom, layers, depth)
        top = bottom - layers * carton.height
        if metal > 0:  # motors and boards in some cartons
            for _ in range(int(rng.integers(2, 8))):
                cx = float(rng.uniform(x0, x1 - 0.1))
                cy = float(rng.uniform(top, bottom - 0.1))
                layout.primitives.append(
                    Box(
                        STEEL, cx, cx + 0.1, cy, cy + 0.1, float(rng.uniform(3, 15)), Shape.ROUND, Shape.ROUND
                    )
                )
        layout.holds.append(Hold(x0, x1, top, bottom, depth, material, bulk))
        layout.cargo_end = max(layout.cargo_end, x1)
    layout.textured = (CARDBOARD, POLYETHYLENE, WATER, WOOD)
    layout.texture_amplitude = 0.08
    layout.texture_scale = 0.06
    return layout
