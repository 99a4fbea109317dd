"""Container bodies (ISO 668) as scene primitives: walls, roof, floor, frame, doors and reefer machinery.

Side view: the beam crosses the container's width. Parts that span the width (roof sheet, floor, cross-
members, headers, front wall, doors) are seen edge-on and are dense; side walls are crossed twice. A
diverging fan beam smears the parts spanning the width vertically by about ``W * |h - h_source| / D``;
``across`` spreads their mass over that band so that roof and floor look like bands, not single lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cargoscreen.domain.scans import ContainerKind
from cargoscreen.simulate.xray.materials import ALUMINIUM, COPPER, POLYETHYLENE, POLYURETHANE, STEEL
from cargoscreen.simulate.xray.raster import Box, Corrugated, Primitive, Shape

STEEL_RHO = 7.85
SOURCE_DISTANCE_M = 25.0  # effective source-to-container distance that sets the perspective smear


@dataclass(frozen=True)
class Body:
    """Outer and inner dimensions (m) of one container kind; x from the front end, y from the roof top."""

    kind: ContainerKind
    length: float
    height: float
    width: float
    inner_width: float
    cargo_x0: float
    cargo_x1: float
    ceiling_y: float
    floor_y: float

    @property
    def reefer(self) -> bool:
        return self.kind.reefer

    @property
    def inner_height(self) -> float:
        return self.floor_y - self.ceiling_y


def body(kind: ContainerKind) -> Body:
    """ISO 668 outer sizes; inner sizes typical of steel dry boxes and integral reefers (REEFER_40 is 9'6")."""
    length = 6.058 if kind.length_ft == 20 else 12.192
    height = 2.896 if kind in (ContainerKind.HIGH_CUBE_40, ContainerKind.REEFER_40) else 2.591
    if kind.reefer:
        inner_length = 5.444 if kind.length_ft == 20 else 11.583
        inner_height = 2.276 if kind is ContainerKind.REEFER_20 else 2.554
        floor_y = height - 0.20
        front = length - inner_length - 0.11
        return Body(kind, length, height, 2.438, 2.294, front, length - 0.11, floor_y - inner_height, floor_y)
    inner_height = 2.698 if kind is ContainerKind.HIGH_CUBE_40 else 2.393
    floor_y = height - 0.17
    return Body(kind, length, height, 2.438, 2.352, 0.08, length - 0.08, floor_y - inner_height, floor_y)


def across(b: Body, material: str, x0: float, x1: float, y0: float, y1: float, density: float) -> Box:
    """A part spanning the inner width (seen edge-on), its mass smeared by the fan beam's perspective.

    ``density`` is the part's mean density (g/cm³) over its true cross-section [x0, x1] x [y0, y1].
    """
    middle = (y0 + y1) / 2.0
    spread = b.inner_width * abs(middle - b.height / 2.0) / SOURCE_DISTANCE_M
    height = max(y1 - y0 + spread, 1e-4)
    areal = density * b.inner_width * 100.0 * (y1 - y0) / height
    return Box(material, x0, x1, middle - height / 2.0, middle + height / 2.0, areal)


def structure(b: Body, rng: np.random.Generator) -> list[Primitive]:
    """All structural primitives of one container body (a little random wear: dents, patched panels)."""
    parts: list[Primitive] = []
    parts += _frame(b)
    parts += _reefer_shell(b) if b.reefer else _dry_shell(b, rng)
    parts += _doors(b)
    if b.reefer:
        parts += _reefer_unit(b, rng)
    return parts


def _frame(b: Body) -> list[Primitive]:
    L, H = b.length, b.height
    parts: list[Primitive] = [
        # top side rails: two square tubes 60x60x3 mm along the length
        Box(STEEL, 0.0, L, 0.0, 0.06, 2 * 2 * 0.3 * STEEL_RHO),
        Box(STEEL, 0.0, L, 0.0, 0.003, 2 * 6.0 * STEEL_RHO),
        Box(STEEL, 0.0, L, 0.057, 0.06, 2 * 6.0 * STEEL_RHO),
        # bottom side rails: two C-channels 158 mm x 4.5 mm
        Box(STEEL, 0.0, L, H - 0.17, H - 0.012, 2 * 0.45 * STEEL_RHO),
        Box(STEEL, 0.0, L, H - 0.17, H - 0.1655, 2 * 3.0 * STEEL_RHO),
        Box(STEEL, 0.0, L, H - 0.0165, H - 0.012, 2 * 3.0 * STEEL_RHO),
    ]
    for x0 in (0.0, L - 0.15):  # corner posts, near and far side: hollow sections with 6 mm walls
        parts.append(Box(STEEL, x0, x0 + 0.15, 0.06, H - 0.12, 2 * 1.2 * STEEL_RHO))
        parts.append(Box(STEEL, x0, x0 + 0.006, 0.06, H - 0.12, 2 * 10.0 * STEEL_RHO))
        parts.append(Box(STEEL, x0 + 0.144, x0 + 0.15, 0.06, H - 0.12, 2 * 10.0 * STEEL_RHO))
    for x0 in (0.0, L - 0.178):  # corner castings (two along the beam at each corner)
        for y0 in (0.0, H - 0.118):
            parts.append(Box(STEEL, x0, x0 + 0.178, y0, y0 + 0.118, 2 * 16.2 * STEEL_RHO * 0.45))
    # front and rear top rails (headers) and bottom rails (sills) across the width
    parts.append(across(b, STEEL, 0.0, 0.12, 0.0, 0.10, STEEL_RHO * 0.25))
    parts.append(across(b, STEEL, L - 0.16, L, 0.0, 0.18, STEEL_RHO * 0.22))
    parts.append(across(b, STEEL, 0.0, 0.12, H - 0.17, H - 0.02, STEEL_RHO * 0.2))
    parts.append(across(b, STEEL, L - 0.16, L, H - 0.17, H - 0.02, STEEL_RHO * 0.25))
    # floor cross-members: C-sections 122 mm deep every ~0.3 m, about 17 % steel in their outline
    pitch = 0.30 if not b.reefer else 0.60
    for xc in np.arange(0.25, L - 0.2, pitch):
        parts.append(across(b, STEEL, xc - 0.0225, xc + 0.0225, b.floor_y + 0.028, b.floor_y + 0.15, 1.35))
    return parts


def _dry_shell(b: Body, rng: np.random.Generator) -> list[Primitive]:
    L = b.length
    parts: list[Primitive] = [
        # side walls: 1.6 mm corrugated sheet crossed twice; webs inclined ~43 deg (path x1.36)
        Corrugated(STEEL, 0.15, L - 0.15, 0.06, b.floor_y, 2 * 0.16 * STEEL_RHO, 0.278, 0.28, 1.36),
        # roof: 2 mm sheet spanning the width (transverse corrugation shallow)
        across(b, STEEL, 0.0, L, b.ceiling_y - 0.025, b.ceiling_y - 0.005, STEEL_RHO * 0.1),
        # floor: 28 mm plywood spanning the width
        across(b, "plywood", 0.08, L - 0.08, b.floor_y, b.floor_y + 0.028, 0.70),
    ]
    # front wall: 2 mm corrugated sheet across the width, flats seen edge-on, webs crossed obliquely
    parts += _edge_on_wall(b, 0.02, 0.065, 0.2)
    # occasional repair patch on a side wall (a second sheet)
    if rng.random() < 0.3:
        x0 = float(rng.uniform(0.5, L - 1.5))
        y0 = float(rng.uniform(0.3, b.floor_y - 0.8))
        parts.append(
            Box(STEEL, x0, x0 + rng.uniform(0.3, 1.0), y0, y0 + rng.uniform(0.3, 0.7), 0.2 * STEEL_RHO)
        )
    return parts


def _edge_on_wall(b: Body, x0: float, x1: float, thickness_cm: float) -> list[Primitive]:
    """A corrugated sheet spanning the width: its outer and inner flats are seen edge-on (dense lines)."""
    flat_path = b.inner_width * 100.0 * 0.4 * STEEL_RHO  # each flat family covers ~40 % of the width
    webs = 16 * thickness_cm * 1.4 * STEEL_RHO
    t = thickness_cm / 100.0
    return [
        Box(STEEL, x0, x0 + t, 0.06, b.floor_y + 0.02, flat_path),
        Box(STEEL, x1 - t, x1, 0.06, b.floor_y + 0.02, flat_path),
        Box(STEEL, x0 + t, x1 - t, 0.06, b.floor_y + 0.02, webs),
    ]


def _reefer_shell(b: Body) -> list[Primitive]:
    L, H = b.length, b.height
    top, floor = b.ceiling_y, b.floor_y
    return [
        # side walls: stainless skin 1 mm, ~75 mm foam, aluminium lining 1 mm; crossed twice
        Corrugated(STEEL, 0.15, L - 0.15, 0.06, floor, 2 * 0.1 * STEEL_RHO, 0.10, 0.3, 1.15),
        Box(ALUMINIUM, 0.2, L - 0.12, top, floor, 2 * 0.1 * 2.7),
        Box(POLYURETHANE, 0.2, L - 0.12, 0.06, floor, 2 * 7.5 * 0.04),
        # roof: skin, foam and lining spanning the width
        across(b, STEEL, 0.0, L, 0.0, 0.004, STEEL_RHO * 0.25),
        across(b, POLYURETHANE, 0.2, L - 0.1, 0.004, top - 0.002, 0.04),
        across(b, ALUMINIUM, 0.2, L - 0.1, top - 0.002, top, 2.7 * 0.5),
        # T-floor: aluminium T-bars 60 mm high (about 12 % metal), then foam and a steel base
        across(b, ALUMINIUM, b.cargo_x0, L - 0.1, floor, floor + 0.06, 2.7 * 0.12),
        across(b, POLYURETHANE, b.cargo_x0, L - 0.1, floor + 0.06, H - 0.03, 0.04),
        across(b, STEEL, 0.2, L - 0.1, H - 0.03, H - 0.026, STEEL_RHO),
    ]


def _doors(b: Body) -> list[Primitive]:
    L, H = b.length, b.height
    y0, y1 = 0.18, H - 0.17
    parts: list[Primitive] = []
    if b.reefer:
        # insulated doors: two stainless skins seen edge-on and 90 mm of foam between
        parts.append(Box(STEEL, L - 0.105, L - 0.104, y0, y1, b.inner_width * 100.0 * STEEL_RHO * 0.9))
        parts.append(Box(STEEL, L - 0.012, L - 0.011, y0, y1, b.inner_width * 100.0 * STEEL_RHO * 0.9))
        parts.append(Box(POLYURETHANE, L - 0.104, L - 0.012, y0, y1, b.inner_width * 100.0 * 0.04))
        parts.append(Box(POLYETHYLENE, L - 0.115, L - 0.105, y0, y1, 8.0))  # door gaskets and seals
    else:
        parts += [
            Box(STEEL, L - 0.06, L - 0.058, y0, y1, b.inner_width * 100.0 * 0.35 * STEEL_RHO),
            Box(STEEL, L - 0.032, L - 0.030, y0, y1, b.inner_width * 100.0 * 0.35 * STEEL_RHO),
            Box(STEEL, L - 0.058, L - 0.032, y0, y1, 14 * 0.2 * 1.4 * STEEL_RHO),
        ]
    # four locking bars (27 mm pipes) outside the doors, their cam keepers and handles
    parts.append(Box(STEEL, L - 0.029, L - 0.002, y0, y1, 4 * 1.6 * STEEL_RHO, shape_x=Shape.ROUND))
    for yc in (y0 + 0.05, y1 - 0.05):
        parts.append(Box(STEEL, L - 0.035, L, yc - 0.04, yc + 0.04, 4 * 2.5 * STEEL_RHO))
    yh = H * 0.55
    parts.append(Box(STEEL, L - 0.04, L, yh - 0.08, yh + 0.08, 2 * 2.0 * STEEL_RHO))
    for yc in np.linspace(y0 + 0.25, y1 - 0.25, 4):  # hinges on both door leaves
        parts.append(Box(STEEL, L - 0.05, L - 0.005, float(yc) - 0.04, float(yc) + 0.04, 2 * 2.5 * STEEL_RHO))
    return parts


def _reefer_unit(b: Body, rng: np.random.Generator) -> list[Primitive]:
    """The machinery block at the front end: compressor, coils, fans, control box, frame, bulkhead."""
    H = b.height
    unit = b.cargo_x0 - 0.08  # machinery depth; an insulated bulkhead closes it off
    jitter = float(rng.uniform(-0.03, 0.03))
    return [
        # unit frame: steel members around the recess
        Box(STEEL, 0.0, unit, 0.06, H - 0.12, 6.0),
        Box(STEEL, unit - 0.02, unit, 0.06, H - 0.12, 60.0),
        # compressor (semi-hermetic cast iron, ~0.3 m) low in the unit
        Box(STEEL, 0.10, 0.42 + jitter, H - 0.70, H - 0.30, 110.0, Shape.ROUND, Shape.ROUND),
        Box(COPPER, 0.12, 0.40 + jitter, H - 0.62, H - 0.38, 20.0, Shape.ROUND, Shape.ROUND),
        # receiver / water-cooled condenser tank
        Box(STEEL, 0.05, 0.35, H - 0.95, H - 0.78, 22.0, Shape.FLAT, Shape.ROUND),
        # air-cooled condenser coil (copper tubes in aluminium fins) and its fan motor
        Corrugated(COPPER, 0.02, 0.14, H - 1.55, H - 1.0, 6.0, 0.025, 0.5, 2.5),
        Box(ALUMINIUM, 0.02, 0.14, H - 1.55, H - 1.0, 14.0),
        Box(STEEL, 0.15, 0.32, H - 1.40, H - 1.15, 45.0, Shape.ROUND, Shape.ROUND),
        Box(COPPER, 0.17, 0.30, H - 1.36, H - 1.19, 18.0, Shape.ROUND, Shape.ROUND),
        # control box and cabling
        Box(STEEL, 0.02, 0.12, H - 2.05, H - 1.65, 9.0),
        Box(COPPER, 0.03, 0.11, H - 2.0, H - 1.7, 3.0),
        Box(POLYETHYLENE, 0.03, 0.11, H - 2.0, H - 1.7, 6.0),
        # evaporator coil and fans, high inside the unit
        Corrugated(COPPER, unit - 0.16, unit - 0.04, 0.25, 0.95, 5.0, 0.025, 0.5, 2.5),
        Box(ALUMINIUM, unit - 0.16, unit - 0.04, 0.25, 0.95, 12.0),
        Box(STEEL, unit - 0.22, unit - 0.10, 0.30, 0.45, 35.0, Shape.ROUND, Shape.ROUND),
        # insulated bulkhead between machinery and cargo space
        Box(POLYURETHANE, unit, b.cargo_x0, 0.06, b.floor_y, b.inner_width * 100.0 * 0.04),
        Box(ALUMINIUM, b.cargo_x0 - 0.002, b.cargo_x0, 0.06, b.floor_y, b.inner_width * 100.0 * 2.7 * 0.5),
    ]
