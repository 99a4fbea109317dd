"""Unpalletised cargo: jute bags of coffee and cocoa, sugar big-bags, timber logs, machinery, empty boxes."""

from __future__ import annotations

import numpy as np

from cargoscreen.simulate.xray.container import Body, across
from cargoscreen.simulate.xray.layout import Hold, Layout, Log
from cargoscreen.simulate.xray.materials import COCOA, COFFEE, COPPER, JUTE, POLYETHYLENE, STEEL, SUGAR, WOOD
from cargoscreen.simulate.xray.raster import Box, Shape, Tiled


def bagged(body: Body, rng: np.random.Generator, fill: float, material: str, bulk: float) -> Layout:
    """Jute or PP bags laid flat across the width, brick-bonded layers, a stepped face toward the doors."""
    layout = Layout(body=body)
    bag_x, bag_y, across_count = 0.50, 0.24, 3
    depth = min(0.75 * across_count, body.inner_width - 0.08)
    layers = int((body.inner_height - 0.12) // bag_y)
    usable = body.cargo_x1 - body.cargo_x0 - 0.15
    end = body.cargo_x0 + max(fill, 0.05) * usable
    sack = JUTE if material in (COFFEE, COCOA) else POLYETHYLENE
    for layer in range(layers):
        y1 = body.floor_y - layer * bag_y
        offset = 0.0 if layer % 2 == 0 else bag_x / 2.0
        x0 = body.cargo_x0 + 0.02 + offset
        # the top layers step back near the doors (the last stack is loaded lower)
        step = bag_x * max(0, layer - layers + 3) * float(rng.uniform(0.5, 1.5))
        count = int((end - x0 - step) // bag_x)
        if count < 1:
            continue
        values = bulk * depth * 100.0 * (1.0 + 0.05 * rng.standard_normal((1, count)))
        layout.primitives.append(
            Tiled(
                material,
                x0,
                x0 + count * bag_x,
                y1 - bag_y,
                y1,
                values,
                seam=0.006,
                wall_material=sack,
                wall_areal=3.0,
                shape_x=Shape.SQUASHED,
                shape_y=Shape.PILLOW,
            )
        )
        layout.holds.append(Hold(x0, x0 + count * bag_x, y1 - bag_y, y1, depth, material, bulk))
        layout.cargo_end = max(layout.cargo_end, x0 + count * bag_x)
    layout.textured = (material,)
    layout.texture_amplitude = 0.04
    layout.texture_scale = 0.03
    return layout


def coffee(body: Body, rng: np.random.Generator, fill: float) -> Layout:
    return bagged(body, rng, fill, COFFEE, 0.62)


def cocoa(body: Body, rng: np.random.Generator, fill: float) -> Layout:
    return bagged(body, rng, fill, COCOA, 0.56)


def sugar(body: Body, rng: np.random.Generator, fill: float) -> Layout:
    """Big-bags (1 t, ~1 m cube, two across, one or two high) or, sometimes, 50 kg PP bags."""
    if rng.random() < 0.35:
        return bagged(body, rng, fill, SUGAR, 0.80)
    layout = Layout(body=body)
    size, height = 1.05, 1.12
    high = 2 if body.inner_height >= 2 * height + 0.1 else 1
    per_row = int((body.cargo_x1 - body.cargo_x0 - 0.15) // size)
    count = min(max(round(fill * per_row), 1), per_row)
    x0 = body.cargo_x0 + 0.03
    depth = 2 * 1.0
    for level in range(high):
        y1 = body.floor_y - level * height
        n = count if level == 0 else max(count - int(rng.integers(0, 3)), 1)
        values = 0.85 * depth * 100.0 * (1.0 + 0.04 * rng.standard_normal((1, n)))
        layout.primitives.append(
            Tiled(
                SUGAR,
                x0,
                x0 + n * size,
                y1 - height,
                y1,
                values,
                seam=0.01,
                wall_material=POLYETHYLENE,
                wall_areal=1.5,
                shape_x=Shape.SQUASHED,
                shape_y=Shape.SQUASHED,
            )
        )
        layout.holds.append(Hold(x0, x0 + n * size, y1 - height, y1, depth, SUGAR, 0.85))
        layout.cargo_end = max(layout.cargo_end, x0 + n * size)
    layout.textured = (SUGAR,)
    layout.texture_amplitude = 0.025
    layout.texture_scale = 0.05
    return layout


def timber(body: Body, rng: np.random.Generator, fill: float) -> Layout:
    """Round logs lying along the container, stacked layer on layer (payload limits the height)."""
    layout = Layout(body=body)
    end = body.cargo_x0 + max(fill * (body.cargo_x1 - body.cargo_x0 - 0.1), 2.0)  # a load has a log or two
    top_limit = body.floor_y - max(0.5, min(fill, 1.0) * 0.75 * body.inner_height)
    base = body.floor_y
    while base - 0.3 > top_limit:
        z, biggest = 0.0, 0.0
        while True:
            d = float(rng.uniform(0.3, 0.75))
            if z + d > body.inner_width - 0.02:
                break
            z += d + float(rng.uniform(0.0, 0.05))
            biggest = max(biggest, d)
            _add_log(layout, rng, body.cargo_x0, end, base - d / 2.0, d / 2.0)
        base -= max(biggest, 0.3) * 0.85
    layout.cargo_end = max((log.x1 for log in layout.logs), default=body.cargo_x0)
    if layout.logs:  # the voids between logs, where bricks can be pushed in
        top = min(log.yc - log.radius for log in layout.logs)
        layout.holds.append(Hold(body.cargo_x0, layout.cargo_end, top, body.floor_y, 0.4, WOOD, 0.0))
    layout.textured = (WOOD,)
    layout.texture_amplitude = 0.05
    layout.texture_scale = 0.10
    return layout


def _add_log(
    layout: Layout, rng: np.random.Generator, x_start: float, x_end: float, yc: float, r: float
) -> None:
    x = x_start + float(rng.uniform(0.0, 0.3))
    while x_end - x > 1.5:
        length = min(float(rng.uniform(3.0, 11.8)), x_end - x)
        density = float(rng.uniform(0.55, 0.95))
        taper = float(rng.uniform(0.85, 0.97))  # the top end of a log is thinner
        for k, (a, b) in enumerate(((x, x + length / 2.0), (x + length / 2.0, x + length))):
            radius = r * (1.0 if k == 0 else taper)
            areal = density * 2.0 * radius * 100.0
            layout.primitives.append(
                Box(WOOD, a, b, yc - radius, yc + radius, areal, Shape.FLAT, Shape.ROUND)
            )
            layout.logs.append(Log(a, b, yc, radius, density))
        x += length + float(rng.uniform(0.05, 0.4))


def machinery(body: Body, rng: np.random.Generator, fill: float) -> Layout:
    """Machines on skids or in crates: steel frames, housings, motors, shafts; irregular and dense."""
    layout = Layout(body=body)
    x = body.cargo_x0 + float(rng.uniform(0.05, 0.4))
    end = body.cargo_x0 + max(fill, 0.1) * (body.cargo_x1 - body.cargo_x0 - 0.1)
    while x < end - 0.6:
        length = min(float(rng.uniform(0.8, 3.0)), end - x)
        height = float(rng.uniform(0.4, min(1.9, body.inner_height - 0.3)))
        depth = float(rng.uniform(0.6, 2.0))
        _machine(layout, rng, x, x + length, body.floor_y - 0.1 - height, body.floor_y - 0.1, depth)
        layout.primitives.append(across(body, WOOD, x, x + length, body.floor_y - 0.1, body.floor_y, 0.25))
        layout.cargo_end = max(layout.cargo_end, x + length)
        x += length + float(rng.uniform(0.1, 0.6))
    layout.textured = ()
    return layout


def _machine(
    layout: Layout, rng: np.random.Generator, x0: float, x1: float, y0: float, y1: float, depth: float
) -> None:
    body = layout.body
    parts = layout.primitives
    parts.append(Box(STEEL, x0, x1, y1 - 0.12, y1, 2 * 0.8 * 7.85))  # base frame channels
    parts.append(Box(STEEL, x0, x1, y0, y1 - 0.12, float(rng.uniform(5.0, 40.0))))  # housing and internals
    for _ in range(int(rng.integers(2, 8))):
        w = float(rng.uniform(0.1, 0.6)) * (x1 - x0)
        h = float(rng.uniform(0.1, 0.7)) * (y1 - y0)
        cx = float(rng.uniform(x0, x1 - w))
        cy = float(rng.uniform(y0, y1 - h))
        kind = rng.random()
        if kind < 0.35:  # motor: steel with copper windings
            parts.append(
                Box(STEEL, cx, cx + w, cy, cy + h, float(rng.uniform(30, 140)), Shape.ROUND, Shape.ROUND)
            )
            parts.append(
                Box(
                    COPPER,
                    cx + w * 0.2,
                    cx + w * 0.8,
                    cy + h * 0.2,
                    cy + h * 0.8,
                    15.0,
                    Shape.ROUND,
                    Shape.ROUND,
                )
            )
        elif kind < 0.6:  # gearbox or block
            parts.append(Box(STEEL, cx, cx + w, cy, cy + h, float(rng.uniform(40, 200))))
        elif kind < 0.8:  # shaft or hydraulic cylinder along x
            d = float(rng.uniform(0.04, 0.2))
            parts.append(Box(STEEL, cx, cx + w, cy, cy + d, 7.85 * d * 100.0, Shape.FLAT, Shape.ROUND))
        else:  # plate across the width, seen edge-on
            parts.append(
                across(body, STEEL, cx, cx + 0.015, cy, cy + h, 7.85 * min(depth / body.inner_width, 1.0))
            )
    layout.holds.append(Hold(x0, x1, y0, y1, depth, STEEL, 0.0))
    if rng.random() < 0.4:  # crate: boards on top, bottom and ends
        parts.append(Box(WOOD, x0, x1, y0 - 0.03, y1, 2 * 2.0 * 0.5))
        parts.append(Box(WOOD, x0, x0 + 0.02, y0 - 0.03, y1, 0.5 * depth * 100.0))
        parts.append(Box(WOOD, x1 - 0.02, x1, y0 - 0.03, y1, 0.5 * depth * 100.0))


def empty(body: Body, rng: np.random.Generator, fill: float) -> Layout:
    """An empty box; now and then some dunnage or a forgotten pallet on the floor."""
    del fill
    layout = Layout(body=body, cargo_end=body.cargo_x0)
    if rng.random() < 0.3:
        for _ in range(int(rng.integers(1, 5))):
            x = float(rng.uniform(body.cargo_x0, body.cargo_x1 - 1.0))
            layout.primitives.append(
                Box(WOOD, x, x + float(rng.uniform(0.5, 2.4)), body.floor_y - 0.05, body.floor_y, 5.0)
            )
    return layout
