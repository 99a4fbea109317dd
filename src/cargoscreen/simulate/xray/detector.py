"""From areal-density maps to detector readings: polychromatic P, blur, photon and electronic noise, limits.

Per channel: P_ideal from the spectrum lookup (beam hardening included); T = exp(-P) blurred by the
detector's point spread (crosstalk, focal spot; gaussian ~2 mm); quantum noise with the variance of
``N0 * T`` detected photons (N0 scaled by pixel area), electronic noise, a fixed per-row gain pattern and
residual per-column linac pulse fluctuation; then the dynamic-range floor ``T >= 1e-5`` (P <= 11.5).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import ndimage

from cargoscreen.simulate.xray.raster import Grid, MaterialMaps
from cargoscreen.simulate.xray.spectrum import attenuation_from_basis, basis_coefficients

Float32Array = npt.NDArray[np.float32]

BLUR_MM = 2.0  # gaussian sigma of the detector's point spread
T_FLOOR = 1e-5  # dynamic range: P never reads above -ln(1e-5) = 11.5
ELECTRONIC_SIGMA = 2.5e-6  # in units of open-beam signal
ROW_GAIN_SIGMA = 0.002  # residual detector-element gain after calibration
PULSE_SIGMA = 0.003  # residual linac pulse-to-pulse fluctuation (per column) after dose monitoring
#: open-beam detected photons per 5 mm pixel (the lower endpoint yields less)
PHOTONS_5MM = {6000: 4.0e5, 4000: 2.5e5}


def basis_maps(maps: MaterialMaps) -> tuple[Float32Array, Float32Array]:
    """Water- and steel-equivalent areal densities (g/cm²) summed over all materials."""
    shape = (maps.grid.rows, maps.grid.cols)
    water = np.zeros(shape, dtype=np.float32)
    steel = np.zeros(shape, dtype=np.float32)
    for material, layer in maps.maps.items():
        cw, cs = basis_coefficients(material)
        if cw:
            water += np.float32(cw) * layer
        if cs:
            steel += np.float32(cs) * layer
    return water, steel


def texture_field(grid: Grid, seed: int, scale_m: float, extent: tuple[float, float]) -> Float32Array:
    """A smooth zero-mean unit-variance random field fixed in container coordinates (m), on ``grid``.

    Values live on a lattice of ``scale_m`` spacing over the container, so two grids of the same scene
    (a scan pair) see the same texture.
    """
    rng = np.random.default_rng(seed)
    length, height = extent
    nx = int(np.ceil(length / scale_m)) + 3
    ny = int(np.ceil(height / scale_m)) + 3
    lattice = rng.standard_normal((ny, nx)).astype(np.float32)
    xs = (grid.x_origin + (np.arange(grid.cols) + 0.5) * grid.pixel_m) / scale_m + 1.0
    ys = (grid.y_origin + (np.arange(grid.rows) + 0.5) * grid.pixel_m) / scale_m + 1.0
    ix = np.clip(np.floor(xs).astype(np.intp), 0, nx - 2)
    iy = np.clip(np.floor(ys).astype(np.intp), 0, ny - 2)
    fx = np.clip(xs - ix, 0.0, 1.0).astype(np.float32)
    fy = np.clip(ys - iy, 0.0, 1.0).astype(np.float32)
    along = lattice[:, ix] * (1 - fx) + lattice[:, ix + 1] * fx
    field: Float32Array = along[iy] * (1 - fy)[:, None] + along[iy + 1] * fy[:, None]
    # linear interpolation lowers the variance; restore roughly unit variance
    field *= np.float32(1.0 / 0.67)
    return field


def read_out(
    attenuation: Float32Array, kv: int, pixel_mm: float, rng: np.random.Generator, row_gain: Float32Array
) -> Float32Array:
    """Detector reading P for one channel, from the ideal attenuation P."""
    transmission = np.exp(-attenuation)
    sigma_px = BLUR_MM / pixel_mm
    if sigma_px > 0.2:
        transmission = ndimage.gaussian_filter(transmission, sigma_px, mode="nearest", truncate=3.0)
    photons = PHOTONS_5MM.get(kv, 3.0e5 * kv / 6000) * (pixel_mm / 5.0) ** 2
    # quantum (variance T/N0) and electronic noise are independent gaussians: draw their sum at once
    noise = rng.standard_normal(transmission.shape, dtype=np.float32)
    variance = transmission * np.float32(1.0 / photons)
    variance += np.float32(ELECTRONIC_SIGMA**2)
    noise *= np.sqrt(variance)
    transmission += noise
    pulse = np.asarray(1.0 + PULSE_SIGMA * rng.standard_normal(transmission.shape[1]), dtype=np.float32)
    transmission *= row_gain[:, None]
    transmission *= pulse[None, :]
    np.clip(transmission, T_FLOOR, 1.5, out=transmission)
    reading: Float32Array = -np.log(transmission)
    return reading


def channels(
    maps: MaterialMaps, energies_kv: tuple[int, ...], rng: np.random.Generator
) -> dict[int, Float32Array]:
    """Detector P per energy channel (float32) for the areal-density maps."""
    water, steel = basis_maps(maps)
    row_gain = (1.0 + ROW_GAIN_SIGMA * rng.standard_normal(maps.grid.rows)).astype(np.float32)
    pixel_mm = maps.grid.pixel_m * 1000.0
    readings = {}
    for kv in energies_kv:
        ideal = attenuation_from_basis(kv, water, steel)
        readings[kv] = read_out(ideal, kv, pixel_mm, rng, row_gain)
    return readings
