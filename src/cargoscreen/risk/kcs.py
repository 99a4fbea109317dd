"""Read the KCS synthetic customs declaration CSV (Korea Customs Service / IBS, MIT licence).

One row is one declaration item. Every row of the public files is an *inspected* declaration, so both labels
are defined on every row: ``Fraud`` is 0/1 and ``Critical Fraud`` is 0 (no fraud), 1 (fraud, not critical) or
2 (critical fraud: drug smuggling, IP infringement, false origin — about 1 % of rows). The critical target of
this project is therefore ``Critical Fraud == 2``.

The reader checks the header and every cell it needs and, if anything is wrong, raises ``KcsFormatError``
naming the line and the column of each problem (the first ``MAX_PROBLEMS`` of them); nothing is returned
half-read. Identifier columns may be empty (``Seller ID`` and ``Courier ID`` often are); columns beyond the
needed ones are ignored; a repeated header line (two files joined with ``cat``) is skipped.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cargoscreen.domain.errors import CargoscreenError

ID_COLUMN = "Declaration ID"
DATE_COLUMN = "Date"
TEXT_COLUMNS: tuple[str, ...] = (
    "Office ID",
    "Process Type",
    "Import Type",
    "Import Use",
    "Payment Type",
    "Mode of Transport",
    "Declarant ID",
    "Importer ID",
    "Seller ID",
    "Courier ID",
    "Country of Departure",
    "Country of Origin",
    "Tax Type",
    "Country of Origin Indicator",
)
HS_COLUMN = "HS6 Code"
NUMBER_COLUMNS: tuple[str, ...] = ("Tax Rate", "Net Mass", "Item Price")
LABEL_COLUMNS: tuple[str, ...] = ("Fraud", "Critical Fraud")
FEATURE_COLUMNS: tuple[str, ...] = (ID_COLUMN, DATE_COLUMN, *TEXT_COLUMNS, HS_COLUMN, *NUMBER_COLUMNS)
LABEL_VALUES: dict[str, frozenset[int]] = {"Fraud": frozenset({0, 1}), "Critical Fraud": frozenset({0, 1, 2})}
CRITICAL_VALUE = 2
MAX_PROBLEMS = 20


class KcsFormatError(CargoscreenError, ValueError):
    """A KCS file that cannot be used; ``problems`` lists each one as ``line N, column 'X': why``."""

    def __init__(self, source: str, problems: list[str], total: int | None = None) -> None:
        self.source = source
        self.problems = problems
        count = total if total is not None else len(problems)
        shown = "; ".join(problems[:MAX_PROBLEMS])
        if count == 1:
            super().__init__(f"{source}: {shown}")
            return
        more = f" (and {count - len(problems[:MAX_PROBLEMS])} more)" if count > MAX_PROBLEMS else ""
        super().__init__(f"{source}: {count} problems: {shown}{more}")


@dataclass(frozen=True)
class KcsTable:
    """The parsed rows in file order, and the sha256 of the file's bytes."""

    frame: pd.DataFrame
    sha256: str
    source: str


def read_kcs(path: Path, *, require_labels: bool) -> KcsTable:
    """Read and check one KCS CSV; labels are parsed only when ``require_labels`` (training)."""
    data = _read_bytes(path)
    rows, line_numbers, header = _split_rows(data, path.name)
    needed = FEATURE_COLUMNS + (LABEL_COLUMNS if require_labels else ())
    missing = [name for name in needed if name not in header]
    if missing:
        raise KcsFormatError(
            path.name, [f"missing column(s) {', '.join(repr(m) for m in missing)} in the header"]
        )
    raw = pd.DataFrame(rows, columns=header, dtype=object)
    frame, problems, total = _parse(raw, np.asarray(line_numbers), require_labels)
    if problems:
        raise KcsFormatError(path.name, problems[:MAX_PROBLEMS], total=total)
    return KcsTable(frame=frame, sha256=hashlib.sha256(data).hexdigest(), source=path.name)


