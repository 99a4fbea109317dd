"""Standard identifiers: ISO 6346 container numbers, IMO numbers, UN/LOCODEs and HS 2022 codes.

Each is a plain ``str`` at run time, validated and normalised by a pydantic ``AfterValidator``; the
``parse_*`` functions do the same outside pydantic models and raise :class:`InvalidIdentifier`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Annotated

from pydantic import AfterValidator
from stdnum import imo as _imo
from stdnum import iso6346 as _iso6346
from stdnum.exceptions import ValidationError as _StdnumError

from cargoscreen.domain.errors import InvalidIdentifier
from cargoscreen.domain.reference import hs_nomenclature, known_locodes

_LOCODE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")
_HS = re.compile(r"^\d{2}(\d{2}){0,2}$")


@lru_cache(maxsize=131072)
def parse_container_number(value: str) -> str:
    """Return the compact ISO 6346 form (``MSCU1234566``) or raise naming the fault."""
    compact = re.sub(r"[\s\-/]", "", value).upper()
    try:
        return str(_iso6346.validate(compact))
    except _StdnumError as exc:
        reason = "wrong check digit" if "checksum" in type(exc).__name__.lower() else str(exc)
        if len(compact) == 11 and compact[:10].isalnum() and compact[-1].isdigit():
            try:
                expected = _iso6346.calc_check_digit(compact[:10])
                reason = f"wrong check digit (expected {expected})"
            except (_StdnumError, ValueError, KeyError, IndexError):
                pass
        raise InvalidIdentifier("container number", value, reason) from None


def parse_imo_number(value: str) -> str:
    """Return the 7-digit IMO number (``9321483``) or raise naming the fault."""
    try:
        return str(_imo.validate(value))
    except _StdnumError as exc:
        raise InvalidIdentifier("IMO number", value, str(exc) or type(exc).__name__) from None


def parse_un_locode(value: str) -> str:
    """Return a UN/LOCODE known to the shipped port list (``BEANR``), or raise."""
    compact = value.replace(" ", "").upper()
    if not _LOCODE.match(compact):
        raise InvalidIdentifier("UN/LOCODE", value, "not 2 letters of country and 3 of place")
    if compact not in known_locodes():
        raise InvalidIdentifier("UN/LOCODE", value, "not in the curated port list")
    return compact


def parse_hs_code(value: str) -> str:
    """Return an HS 2022 chapter, heading or subheading (2, 4 or 6 digits) found in the nomenclature."""
    compact = re.sub(r"[\s.]", "", value)
    if not _HS.match(compact):
        raise InvalidIdentifier("HS code", value, "not 2, 4 or 6 digits")
    if compact not in hs_nomenclature():
        raise InvalidIdentifier("HS code", value, "not in the HS 2022 nomenclature")
    return compact


ContainerNumber = Annotated[str, AfterValidator(parse_container_number)]
ImoNumber = Annotated[str, AfterValidator(parse_imo_number)]
UnLocode = Annotated[str, AfterValidator(parse_un_locode)]
HsCode = Annotated[str, AfterValidator(parse_hs_code)]


def container_check_digit(first_ten: str) -> str:
    """The ISO 6346 check digit of an owner code, category and serial (``MSCU123456`` → ``6``)."""
    return str(_iso6346.calc_check_digit(first_ten))
