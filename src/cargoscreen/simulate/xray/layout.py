"""What a cargo builder hands on: primitives, places where contraband can replace cargo, free space."""

from __future__ import annotations

from dataclasses import dataclass, field

from cargoscreen.simulate.xray.container import Body
from cargoscreen.simulate.xray.raster import Primitive


@dataclass(frozen=True)
class Hold:
    """A block of cargo the beam crosses: ``depth`` metres of ``material`` at ``bulk`` g/cm³.

    Bricks hidden here displace the same volume of cargo.
    """

    x0: float
    x1: float
    y0: float
    y1: float
    depth: float
    material: str
    bulk: float


@dataclass(frozen=True)
class Log:
    """One log lying along the container: centre height, radius, extent along x, wood density."""

    x0: float
    x1: float
    yc: float
    radius: float
    density: float


@dataclass
class Layout:
    """A loaded container: primitives of the cargo and what concealment builders need to know."""

    body: Body
    primitives: list[Primitive] = field(default_factory=list)
    holds: list[Hold] = field(default_factory=list)
    logs: list[Log] = field(default_factory=list)
    cargo_end: float = 0.0  # x (m) where the cargo stops toward the doors
    textured: tuple[str, ...] = ()  # fill materials that get the fine texture field
    texture_amplitude: float = 0.0  # relative standard deviation of the texture
    texture_scale: float = 0.05  # correlation length (m)

    @property
    def door_gap(self) -> float:
        """Free length (m) between the cargo and the inside of the doors."""
        return max(self.body.cargo_x1 - max(self.cargo_end, self.body.cargo_x0), 0.0)

    def top_near_doors(self, reach: float = 1.2) -> float:
        """Highest cargo point (smallest y) within ``reach`` of the cargo end; the floor if none."""
        tops = [h.y0 for h in self.holds if h.x1 > self.cargo_end - reach]
        return min(tops, default=self.body.floor_y)
