"""What every message reader shares: the record error and its locator, value readers, record building.

Readers raise :class:`RecordError` (segment, element, reason) while mapping one record; the loop that owns
the record turns it into a :class:`~cargoscreen.domain.quarantine.Rejection` whose locator reads
``message <ref>, segment <n> (<TAG>), line <l>, element <e>``. Elements count from 1 after the tag;
``<e>.<c>`` names component ``c`` of a composite (``element 2.1``); element 0 means the segment as a whole.
Identifiers (container numbers, UN/LOCODEs, IMO and HS codes) are validated once, by the domain records;
:func:`build` turns a record's validation error back into the segment and element the value came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from cargoscreen.domain.quarantine import Rejection
from cargoscreen.domain.records import Seal, SealSource
from cargoscreen.ingest.edifact.syntax import Segment

Model = TypeVar("Model", bound=BaseModel)
Where = tuple[Segment, str]

_INTEGER = re.compile(r"^\d+$")
_DECIMAL = re.compile(r"^(\d+([.,]\d*)?|[.,]\d+)$")
_DTM_FORMATS = {"102": 8, "203": 12, "204": 14}
_UNITS_KG = {"KGM": 1.0, "TNE": 1000.0, "GRM": 0.001, "LBR": 0.45359237}
_SEAL_SOURCES = {source.value: source for source in SealSource}
_FIRST_DIRECTORY, _LAST_DIRECTORY = (1995, "B"), (2021, "A")


class RecordError(Exception):
    """A record that cannot be kept: the segment and element at fault and why."""

    def __init__(self, seg: Segment, element: str, reason: str) -> None:
        self.seg = seg
        self.element = element
        self.reason = reason
        super().__init__(f"segment {seg.number} ({seg.tag}), line {seg.line}, element {element}: {reason}")


@dataclass(frozen=True, slots=True)
class Context:
    """Who sent the message being read and where it came from; builds rejections for it."""

    source_name: str
    source_format: str
    sender: str
    recipient: str
    interchange_ref: str
    message_ref: str

    @property
    def message_key(self) -> str:
        """``sender/interchange/message``, the same key as :attr:`Manifest.message_key`."""
        return f"{self.sender}/{self.interchange_ref}/{self.message_ref}"

    def locator(self, error: RecordError) -> str:
        """``message <ref>, segment <n> (<TAG>), line <l>, element <e>``."""
        seg = error.seg
        where = f"segment {seg.number} ({seg.tag}), line {seg.line}, element {error.element}"
        return f"message {self.message_ref}, {where}"

    def reject(self, scope: str, error: RecordError, raw: str = "") -> Rejection:
        """A rejection of ``scope`` (message, consignment, equipment, event) for this error."""
        return Rejection(
            source_name=self.source_name,
            source_format=self.source_format,
            message_key=self.message_key,
            scope=scope,
            locator=self.locator(error),
            reason=error.reason,
            raw=raw[:20000],
        )


def at(element: int, component: int | None = None) -> str:
    """Element notation for locators: ``2`` or ``2.1``."""
    return str(element) if component is None else f"{element}.{component}"


def text(parts: Iterable[str]) -> str:
    """Join free-text pieces (components, repeated segments) with one space; blanks dropped."""
    return " ".join(part for part in parts if part).strip()


def integer(seg: Segment, element: int, component: int = 1) -> int | None:
    """A whole number, or None when the component is empty."""
    value = seg.value(element, component).strip()
    if not value:
        return None
    if not _INTEGER.match(value):
        raise RecordError(seg, at(element, component), f"{value!r} is not a whole number")
    return int(value)


def decimal(seg: Segment, element: int, component: int = 1) -> float | None:
    """A decimal number (``.`` or ``,`` as decimal mark), or None when the component is empty."""
    value = seg.value(element, component).strip()
    if not value:
        return None
    if not _DECIMAL.match(value):
        raise RecordError(seg, at(element, component), f"{value!r} is not a decimal number")
    return float(value.replace(",", "."))


def gross_kg(segments: Iterable[Segment]) -> float | None:
    """Gross weight in kg from the first ``MEA+AAE|WT+G|AAB+<unit>:<value>`` (KGM, TNE, GRM, LBR)."""
    for mea in segments:
        if mea.tag == "MEA" and mea.value(1) in ("AAE", "WT") and mea.value(2) in ("G", "AAB"):
            unit = mea.value(3, 1)
            if unit not in _UNITS_KG:
                raise RecordError(
                    mea, at(3, 1), f"weight unit {unit!r} not supported ({', '.join(_UNITS_KG)})"
                )
            value = decimal(mea, 3, 2)
            if value is None:
                raise RecordError(mea, at(3, 2), "gross weight without a value")
            factor = _UNITS_KG[unit]
            return value if factor == 1.0 else round(value * factor, 6)
    return None


def timestamp(dtm: Segment) -> datetime:
    """A UTC time from ``DTM+<qualifier>:<value>:<format>`` (102 CCYYMMDD, 203 +HHMM, 204 +HHMMSS)."""
    value, code = dtm.value(1, 2).strip(), dtm.value(1, 3).strip()
    length = _DTM_FORMATS.get(code) if code else len(value)
    if length not in _DTM_FORMATS.values() or len(value) != length or not value.isdigit():
        reason = f"date/time {value!r} with format {code or '(none)'} not readable (102, 203, 204)"
        raise RecordError(dtm, at(1, 2), reason)
    padded = value.ljust(14, "0")
    try:
        month, day, hour, minute, second = (int(padded[i : i + 2]) for i in range(4, 14, 2))
        return datetime(int(padded[:4]), month, day, hour, minute, second, tzinfo=UTC)
    except ValueError as exc:
        raise RecordError(dtm, at(1, 2), f"date/time {value!r}: {exc}") from None


def first_time(segments: Iterable[Segment], qualifier: str) -> datetime | None:
    """The time of the first ``DTM+<qualifier>``, or None."""
    for seg in segments:
        if seg.tag == "DTM" and seg.value(1, 1) == qualifier:
            return timestamp(seg)
    return None


def imo_text(seg: Segment, element: int, component: int = 1) -> str:
    """The IMO number as written, an ``IMO`` prefix removed (validated by the record)."""
    return seg.value(element, component).strip().upper().removeprefix("IMO").strip()


def hs_text(value: str) -> str:
    """An HS code as the record wants it: no dots or spaces, national digits past the sixth dropped."""
    compact = re.sub(r"[\s.]", "", value)
    return compact[:6] if compact.isdigit() else compact


def container_text(value: str) -> str:
    """A container number in its compact form (spaces, dashes, slashes removed; upper case)."""
    return re.sub(r"[\s\-/]", "", value).upper()


def locode_text(seg: Segment | None) -> str | None:
    """The UN/LOCODE of a LOC segment (element 2.1) as written, or None without a segment."""
    return seg.value(2, 1).strip() if seg is not None else None


def seal(sel: Segment) -> Seal:
    """``SEL+<number>+<issuer CA|SH|CU|TO>``."""
    number = sel.value(1).strip()
    if not number:
        raise RecordError(sel, at(1), "seal without a number")
    source = _SEAL_SOURCES.get(sel.value(2, 1).strip())
    if source is None:
        reason = f"seal issuer {sel.value(2, 1)!r} not supported ({', '.join(_SEAL_SOURCES)})"
        raise RecordError(sel, at(2, 1), reason)
    return build(Seal, {}, (sel, at(1)), seal_number=number, source=source)


def build(model: type[Model], where: Mapping[str, Where], default: Where, **fields: Any) -> Model:
    """Construct a domain record; a validation error names the segment/element the field came from.

    ``where`` maps a field name, or ``<field>.<i>`` for item ``i`` of a tuple field, to its place.
    """
    try:
        return model(**fields)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = [str(part) for part in error["loc"]]
        name = ".".join(loc[:2])
        seg, element = where.get(name) or where.get(loc[0] if loc else "", default)
        message = error["msg"].removeprefix("Value error, ")
        raise RecordError(seg, element, f"{loc[0] if loc else model.__name__}: {message}") from None


def check_trailer(segments: Sequence[Segment]) -> None:
    """UNT must count the message's segments (UNH … UNT) and repeat the UNH reference."""
    unh, unt = segments[0], segments[-1]
    if not unt.value(1).isdigit() or int(unt.value(1)) != len(segments):
        reason = f"UNT counts {unt.value(1)!r} segments, the message has {len(segments)}"
        raise RecordError(unt, at(1), reason)
    if unt.value(2) != unh.value(1):
        raise RecordError(unt, at(2), f"UNT reference {unt.value(2)!r} differs from UNH {unh.value(1)!r}")


def check_directory(unh: Segment) -> None:
    """The message must use a directory from D95B to D21A (UNH S009 version D, release 95B … 21A)."""
    version, release = unh.value(2, 2), unh.value(2, 3)
    match = re.match(r"^(\d\d)([A-C])$", release)
    if version != "D" or match is None:
        raise RecordError(unh, at(2, 3), f"directory {version}{release} not supported (D95B … D21A)")
    year = int(match.group(1))
    directory = (year + (1900 if year >= 90 else 2000), match.group(2))
    if not _FIRST_DIRECTORY <= directory <= _LAST_DIRECTORY:
        raise RecordError(unh, at(2, 3), f"directory {version}{release} not supported (D95B … D21A)")
