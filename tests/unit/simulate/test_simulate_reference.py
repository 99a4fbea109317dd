"""The simulator's tables only use ports, HS codes and identifiers the domain knows."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest
from stdnum import imo

from cargoscreen.domain.reference import hs_nomenclature, ports
from cargoscreen.simulate import cargo, names
from cargoscreen.simulate.services import (
    PORT_OF_CALL,
    SERVICES,
    calls_on,
    check_reference,
    imo_with_check_digit,
    service_locodes,
    vessel_pools,
)


def test_every_locode_the_services_use_is_in_the_port_list() -> None:
    check_reference()
    assert service_locodes() <= set(ports())


def test_check_reference_lists_the_missing_codes() -> None:
    broken = replace(SERVICES[0], rotation=("XXAAA", "XXBBB", PORT_OF_CALL))
    with pytest.raises(LookupError, match=r"XXAAA.*XXBBB"):
        check_reference((broken,))


def test_rotations_end_at_antwerp_and_cover_the_named_trades() -> None:
    assert all(s.rotation[-1] == PORT_OF_CALL for s in SERVICES)
    used = service_locodes()
    for code in ("ECGYE", "COCTG", "PAMIT", "BRSSZ", "BRPNG", "BRRIG", "CRMOB", "DOCAU", "CNSHA", "SGSIN"):
        assert code in used
    assert 15 <= len(SERVICES) <= 25


def test_every_hs_code_and_profile_exists() -> None:
    cargo.check_reference()
    nomenclature = hs_nomenclature()
    assert all(p.hs_code in nomenclature for p in cargo.PROFILES.values())


def test_perishables_travel_in_reefers() -> None:
    for profile in cargo.PROFILES.values():
        if profile.perishable:
            assert profile.reefer, profile.key


def test_imo_numbers_carry_a_valid_check_digit_and_are_unique() -> None:
    assert imo_with_check_digit(931946) == "9319466"  # stdnum.imo examples
    assert imo_with_check_digit(881427) == "8814275"
    pools = vessel_pools(np.random.default_rng(0))
    numbers = [v.imo_number for pool in pools.values() for v in pool]
    assert all(imo.is_valid(n) for n in numbers)
    assert len(set(numbers)) == len(numbers)


def test_twenty_to_thirty_vessel_calls_a_day() -> None:
    pools = vessel_pools(np.random.default_rng(0))
    counts = [len(calls_on(date(2026, 3, 9) + timedelta(days=d), pools)) for d in range(7)]
    assert all(18 <= c <= 30 for c in counts), counts


def test_names_are_in_the_local_language() -> None:
    rng = np.random.default_rng(3)
    spanish = [names.company_name("EC", "fruit", rng) for _ in range(40)]
    assert any(any(ch in name for ch in "ÁÉÍÓÚÑ") for name in spanish)
    assert all(name.split()[-1] in {"S.A.", "LTDA."} for name in spanish)
    assert names.company_name("BR", "coffee", rng).split()[-1] in {"LTDA.", "S.A.", "EIRELI"}


@pytest.mark.parametrize(
    ("country", "pattern"), [("BE", r"^BE0\d{9}$"), ("NL", r"^NL\d{9}$"), ("DE", r"^DE\d{7}$")]
)
def test_eori_numbers_have_the_national_shape(country: str, pattern: str) -> None:
    number = names.eori(country, np.random.default_rng(1))
    assert number is not None
    assert re.match(pattern, number)
    assert names.eori("EC", np.random.default_rng(1)) is None


def test_the_simulator_is_a_capability_free_of_frameworks_and_other_layers() -> None:
    code = (
        "import sys, cargoscreen.simulate\n"
        "bad = ['sqlalchemy', 'typer', 'fastapi', 'cargoscreen.store', 'cargoscreen.cli', 'cargoscreen.api',"
        " 'cargoscreen.settings', 'cargoscreen.ingest', 'cargoscreen.pipeline']\n"
        "print(sorted(m for m in sys.modules if any(m == b or m.startswith(b + '.') for b in bad)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
