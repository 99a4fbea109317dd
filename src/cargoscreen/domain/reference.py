"""Reference data shipped with the package: the curated UN/LOCODE port list and HS 2022."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Port:
    """A port of the curated UN/LOCODE list, with coordinates and the role it plays here."""

    un_locode: str
    name: str
    country: str
    latitude: float
    longitude: float
    region: str
    role: str


@dataclass(frozen=True, slots=True)
class HsEntry:
    """One line of the HS 2022 nomenclature."""

    hs_code: str
    description: str
    section: str
    parent: str
    level: int


def _read_package_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("cargoscreen.data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def ports() -> dict[str, Port]:
    """The curated port list, by UN/LOCODE."""
    return {
        row["un_locode"]: Port(
            un_locode=row["un_locode"],
            name=row["name"],
            country=row["country"],
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
            region=row["region"],
            role=row["role"],
        )
        for row in _read_package_csv("unlocode_ports.csv")
    }


@cache
def known_locodes() -> frozenset[str]:
    """Every UN/LOCODE of the curated list."""
    return frozenset(ports())


@cache
def hs_nomenclature() -> dict[str, HsEntry]:
    """HS 2022 chapters, headings and subheadings by code."""
    entries = {}
    for row in _read_package_csv("harmonized-system.csv"):
        if row["hscode"] in {"TOTAL"}:
            continue
        entries[row["hscode"]] = HsEntry(
            hs_code=row["hscode"],
            description=row["description"],
            section=row["section"],
            parent=row["parent"],
            level=int(row["level"]),
        )
    return entries
