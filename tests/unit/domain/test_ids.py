"""ISO 6346, IMO, UN/LOCODE and HS 2022 identifiers: valid ones normalised, invalid ones named."""

from __future__ import annotations

import pytest

from cargoscreen.domain.errors import InvalidIdentifier
from cargoscreen.domain.ids import (
    container_check_digit,
    parse_container_number,
    parse_hs_code,
    parse_imo_number,
    parse_un_locode,
)


@pytest.mark.parametrize("raw", ["MSCU1234566", "mscu 123456 6", "MSCU-123456-6", "TGHU9876542"])
def test_valid_container_numbers_are_compacted(raw: str) -> None:
    assert parse_container_number(raw) == raw.upper().replace(" ", "").replace("-", "")


def test_wrong_check_digit_names_the_expected_digit() -> None:
    with pytest.raises(InvalidIdentifier) as info:
        parse_container_number("MSCU1234567")
    assert "wrong check digit (expected 6)" in str(info.value)
    assert info.value.kind == "container number"


@pytest.mark.parametrize("raw", ["MSC1234566", "MSCU12345", "", "12345678901"])
def test_malformed_container_numbers_are_rejected(raw: str) -> None:
    with pytest.raises(InvalidIdentifier):
        parse_container_number(raw)


def test_check_digit_of_first_ten_characters() -> None:
    assert container_check_digit("MSCU123456") == "6"


def test_imo_numbers() -> None:
    assert parse_imo_number("IMO 9321483") == "9321483"
    with pytest.raises(InvalidIdentifier, match="IMO number '9321484'"):
        parse_imo_number("9321484")


def test_un_locode_known_and_unknown() -> None:
    assert parse_un_locode("be anr") == "BEANR"
    with pytest.raises(InvalidIdentifier, match="not in the curated port list"):
        parse_un_locode("XXZZZ")
    with pytest.raises(InvalidIdentifier, match="2 letters of country"):
        parse_un_locode("BE1")


@pytest.mark.parametrize("raw, expected", [("0803.90", "080390"), ("08", "08"), ("0901", "0901")])
def test_hs_codes_in_the_2022_nomenclature(raw: str, expected: str) -> None:
    assert parse_hs_code(raw) == expected


@pytest.mark.parametrize("raw, reason", [("08039", "not 2, 4 or 6 digits"), ("080399", "not in the HS 2022")])
def test_malformed_hs_codes(raw: str, reason: str) -> None:
    with pytest.raises(InvalidIdentifier, match=reason):
        parse_hs_code(raw)
