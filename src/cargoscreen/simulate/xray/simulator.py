"""simulate_scan: one SYNTHETIC dual-energy side-view scan with its ground truth (mask, boxes, kg)."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt

from cargoscreen.domain.scans import (
    P_SCALE,
    ConcealmentKind,
    DoorEnd,
    Scan,
    ScanMetadata,
    ScanOrigin,
    encode_attenuation,
)
from cargoscreen.simulate.xray import detector
from cargoscreen.simulate.xray.container import Body
from cargoscreen.simulate.xray.materials import COCAINE
from cargoscreen.simulate.xray.raster import Grid, MaterialMaps
from cargoscreen.simulate.xray.scene import Scene, build_scene
from cargoscreen.simulate.xray.spec import ScanSpec, spec_problems

UInt16Image = npt.NDArray[np.uint16]
BoolImage = npt.NDArray[np.bool_]
FloatImage = npt.NDArray[np.float32]
MARGIN_M = 0.10  # air around the container in the image
MASK_G_CM2 = 0.01  # cocaine areal density above which a pixel belongs to the concealment mask
SIMULATED_EPOCH = datetime(2025, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class SimulatedConcealment:
    """One hiding place in the image: method, kilograms, pixel box (x0, y0, x1, y1), ends exclusive."""

    kind: ConcealmentKind
    kg: float
    box: tuple[int, int, int, int]


@dataclass(frozen=True, eq=False)
class SimulatedScan:
    """A SYNTHETIC scan: uint16 P codes per kV, the concealment mask and the hiding places."""

    spec: ScanSpec
    seed: int
    channels: dict[int, UInt16Image] = field(repr=False)
    mask: BoolImage = field(repr=False)
    concealments: tuple[SimulatedConcealment, ...] = ()
    pixel_mm: float = 0.0  # actual pixel size (a pair's arrival scan may differ slightly from spec)

    @property
    def shape(self) -> tuple[int, int]:
        rows, cols = self.mask.shape
        return int(rows), int(cols)

    @property
    def concealed_kg(self) -> float:
        return float(sum(c.kg for c in self.concealments))

    def to_scan(
        self,
        scan_id: str,
        *,
        container_number: str | None = None,
        scanned_at: datetime | None = None,
        scanner: str = "SIM-1",
        site: str = "BEANR",
        origin: ScanOrigin = ScanOrigin.ARRIVAL,
        partner_port: str | None = None,
    ) -> Scan:
        """The domain ``Scan`` (metadata marked synthetic, source format ``SIM``)."""
        pixel = self.pixel_mm or self.spec.pixel_mm
        meta = ScanMetadata(
            scan_id=scan_id,
            container_number=container_number,
            container_id_raw=container_number or "",
            scanner=scanner,
            site=site,
            origin=origin,
            partner_port=partner_port,
            scanned_at=scanned_at or SIMULATED_EPOCH + timedelta(seconds=self.seed % 31_536_000),
            door_end=self.spec.door_end,
            pixel_spacing_mm=(pixel, pixel),
            energies_kv=self.spec.energies_kv,
            source_format="SIM",
            synthetic=True,
        )
        return Scan(meta=meta, channels=dict(self.channels))


def make_grid(b: Body, pixel_mm: float, shift_m: tuple[float, float] = (0.0, 0.0)) -> Grid:
    """Pixel grid covering the container and a margin of air; ``shift_m`` moves the container (x, y)."""
    pixel = pixel_mm / 1000.0
    cols = math.ceil((b.length + 2 * MARGIN_M) / pixel)
    rows = math.ceil((b.height + 2 * MARGIN_M) / pixel)
    return Grid(rows, cols, pixel, -MARGIN_M - shift_m[0], -MARGIN_M - shift_m[1])


def simulate_scan(spec: ScanSpec, seed: int, *, shift_m: tuple[float, float] = (0.0, 0.0)) -> SimulatedScan:
    """Simulate one scan of ``spec``; the same seed gives the same pixels.

    ``shift_m`` moves the container in the frame (x, y metres), as another scanner would place it.
    """
    return simulate_with_signal(spec, seed, shift_m=shift_m, signal=False)[0]


def simulate_with_signal(
    spec: ScanSpec, seed: int, *, shift_m: tuple[float, float] = (0.0, 0.0), signal: bool = True
) -> tuple[SimulatedScan, FloatImage | None]:
    """``simulate_scan`` and what the concealment adds to the scan's high-energy P, pixel by pixel.

    The signal is the scan minus the same scene rendered without its hiding places, with the same noise
    draws: what the beam can show of the concealment (cocaine that only replaces cargo of the same density,
    or sits behind saturating door steel, adds next to nothing). None without a concealment or when not
    asked for.
    """
    problems = spec_problems(spec)
    if problems:
        raise ValueError("bad ScanSpec: " + "; ".join(problems))
    scene = build_scene(spec, seed)
    grid = make_grid(scene.body, spec.pixel_mm, shift_m)
    noise_seed = np.random.SeedSequence(seed).spawn(5)[4]
    scan = render(scene, grid, seed, np.random.default_rng(noise_seed))
    if not signal or not scene.units:
        return scan, None
    bare = render(dataclasses.replace(scene, units=()), grid, seed, np.random.default_rng(noise_seed))
    kv = spec.energies_kv[0]
    added = (scan.channels[kv].astype(np.float32) - bare.channels[kv].astype(np.float32)) / np.float32(
        P_SCALE
    )
    return scan, added


def render(scene: Scene, grid: Grid, seed: int, noise_rng: np.random.Generator) -> SimulatedScan:
    """Rasterise a scene on a grid, apply detector physics, encode, orient the door end."""
    maps = MaterialMaps(grid)
    for primitive in scene.primitives:
        maps.add(primitive)
    boxes = []
    for unit in scene.units:
        footprint: tuple[int, int, int, int] | None = None
        for primitive in unit.primitives:
            placed = maps.add(primitive)
            if placed is not None and primitive.material == COCAINE:
                footprint = placed if footprint is None else _union(footprint, placed)
        if footprint is not None:
            r0, r1, c0, c1 = footprint
            boxes.append(SimulatedConcealment(unit.kind, round(unit.kg, 3), (c0, r0, c1, r1)))
    _apply_texture(scene, maps)
    maps.clamp()
    cocaine = maps.maps.get(COCAINE)
    mask = cocaine > MASK_G_CM2 if cocaine is not None else np.zeros((grid.rows, grid.cols), dtype=bool)
    readings = detector.channels(maps, scene.spec.energies_kv, noise_rng)
    codes = {kv: encode_attenuation(p) for kv, p in readings.items()}
    if scene.spec.door_end is DoorEnd.LEFT:
        codes = {kv: np.ascontiguousarray(image[:, ::-1]) for kv, image in codes.items()}
        mask = np.ascontiguousarray(mask[:, ::-1])
        boxes = [
            SimulatedConcealment(
                c.kind, c.kg, (grid.cols - c.box[2], c.box[1], grid.cols - c.box[0], c.box[3])
            )
            for c in boxes
        ]
    return SimulatedScan(scene.spec, seed, codes, mask, tuple(boxes), grid.pixel_m * 1000.0)


def _union(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    return min(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), max(a[3], b[3])


def _apply_texture(scene: Scene, maps: MaterialMaps) -> None:
    layout = scene.layout
    present = [m for m in layout.textured if m in maps.maps]
    if not present or layout.texture_amplitude <= 0:
        return
    extent = (scene.body.length, scene.body.height)
    noise = detector.texture_field(maps.grid, scene.texture_seed, layout.texture_scale, extent)
    noise *= np.float32(layout.texture_amplitude)
    noise += np.float32(1.0)
    for material in present:
        maps.maps[material] *= noise
