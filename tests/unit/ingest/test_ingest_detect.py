"""Format detection and dispatch. Inputs are synthetic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cargoscreen.domain.errors import InputTooLarge, ParseError, UnknownFormat
from cargoscreen.ingest.detect import detect_format, parse_any

FIXTURES = Path(__file__).parents[2] / "fixtures"
MANIFEST = (FIXTURES / "json" / "manifest_valid.json").read_bytes()
CSV = (FIXTURES / "csv" / "manifest_valid.csv").read_bytes()
SCAN = (FIXTURES / "dcsa" / "dcsa_tnt3_customs_scan_event.json").read_bytes()
EDIFACT = b"UNA:+.? 'UNB+UNOC:3+MSCBE+BECUSTOMS+260314:0600+IC000123'UNH+M0001+CUSCAR:D:95B:UN'"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (EDIFACT, "edifact"),
        (EDIFACT[9:], "edifact"),
        (b"\xef\xbb\xbf\r\n  " + EDIFACT, "edifact"),
        (MANIFEST, "json-manifest"),
        (json.dumps(json.loads(MANIFEST)[0]).encode(), "json-manifest"),
        (MANIFEST[:400], "json-manifest"),
        (SCAN, "dcsa"),
        (b"[" + SCAN + b"]", "dcsa"),
        (b'{"events": [' + SCAN + b"]}", "dcsa"),
        (SCAN[:120], "dcsa"),
        (CSV, "csv"),
        (CSV.replace(b",", b";"), "csv"),
        (b'"message_ref","container_number"\n', "csv"),
    ],
)
def test_detects_formats_by_content(data: bytes, expected: str) -> None:
    assert detect_format(data, "upload.bin") == expected


@pytest.mark.parametrize(
    ("data", "seen"),
    [
        (b"%PDF-1.7 binary", "'%PDF-1.7 binary'"),
        (b"", "an empty file"),
        (b"a,b,c\n1,2,3\n", "'a,b,c"),
        (b'{"hello": "world"}', "keys ['hello']"),
        (b"[1, 2]", "a JSON number"),
        (b"[]", "a JSON array"),
        (b'{"format": "cargoscreen.manifest/2"}', "unknown format 'cargoscreen.manifest/2'"),
        (b'{"broken": ', "cannot be read"),
    ],
)
def test_unknown_formats_name_the_file_and_what_was_seen(data: bytes, seen: str) -> None:
    with pytest.raises(UnknownFormat) as caught:
        detect_format(data, "upload.bin")

    assert str(caught.value).startswith("upload.bin: ")
    assert seen in str(caught.value)


@pytest.mark.parametrize(
    ("data", "source_format", "manifests", "events"),
    [(MANIFEST, "json", 1, 0), (CSV, "csv", 2, 0), (SCAN, "dcsa", 0, 1)],
)
def test_parse_any_dispatches(data: bytes, source_format: str, manifests: int, events: int) -> None:
    result = parse_any(data, source_name="upload")

    assert (result.source_format, len(result.manifests), len(result.events)) == (
        source_format,
        manifests,
        events,
    )
    assert result.source_name == "upload"


def test_parse_any_reports_where_broken_json_breaks() -> None:
    with pytest.raises(ParseError) as caught:
        parse_any(MANIFEST[:400], source_name="upload")

    assert caught.value.locator.startswith("line ")


def test_size_guard() -> None:
    with pytest.raises(InputTooLarge) as caught:
        parse_any(MANIFEST, source_name="big.json", max_bytes=100)

    assert str(caught.value) == f"big.json: {len(MANIFEST)} bytes is more than the limit of 100 bytes"
    assert isinstance(caught.value, ValueError)
    assert len(parse_any(MANIFEST, source_name="big.json", max_bytes=None).manifests) == 1
    assert len(parse_any(MANIFEST, source_name="big.json", max_bytes=len(MANIFEST)).manifests) == 1
