"""Read and write the cargoscreen JSON manifest format (``"format": "cargoscreen.manifest/1"``).

A document is one manifest object or a list of them; field names mirror :class:`~cargoscreen.domain.records.
Manifest`. Reading happens in two passes: the JSON Schema shipped in ``ingest/schemas/manifest.schema.json``
checks the structure, then the domain records check the identifiers. What fails is rejected at the smallest
scope that keeps the rest meaningful: a consignment alone, an equipment with every consignment that places
goods in it, or the whole manifest when its header or vessel call is bad. The format is described in
``docs/formats.md``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any, TypeVar

from jsonschema import Draft202012Validator
from pydantic import ValidationError

from cargoscreen.domain.batch import ParseResult
from cargoscreen.domain.errors import ParseError
from cargoscreen.domain.quarantine import Rejection
from cargoscreen.domain.records import Consignment, Equipment, FullEmpty, Manifest, TradeMovement, VesselCall

FORMAT = "cargoscreen.manifest/1"
SOURCE_FORMAT = "json"
_RAW_LIMIT = 20000
_REASON_LIMIT = 300

Path = tuple[str | int, ...]
Problem = tuple[Path, str]
_R = TypeVar("_R", Equipment, Consignment)


def load_json_document(data: bytes) -> Any:
    """Decode UTF-8 (a BOM is allowed) and parse JSON, or raise :class:`ParseError` naming line and column."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = _position(data, exc.start)
        raise ParseError(
            f"not UTF-8: byte 0x{data[exc.start]:02X} cannot be decoded",
            locator=f"line {line}, column {column}",
        ) from None
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise ParseError(
            f"not valid JSON: {exc.msg}", locator=f"line {exc.lineno}, column {exc.colno}"
        ) from None
    except ValueError as exc:
        raise ParseError(f"not valid JSON: {exc}") from None


def validation_problems(exc: ValidationError, base: Path = ()) -> list[Problem]:
    """Turn a pydantic error into (path, reason) pairs, the path starting with ``base``."""
    problems = []
    for error in exc.errors():
        reason = str(error["msg"]).removeprefix("Value error, ")
        value = error.get("input")
        if isinstance(value, str | int | float) and repr(value) not in reason:
            reason = f"{reason} (got {value!r})"
        problems.append(((*base, *error["loc"]), reason))
    return problems


def format_path(prefix: str, path: Path) -> str:
    """``format_path("events[3]", ("seals", 0, "number"))`` → ``"events[3].seals[0].number"``."""
    text = prefix
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def parse_json_manifest(data: bytes, *, source_name: str) -> ParseResult:
    """Read a JSON manifest document into domain manifests and rejections."""
    document = load_json_document(data)
    if isinstance(document, dict):
        items, pointer_base = [document], ""
    elif isinstance(document, list):
        items, pointer_base = document, "/{index}"
    else:
        raise ParseError(
            f"expected a manifest object or a list of manifests, found {type(document).__name__}"
        )
    result = ParseResult(source_name=source_name, source_format=SOURCE_FORMAT)
    for index, item in enumerate(items):
        reader = _ManifestReader(source_name, index, pointer_base.format(index=index))
        result.extend(reader.read(item))
    return result


def manifest_to_json(manifest: Manifest) -> dict[str, Any]:
    """Write a manifest in the JSON manifest format; reading it back gives an equal record (``source_format``
    becomes ``"json"``)."""
    body = manifest.model_dump(mode="json", exclude={"source_format"})
    for equipment in body["equipment"]:
        equipment["full_empty"] = FullEmpty(equipment["full_empty"]).name
        equipment["movement"] = TradeMovement(equipment["movement"]).name
    return {"format": FORMAT, **body}


@cache
def manifest_schema() -> dict[str, Any]:
    """The shipped JSON Schema of a manifest document."""
    text = (
        resources.files("cargoscreen.ingest").joinpath("schemas", "manifest.schema.json").read_text("utf-8")
    )
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _manifest_validator() -> Draft202012Validator:
    schema = manifest_schema()
    return Draft202012Validator({"$ref": "#/$defs/manifest", "$defs": schema["$defs"]})


