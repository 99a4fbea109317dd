"""Recognise an input file's format from its content, and read it with the matching parser.

Formats: ``edifact`` (UNA/UNB service segments first), ``json-manifest`` (JSON whose manifests carry
``"format": "cargoscreen.manifest/1"``), ``dcsa`` (DCSA Track & Trace events: ``eventID`` /
``eventClassification`` keys) and ``csv`` (a header line with a ``container_number`` column). The file name is
used only in messages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from cargoscreen.domain.batch import ParseResult
from cargoscreen.domain.errors import InputTooLarge, UnknownFormat
from cargoscreen.ingest.dcsa import parse_dcsa_events
from cargoscreen.ingest.edifact import parse_edifact
from cargoscreen.ingest.json_manifest import FORMAT, parse_json_manifest
from cargoscreen.ingest.tabular import parse_csv_manifest

EDIFACT, JSON_MANIFEST, DCSA, CSV = "edifact", "json-manifest", "dcsa", "csv"
FORMATS = (EDIFACT, JSON_MANIFEST, DCSA, CSV)
_BOM = b"\xef\xbb\xbf"
_MANIFEST_MARK = re.compile(r'"format"\s*:\s*"cargoscreen\.manifest/')
_DCSA_MARK = re.compile(r'"(eventID|eventClassification)"\s*:')
_DCSA_KEYS = ("eventID", "eventClassification")

Parser = Callable[..., ParseResult]


def detect_format(data: bytes, name: str) -> str:
    """``edifact``, ``json-manifest``, ``dcsa`` or ``csv``, or :class:`UnknownFormat` saying what it saw."""
    head = data.removeprefix(_BOM).lstrip()
    if head[:3] in (b"UNA", b"UNB"):
        return EDIFACT
    if head[:1] in (b"{", b"["):
        return _detect_json(head, name)
    header = head.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    if "container_number" in {cell.strip().strip('"').lower() for cell in re.split(r"[,;]", header)}:
        return CSV
    seen = head[:40].decode("utf-8", errors="replace") if head else "an empty file"
    raise UnknownFormat(
        f"{name}: not EDIFACT (UNA/UNB), a JSON manifest, DCSA events or a CSV manifest with a "
        f"container_number column; it starts with {seen!r}"
    )


def parse_any(data: bytes, *, source_name: str, max_bytes: int | None = None) -> ParseResult:
    """Detect the format of ``data`` and read it; more than ``max_bytes`` (if given) raises InputTooLarge."""
    if max_bytes is not None and len(data) > max_bytes:
        raise InputTooLarge(source_name, len(data), max_bytes)
    return parser_for(detect_format(data, source_name))(data, source_name=source_name)


def parser_for(format_name: str) -> Parser:
    """The parse function of a detected format."""
    parsers: dict[str, Parser] = {
        JSON_MANIFEST: parse_json_manifest,
        DCSA: parse_dcsa_events,
        CSV: parse_csv_manifest,
        EDIFACT: parse_edifact,
    }
    if format_name not in parsers:
        raise UnknownFormat(f"no parser for format {format_name!r}; known: {', '.join(FORMATS)}")
    return parsers[format_name]


def _detect_json(head: bytes, name: str) -> str:
    try:
        document: Any = json.loads(head.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return _detect_json_text(head.decode("utf-8", errors="replace"), name)
    first = document[0] if isinstance(document, list) and document else document
    if isinstance(first, dict) and "format" in first:
        if first["format"] == FORMAT:
            return JSON_MANIFEST
        raise UnknownFormat(
            f"{name}: JSON with unknown format {first['format']!r}; this version reads {FORMAT}"
        )
    if isinstance(first, dict) and isinstance(first.get("events"), list):
        return DCSA
    if isinstance(first, dict) and any(key in first for key in _DCSA_KEYS):
        return DCSA
    seen = f"keys {sorted(first)[:8]}" if isinstance(first, dict) else f"a JSON {_json_type(first)}"
    raise UnknownFormat(
        f'{name}: JSON, but neither a manifest ("format": "{FORMAT}") nor DCSA events '
        f"(eventID, eventClassification); found {seen}"
    )


def _detect_json_text(text: str, name: str) -> str:
    """Broken JSON: recognise it by its marks, so the parser can report where it breaks."""
    if _MANIFEST_MARK.search(text):
        return JSON_MANIFEST
    if _DCSA_MARK.search(text):
        return DCSA
    raise UnknownFormat(f"{name}: looks like JSON but cannot be read, and shows no manifest or DCSA keys")


def _json_type(value: object) -> str:
    names = {
        bool: "boolean",
        int: "number",
        float: "number",
        str: "string",
        list: "array",
        type(None): "null",
    }
    return names.get(type(value), type(value).__name__)
