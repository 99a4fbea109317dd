"""Read manifests from CSV: one row per goods placement (a goods item's share in one container).

Rows are grouped into manifests by (sender, interchange_ref, message_ref), into equipment by container_number
and into consignments by bill_of_lading; the columns of a group must agree on every row. Problems are named
``line N, column X``. Columns and derivation rules are described in ``docs/formats.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from cargoscreen.domain.batch import ParseResult
from cargoscreen.domain.ids import parse_container_number, parse_imo_number, parse_un_locode
from cargoscreen.domain.quarantine import Rejection
from cargoscreen.domain.records import (
    Consignment,
    Equipment,
    GoodsItem,
    GoodsPlacement,
    Manifest,
    Party,
    VesselCall,
)
from cargoscreen.ingest import tabular_rows as cells
from cargoscreen.ingest.json_manifest import validation_problems
from cargoscreen.ingest.tabular_rows import Row, decode, read_rows

SOURCE_FORMAT = "csv"
COLUMNS = (
    "message_ref", "sender", "interchange_ref", "imo_number", "vessel_name", "voyage_number", "port_of_call",
    "eta", "bill_of_lading", "consignor_name", "consignor_country", "consignee_name", "consignee_country",
    "consignee_eori", "port_of_loading", "port_of_discharge", "transhipment_ports", "container_number",
    "size_type", "full_empty", "seal_numbers", "item_number", "hs_code", "description", "packages",
    "gross_kg",
)  # fmt: skip
OPTIONAL_COLUMNS = ("movement",)
_KEY_COLUMNS = ("sender", "interchange_ref", "message_ref")
_MANIFEST_COLUMNS = ("imo_number", "vessel_name", "voyage_number", "port_of_call", "eta")
_EQUIPMENT_COLUMNS = ("size_type", "full_empty", "seal_numbers", "movement")
_CONSIGNMENT_COLUMNS = (
    "consignor_name", "consignor_country", "consignee_name", "consignee_country", "consignee_eori",
    "port_of_loading", "port_of_discharge", "transhipment_ports",
)  # fmt: skip
_ITEM_COLUMNS = ("hs_code", "description")
_RAW_LIMIT = 20000

_T = TypeVar("_T")
_M = TypeVar("_M", bound=BaseModel)
Problem = tuple[str, str]


class _Fields:
    """Converts the cells of one row, collecting every problem instead of stopping at the first."""

    def __init__(self, row: Row, problems: list[Problem]) -> None:
        self.row = row
        self.problems = problems

    def get(self, column: str, convert: Callable[[str], _T]) -> _T | None:
        try:
            return convert(self.row.text(column))
        except ValueError as exc:
            self.problems.append((self.row.where(column), _reason(exc)))
            return None

    def build(self, model: type[_M], columns: Mapping[str, str] | None = None, **fields: Any) -> _M | None:
        """The record, or None with its problems recorded against the columns its fields came from."""
        if self.problems:
            return None
        try:
            return model(**fields)
        except ValidationError as exc:
            for path, reason in validation_problems(exc):
                column = (columns or {}).get(str(path[0]), str(path[0]))
                self.problems.append((self.row.where(column), reason))
            return None


def parse_csv_manifest(data: bytes, *, source_name: str) -> ParseResult:
    """Read a CSV manifest file into domain manifests and rejections."""
    rows = read_rows(decode(data), required=COLUMNS)
    result = ParseResult(source_name=source_name, source_format=SOURCE_FORMAT)
    groups: dict[tuple[str, ...], list[Row]] = {}
    for row in rows:
        problems = [(f"line {row.line}", row.problem)] if row.problem else []
        problems += [(row.where(column), "empty") for column in _KEY_COLUMNS if not row.text(column)]
        if problems:
            result.rejections.append(_rejection(source_name, "", "row", problems, [row]))
        else:
            groups.setdefault(tuple(row.text(column) for column in _KEY_COLUMNS), []).append(row)
    for key, group in groups.items():
        result.extend(_ManifestBuilder(source_name, "/".join(key), group).build())
    return result


class _ManifestBuilder:
    """Builds one manifest from its rows."""

    def __init__(self, source_name: str, message_key: str, rows: list[Row]) -> None:
        self.rows = rows
        self.message_key = message_key
        self.result = ParseResult(source_name=source_name, source_format=SOURCE_FORMAT)

    def build(self) -> ParseResult:
        first = self.rows[0]
        problems = _conflicts(self.rows, _MANIFEST_COLUMNS)
        vessel_call = _vessel_call(_Fields(first, problems))
        if vessel_call is None:
            self._reject("manifest", problems, self.rows)
            return self.result
        equipment, bad = self._equipment()
        built = [self._consignment(rows, bad) for rows in _group(self.rows, "bill_of_lading")]
        consignments = [consignment for consignment in built if consignment is not None]
        manifest = Manifest(
            sender=first.text("sender"),
            interchange_ref=first.text("interchange_ref"),
            message_ref=first.text("message_ref"),
            source_format=SOURCE_FORMAT,
            vessel_call=vessel_call,
            equipment=tuple(equipment),
            consignments=tuple(consignments),
        )
        self.result.manifests.append(manifest)
        return self.result

    def _equipment(self) -> tuple[list[Equipment], set[str]]:
        accepted: list[Equipment] = []
        bad: set[str] = set()
        for rows in _group(self.rows, "container_number", key=_compact):
            problems = _conflicts(rows, _EQUIPMENT_COLUMNS)
            fields = _Fields(rows[0], problems)
            equipment = fields.build(
                Equipment,
                {"seals": "seal_numbers"},
                container_number=fields.get("container_number", parse_container_number),
                size_type=rows[0].text("size_type"),
                full_empty=fields.get("full_empty", cells.full_empty),
                movement=fields.get("movement", cells.movement),
                seals=fields.get("seal_numbers", cells.seals),
                gross_kg=_container_kg(rows),
            )
            if equipment is None:
                bad.add(_compact(rows[0].text("container_number")))
                self._reject("equipment", problems, rows)
            else:
                accepted.append(equipment)
        return accepted, bad

    def _consignment(self, rows: list[Row], bad: set[str]) -> Consignment | None:
        problems = _conflicts(rows, _CONSIGNMENT_COLUMNS)
        for row in rows:
            if _compact(row.text("container_number")) in bad:
                reason = f"goods placed in container {row.text('container_number')!r}, which was rejected"
                problems.append((row.where("container_number"), reason))
        items = [_goods_item(item_rows, problems) for item_rows in _group(rows, "item_number")]
        fields = _Fields(rows[0], problems)
        consignment = fields.build(
            Consignment,
            bill_of_lading=rows[0].text("bill_of_lading"),
            consignor=_party(fields, "consignor"),
            consignee=_party(fields, "consignee"),
            port_of_loading=fields.get("port_of_loading", cells.optional_locode),
            port_of_discharge=fields.get("port_of_discharge", cells.optional_locode),
            transhipment_ports=fields.get("transhipment_ports", cells.locodes),
            goods_items=tuple(item for item in items if item is not None),
        )
        if consignment is None:
            self._reject("consignment", problems, rows)
        return consignment

    def _reject(self, scope: str, problems: list[Problem], rows: list[Row]) -> None:
        self.result.rejections.append(
            _rejection(self.result.source_name, self.message_key, scope, problems, rows)
        )


def _vessel_call(fields: _Fields) -> VesselCall | None:
    return fields.build(
        VesselCall,
        imo_number=fields.get("imo_number", parse_imo_number),
        vessel_name=fields.row.text("vessel_name"),
        voyage_number=fields.row.text("voyage_number"),
        port_of_call=fields.get("port_of_call", parse_un_locode),
        eta=fields.get("eta", cells.aware_time),
    )


def _party(fields: _Fields, role: str) -> Party | None:
    row = fields.row
    values = {"name": row.text(f"{role}_name"), "country": row.text(f"{role}_country").upper()}
    if row.text(f"{role}_eori"):
        values["eori"] = row.text(f"{role}_eori")
    if not values["name"]:
        if any(values.values()):
            fields.problems.append(
                (row.where(f"{role}_name"), f"empty while other {role} columns are filled")
            )
        return None
    return fields.build(Party, {key: f"{role}_{key}" for key in values}, **values)


def _goods_item(rows: list[Row], problems: list[Problem]) -> GoodsItem | None:
    """One goods item from its placement rows: packages and gross_kg are the sums over the rows."""
    problems.extend(_conflicts(rows, _ITEM_COLUMNS))
    placements, packages, kilograms = [], [], []
    for row in rows:
        row_fields = _Fields(row, problems)
        container = row_fields.get("container_number", parse_container_number)
        packages.append(row_fields.get("packages", cells.count))
        kilograms.append(row_fields.get("gross_kg", cells.kilograms))
        if container is not None:
            placements.append(GoodsPlacement(container_number=container, packages=packages[-1]))
    fields = _Fields(rows[0], problems)
    return fields.build(
        GoodsItem,
        item_number=fields.get("item_number", cells.item_number),
        hs_code=fields.get("hs_code", cells.optional_hs),
        hs_raw=rows[0].text("hs_code"),
        description=rows[0].text("description"),
        packages=cells.total(packages),
        gross_kg=cells.total(kilograms),
        placements=tuple(placements),
    )


def _container_kg(rows: list[Row]) -> float | None:
    """Sum of the goods kg placed in the container; unknown when a row has no valid gross_kg."""
    try:
        return cells.total([cells.kilograms(row.text("gross_kg")) for row in rows])
    except ValueError:
        return None


def _conflicts(rows: list[Row], columns: Iterable[str]) -> list[Problem]:
    first = rows[0]
    return [
        (row.where(column), f"{row.text(column)!r} differs from line {first.line} ({first.text(column)!r})")
        for row in rows[1:]
        for column in columns
        if row.text(column) != first.text(column)
    ]


def _group(rows: list[Row], column: str, key: Callable[[str], str] = str.strip) -> list[list[Row]]:
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(key(row.text(column)), []).append(row)
    return list(groups.values())


def _rejection(source: str, key: str, scope: str, problems: list[Problem], rows: list[Row]) -> Rejection:
    reason = problems[0][1] if len(problems) == 1 else "; ".join(f"{loc}: {why}" for loc, why in problems)
    raw = "\n".join(row.raw for row in rows)[:_RAW_LIMIT]
    return Rejection(
        source_name=source,
        source_format=SOURCE_FORMAT,
        message_key=key,
        scope=scope,
        locator=problems[0][0],
        reason=reason,
        raw=raw,
    )


def _compact(value: str) -> str:
    return "".join(value.split()).replace("-", "").replace("/", "").upper()


def _reason(exc: ValueError) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(reason for _, reason in validation_problems(exc))
    return str(exc)