class _ManifestReader:
    """Reads one manifest object of a document; ``index`` is its place in the document."""

    def __init__(self, source_name: str, index: int, pointer_base: str) -> None:
        self.source_name = source_name
        self.prefix = f"manifest[{index}]"
        self.pointer_base = pointer_base
        self.message_key = ""
        self.result = ParseResult(source_name=source_name, source_format=SOURCE_FORMAT)

    def read(self, raw: object) -> ParseResult:
        if not isinstance(raw, dict):
            self._reject("manifest", [((), "not a JSON object")], raw)
            return self.result
        self.message_key = _message_key(raw)
        schema_problems = self._schema_problems(raw)
        header_problems = schema_problems.pop((), [])
        header = None if header_problems else self._header(raw, header_problems)
        if header is None:
            self._reject("manifest", header_problems, raw)
            return self.result
        equipment, bad_containers = self._equipment(raw.get("equipment", []), schema_problems)
        listed = {item.container_number for item in equipment}
        consignments = self._consignments(
            raw.get("consignments", []), schema_problems, bad_containers, listed
        )
        self.result.manifests.append(
            header.model_copy(update={"equipment": tuple(equipment), "consignments": tuple(consignments)})
        )
        return self.result

    def _schema_problems(self, raw: dict[str, Any]) -> dict[Path, list[Problem]]:
        """Schema errors by the record they belong to: ``("equipment", 2)``, or ``()`` for the manifest."""
        grouped: dict[Path, list[Problem]] = {}
        for error in _manifest_validator().iter_errors(raw):
            path: Path = tuple(error.absolute_path)
            pointer = self.pointer_base + "".join(f"/{_escape(part)}" for part in path)
            reason = f"{_shorten(error.message)} (JSON pointer {pointer or '/'})"
            scoped = len(path) >= 2 and path[0] in ("equipment", "consignments") and isinstance(path[1], int)
            key = path[:2] if scoped else ()
            grouped.setdefault(key, []).append((path, reason))
        return grouped

    def _header(self, raw: dict[str, Any], problems: list[Problem]) -> Manifest | None:
        try:
            vessel_call = VesselCall.model_validate(raw["vessel_call"])
        except ValidationError as exc:
            problems.extend(validation_problems(exc, ("vessel_call",)))
            return None
        fields = {
            key: value for key, value in raw.items() if key not in ("format", "equipment", "consignments")
        }
        try:
            return Manifest.model_validate(
                {**fields, "vessel_call": vessel_call, "source_format": SOURCE_FORMAT}
            )
        except ValidationError as exc:
            problems.extend(validation_problems(exc))
            return None

    def _equipment(
        self, items: Sequence[Any], schema_problems: Mapping[Path, list[Problem]]
    ) -> tuple[list[Equipment], set[str]]:
        accepted: dict[str, Equipment] = {}
        bad: set[str] = set()
        for index, raw in enumerate(items):
            base: Path = ("equipment", index)
            built = schema_problems.get(base) or _build(Equipment, _equipment_fields(raw), base)
            if isinstance(built, Equipment) and built.container_number in accepted:
                built = [((*base, "container_number"), "container listed twice in the manifest")]
            elif isinstance(built, Equipment):
                accepted[built.container_number] = built
                continue
            else:
                bad.add(_compact(raw.get("container_number") if isinstance(raw, dict) else None))
            self._reject("equipment", built, raw)
        return list(accepted.values()), bad

    def _consignments(
        self,
        items: Sequence[Any],
        schema_problems: Mapping[Path, list[Problem]],
        bad_containers: set[str],
        listed: set[str],
    ) -> list[Consignment]:
        accepted: dict[str, Consignment] = {}
        for index, raw in enumerate(items):
            base: Path = ("consignments", index)
            problems = schema_problems.get(base) or _placement_problems(raw, base, bad_containers, listed)
            built = problems or _build(Consignment, raw, base)
            if isinstance(built, Consignment) and built.bill_of_lading in accepted:
                built = [((*base, "bill_of_lading"), "bill of lading listed twice in the manifest")]
            elif isinstance(built, Consignment):
                accepted[built.bill_of_lading] = built
                continue
            self._reject("consignment", built, raw)
        return list(accepted.values())

    def _reject(self, scope: str, problems: list[Problem], raw: object) -> None:
        located = [(format_path(self.prefix, path), reason) for path, reason in problems]
        reason = located[0][1] if len(located) == 1 else "; ".join(f"{loc}: {why}" for loc, why in located)
        self.result.rejections.append(
            Rejection(
                source_name=self.source_name,
                source_format=SOURCE_FORMAT,
                message_key=self.message_key,
                scope=scope,
                locator=located[0][0],
                reason=reason,
                raw=json.dumps(raw, ensure_ascii=False)[:_RAW_LIMIT],
            )
        )


def _build(model: type[_R], raw: object, base: Path) -> _R | list[Problem]:
    """The record, or the problems that prevented it."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        return validation_problems(exc, base)


def _equipment_fields(raw: dict[str, Any]) -> dict[str, Any]:
    """Schema-valid equipment with enum names (``"FULL"``) turned into domain values."""
    fields = dict(raw)
    if "full_empty" in fields:
        fields["full_empty"] = FullEmpty[fields["full_empty"]]
    if "movement" in fields:
        fields["movement"] = TradeMovement[fields["movement"]]
    return fields


def _placement_problems(raw: dict[str, Any], base: Path, bad: set[str], listed: set[str]) -> list[Problem]:
    """Placements in a rejected container, or in one the manifest does not list."""
    problems: list[Problem] = []
    for item_index, item in enumerate(raw.get("goods_items", [])):
        for place_index, placement in enumerate(item.get("placements", [])):
            container = _compact(placement.get("container_number"))
            path = (*base, "goods_items", item_index, "placements", place_index, "container_number")
            if container in listed:
                continue
            if container in bad:
                problems.append((path, f"goods placed in container {container}, which was rejected"))
            else:
                problems.append((path, f"container {container} is not listed in the manifest's equipment"))
    return problems


def _message_key(raw: Mapping[str, Any]) -> str:
    parts = [raw.get(key) for key in ("sender", "interchange_ref", "message_ref")]
    texts = [part for part in parts if isinstance(part, str) and part]
    return "/".join(texts) if len(texts) == len(parts) else ""


def _compact(value: object) -> str:
    return re.sub(r"[\s\-/]", "", value).upper() if isinstance(value, str) else ""


def _escape(part: str | int) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


def _shorten(message: str) -> str:
    return message if len(message) <= _REASON_LIMIT else message[: _REASON_LIMIT - 1] + "…"


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of the first undecodable byte at ``offset``."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")
