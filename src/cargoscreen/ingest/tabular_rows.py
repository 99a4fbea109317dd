"""Rows and cells of a CSV manifest: decoding, reading records with their line numbers, and converting one
cell's text to a domain value (or ValueError naming why). Empty cells mean "not given" unless a converter
says otherwise.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from cargoscreen.domain.errors import ParseError
from cargoscreen.domain.ids import parse_hs_code, parse_un_locode
from cargoscreen.domain.records import FullEmpty, Seal, SealSource, TradeMovement


@dataclass(frozen=True, slots=True)
class Row:
    """One CSV record: the line it starts on, its cells by column name and its text."""

    line: int
    cells: Mapping[str, str]
    raw: str
    problem: str = ""

    def text(self, column: str) -> str:
        return self.cells.get(column, "").strip()

    def where(self, column: str) -> str:
        return f"line {self.line}, column {column}"


def decode(data: bytes) -> str:
    """UTF-8 text (a BOM is allowed), or ParseError naming the line and column of the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        header = data.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
        names = [name.strip().lower() for name in header.split(_delimiter(header))]
        cell = data[line_start : exc.start].decode("utf-8", errors="replace").count(_delimiter(header))
        column = names[cell] if line > 1 and cell < len(names) else f"{cell + 1}"
        message = f"not UTF-8: byte 0x{data[exc.start]:02X} at byte {exc.start - line_start + 1} of the line"
        raise ParseError(
            f"{message}; save the file as UTF-8", locator=f"line {line}, column {column}"
        ) from None


def read_rows(text: str, *, required: Sequence[str]) -> list[Row]:
    """Records after the header (blank ones skipped); a record with the wrong cell count carries a problem."""
    lines: list[str] = []
    source = io.StringIO(text, newline="")
    reader = csv.reader(_capture(source, lines), delimiter=_delimiter(text.split("\n", 1)[0]))
    header = [name.strip().lower() for name in next(reader, [])]
    if not any(header):
        raise ParseError("empty file: no header line", locator="line 1")
    missing = [column for column in required if column not in header]
    if missing:
        raise ParseError(f"missing columns: {', '.join(missing)}", locator="line 1")
    rows, line = [], reader.line_num
    for values in reader:
        raw, start, line = "".join(lines).rstrip("\r\n"), line + 1, reader.line_num
        lines.clear()
        if not any(value.strip() for value in values):
            continue
        problem = "" if len(values) == len(header) else f"expected {len(header)} cells, found {len(values)}"
        rows.append(Row(start, dict(zip(header, values, strict=False)), raw, problem))
    return rows


def _capture(source: Iterable[str], lines: list[str]) -> Iterable[str]:
    for line in source:
        lines.append(line)
        yield line


def _delimiter(header: str) -> str:
    return ";" if header.count(";") > header.count(",") else ","


def total(values: Sequence[float | None]) -> float | None:
    """The sum, or None when any value is unknown."""
    known = [value for value in values if value is not None]
    return sum(known) if values and len(known) == len(values) else None


def optional_locode(text: str) -> str | None:
    return parse_un_locode(text) if text else None


def locodes(text: str) -> tuple[str, ...]:
    return tuple(parse_un_locode(code) for code in text.split())


def optional_hs(text: str) -> str | None:
    return parse_hs_code(text) if text else None


def item_number(text: str) -> int:
    number = count(text)
    if number is None or number < 1:
        raise ValueError(f"item number must be a whole number ≥ 1 (got {text!r})")
    return number


def count(text: str) -> int | None:
    if not text:
        return None
    if not text.isdigit():
        raise ValueError(f"not a whole number ≥ 0 (got {text!r})")
    return int(text)


def kilograms(text: str) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"not a number (got {text!r})") from None
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"must be a finite number ≥ 0 (got {text!r})")
    return value


def aware_time(text: str) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not an ISO 8601 date-time (got {text!r})") from None
    if value.tzinfo is None:
        raise ValueError(f"needs a UTC offset, e.g. {text}Z")
    return value


def full_empty(text: str) -> FullEmpty:
    try:
        return FullEmpty[text.upper() or "FULL"]
    except KeyError:
        raise ValueError(f"expected FULL or EMPTY (got {text!r})") from None


def movement(text: str) -> TradeMovement:
    try:
        return TradeMovement[text.upper() or "IMPORT"]
    except KeyError:
        raise ValueError(f"expected IMPORT, EXPORT or TRANSHIPMENT (got {text!r})") from None


def seals(text: str) -> tuple[Seal, ...]:
    """``"SH7781234/SH CA0099881/CA"`` → two seals (number/source, source one of CA SH CU TO)."""
    seals = []
    for token in text.split():
        number, _, source = token.rpartition("/")
        if not number or source.upper() not in SealSource._value2member_map_:
            raise ValueError(f"seal {token!r} is not NUMBER/SOURCE with SOURCE one of CA, SH, CU, TO")
        seals.append(Seal(seal_number=number, source=SealSource(source.upper())))
    return tuple(seals)