def _read_bytes(path: Path) -> bytes:
    if not path.is_file():
        raise KcsFormatError(path.name, [f"no such file: {path}"])
    return path.read_bytes()


def _split_rows(data: bytes, source: str) -> tuple[list[list[str]], list[int], list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise KcsFormatError(source, [f"not UTF-8 text (byte {exc.start})"]) from None
    reader = csv.reader(text.splitlines())
    header = [name.strip() for name in next(reader, [])]
    if not any(header):
        raise KcsFormatError(source, ["the file is empty (no header line)"])
    rows, lines, problems = [], [], []
    for fields in reader:
        if not any(field.strip() for field in fields) or [f.strip() for f in fields] == header:
            continue  # blank lines, and the header repeated where two files were concatenated
        if len(fields) != len(header):
            problems.append(f"line {reader.line_num}: {len(fields)} fields, the header has {len(header)}")
            continue
        rows.append(fields)
        lines.append(reader.line_num)
    if problems:
        raise KcsFormatError(source, problems[:MAX_PROBLEMS], total=len(problems))
    if not rows:
        raise KcsFormatError(source, ["no data rows after the header"])
    return rows, lines, header


def _parse(raw: pd.DataFrame, lines: np.ndarray, require_labels: bool) -> tuple[pd.DataFrame, list[str], int]:
    frame = pd.DataFrame(index=pd.RangeIndex(len(raw)))
    found: list[tuple[int, str]] = []
    total = 0
    for column, parser in _parsers(require_labels):
        values, bad, why = parser(raw[column].astype(str).str.strip().rename(column))
        frame[column] = values
        positions = np.flatnonzero(bad.to_numpy())
        total += len(positions)
        found.extend(
            (int(lines[i]), f"line {lines[i]}, column {column!r}: {raw[column].iloc[i]!r} {why}")
            for i in positions[:MAX_PROBLEMS]
        )
    return frame, [text for _, text in sorted(found)], total


def _parsers(
    require_labels: bool,
) -> Iterator[tuple[str, Callable[[pd.Series], tuple[pd.Series, pd.Series, str]]]]:
    yield ID_COLUMN, _required_text
    yield DATE_COLUMN, _date
    yield from ((column, _text) for column in TEXT_COLUMNS)
    yield HS_COLUMN, _hs6
    yield from ((column, _number) for column in NUMBER_COLUMNS)
    if require_labels:
        yield from ((column, _label) for column in LABEL_COLUMNS)


def _required_text(values: pd.Series) -> tuple[pd.Series, pd.Series, str]:
    return values, values.eq(""), "is empty"


def _text(values: pd.Series) -> tuple[pd.Series, pd.Series, str]:
    return values, pd.Series(False, index=values.index), ""


def _date(values: pd.Series) -> tuple[pd.Series, pd.Series, str]:
    parsed = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
    return parsed, parsed.isna(), "is not a date YYYY-MM-DD"


def _hs6(values: pd.Series) -> tuple[pd.Series, pd.Series, str]:
    digits = values.str.removesuffix(".0")
    bad = ~digits.str.fullmatch(r"\d{5,6}")
    return digits.str.zfill(6), bad, "is not an HS6 code (5-6 digits)"


def _number(values: pd.Series) -> tuple[pd.Series, pd.Series, str]:
    parsed = pd.to_numeric(values.mask(values.eq("")), errors="coerce")
    bad = (parsed.isna() & values.ne("")) | (parsed < 0) | np.isinf(parsed)
    return parsed.astype("float64"), bad, "is not a number >= 0"


def _label(values: pd.Series) -> tuple[pd.Series, pd.Series, str]:
    allowed = LABEL_VALUES[str(values.name)]
    parsed = pd.to_numeric(values, errors="coerce")
    bad = ~parsed.isin(sorted(allowed))
    return parsed.fillna(0).astype("int64"), bad, f"is not one of {sorted(allowed)}"
