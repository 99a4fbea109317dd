"""Places on the globe: great-circle distances and the nearest port of the curated UN/LOCODE list."""

from __future__ import annotations

from functools import cache

import numpy as np

from cargoscreen.domain.reference import ports

EARTH_RADIUS_KM = 6371.0


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in km."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return float(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(min(1.0, float(a)))))


@cache
def _port_table() -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    known = ports()
    codes = tuple(sorted(known))
    lat = np.radians(np.array([known[c].latitude for c in codes]))
    lon = np.radians(np.array([known[c].longitude for c in codes]))
    return codes, lat, lon


def nearest_port(latitude: float, longitude: float) -> tuple[str, float]:
    """The nearest port of the curated list and its distance in km."""
    codes, lat, lon = _port_table()
    p = np.radians(latitude)
    a = np.sin((lat - p) / 2) ** 2 + np.cos(p) * np.cos(lat) * np.sin((lon - np.radians(longitude)) / 2) ** 2
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    i = int(np.argmin(km))
    return codes[i], float(km[i])


def port_position(un_locode: str) -> tuple[float, float] | None:
    """Latitude and longitude of a port of the curated list, or ``None``."""
    port = ports().get(un_locode)
    return None if port is None else (port.latitude, port.longitude)


def place_of(
    latitude: float | None, longitude: float | None, un_locode: str | None, radius_km: float
) -> str | None:
    """The port a report was made at: its UN/LOCODE if given, else the nearest port within ``radius_km``."""
    if un_locode:
        return un_locode
    if latitude is None or longitude is None:
        return None
    code, km = nearest_port(latitude, longitude)
    return code if km <= radius_km else None
