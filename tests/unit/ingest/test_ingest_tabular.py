"""CSV manifest reader: one row per goods placement. Fixtures are synthetic."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cargoscreen.domain.batch import ParseResult
from cargoscreen.domain.errors import ParseError
from cargoscreen.domain.records import FullEmpty, Seal, SealSource, TradeMovement
from cargoscreen.ingest.tabular import COLUMNS, parse_csv_manifest

FIXTURE = Path(__file__).parents[2] / "fixtures" / "csv" / "manifest_valid.csv"
Table = list[list[str]]


def _table() -> Table:
    return list(csv.reader(io.StringIO(FIXTURE.read_text("utf-8"))))


def _set(table: Table, line: int, column: str, value: str) -> None:
    """Set a cell by file line number (the header is line 1)."""
    table[line - 1][table[0].index(column)] = value


def _encode(table: Table, delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(table)
    return out.getvalue().encode("utf-8")


def _parse_with(change: Callable[[Table], None]) -> ParseResult:
    table = _table()
    change(table)
    return parse_csv_manifest(_encode(table), source_name="test.csv")


def test_reads_rows_into_manifests_grouped_by_message() -> None:
    result = parse_csv_manifest(FIXTURE.read_bytes(), source_name="manifest_valid.csv")

    assert result.rejections == []
    assert result.source_format == "csv"
    assert [m.message_key for m in result.manifests] == ["MSCBE/IC000123/M0001", "MSCBE/IC000123/M0002"]
    first = result.manifests[0]
    assert first.source_format == "csv"
    assert first.vessel_call.eta == datetime(2026, 3, 14, 6, tzinfo=UTC)
    assert [c.bill_of_lading for c in first.consignments] == ["MEDUEC123456", "MEDUCO654321"]
    cafe = first.consignments[1]
    assert cafe.consignor is not None and cafe.consignor.name == "Cafe de la Costa SAS, Cartagena (synthetic)"
    assert cafe.transhipment_ports == ("ECGYE",)
    assert cafe.consignee is not None and cafe.consignee.eori is None
    assert first.consignments[0].consignee is not None
    assert first.consignments[0].consignee.eori == "BE0123456789"


def test_goods_item_and_container_figures_are_sums_of_the_placement_rows() -> None:
    manifest = parse_csv_manifest(FIXTURE.read_bytes(), source_name="m.csv").manifests[0]

    bananas = manifest.consignments[0].goods_items[0]
    assert (bananas.packages, bananas.gross_kg) == (1200, 21600.0)
    assert [(p.container_number, p.packages) for p in bananas.placements] == [
        ("MSCU1234566", 1000),
        ("TGHU9876542", 200),
    ]
    weights = {e.container_number: e.gross_kg for e in manifest.equipment}
    assert weights == {"MSCU1234566": 18000.0, "TGHU9876542": 9600.0}


def test_equipment_columns() -> None:
    equipment = parse_csv_manifest(FIXTURE.read_bytes(), source_name="m.csv").manifests[0].equipment[0]

    assert equipment.seals == (
        Seal(seal_number="SH7781234", source=SealSource.SHIPPER),
        Seal(seal_number="CA0099881", source=SealSource.CARRIER),
    )
    assert (equipment.size_type, equipment.full_empty, equipment.movement) == (
        "45R1",
        FullEmpty.FULL,
        TradeMovement.IMPORT,
    )


def test_optional_movement_column() -> None:
    table = _table()
    for row in table:
        row.append("movement" if row is table[0] else "TRANSHIPMENT")

    result = parse_csv_manifest(_encode(table), source_name="m.csv")

    assert {e.movement for m in result.manifests for e in m.equipment} == {TradeMovement.TRANSHIPMENT}


def test_semicolon_delimiter_and_bom_are_accepted() -> None:
    data = b"\xef\xbb\xbf" + _encode(_table(), delimiter=";")

    result = parse_csv_manifest(data, source_name="m.csv")

    assert len(result.manifests) == 2 and result.rejections == []


def test_invalid_check_digit_rejects_the_container_and_its_consignments() -> None:
    result = _parse_with(lambda t: _set(t, 2, "container_number", "MSCU1234567"))

    equipment, consignment = result.rejections
    assert (equipment.scope, equipment.locator) == ("equipment", "line 2, column container_number")
    assert "wrong check digit (expected 6)" in equipment.reason
    assert (consignment.scope, consignment.locator) == ("consignment", "line 2, column container_number")
    assert "which was rejected" in consignment.reason
    assert "MEDUEC123456" in consignment.raw and "MEDUEC123456" in consignment.raw.splitlines()[1]
    assert [c.bill_of_lading for c in result.manifests[0].consignments] == ["MEDUCO654321"]


def test_unknown_locode_rejects_the_consignment() -> None:
    result = _parse_with(lambda t: _set(t, 4, "port_of_loading", "ZZQQQ"))

    (rejection,) = result.rejections
    assert (rejection.scope, rejection.locator) == ("consignment", "line 4, column port_of_loading")
    assert "not in the curated port list" in rejection.reason
    assert rejection.message_key == "MSCBE/IC000123/M0001"


def test_malformed_hs_code_rejects_the_consignment() -> None:
    result = _parse_with(lambda t: _set(t, 5, "hs_code", "09O1"))

    (rejection,) = result.rejections
    assert (rejection.scope, rejection.locator) == ("consignment", "line 5, column hs_code")
    assert "not 2, 4 or 6 digits" in rejection.reason
    assert len(result.manifests) == 2 and result.manifests[1].consignments == ()


def test_wrong_number_is_named_with_its_column() -> None:
    result = _parse_with(lambda t: _set(t, 3, "packages", "two hundred"))

    (rejection,) = result.rejections
    assert rejection.locator == "line 3, column packages"
    assert "not a whole number" in rejection.reason


def test_conflicting_vessel_columns_reject_the_manifest() -> None:
    result = _parse_with(lambda t: _set(t, 3, "vessel_name", "OTHER SHIP"))

    (rejection,) = result.rejections
    assert (rejection.scope, rejection.locator) == ("manifest", "line 3, column vessel_name")
    assert "differs from line 2" in rejection.reason
    assert [m.message_ref for m in result.manifests] == ["M0002"]


def test_conflicting_equipment_columns_reject_the_container() -> None:
    result = _parse_with(lambda t: _set(t, 4, "size_type", "22G1"))

    equipment = result.rejections[0]
    assert (equipment.scope, equipment.locator) == ("equipment", "line 4, column size_type")


def test_eta_without_offset_rejects_the_manifest() -> None:
    def change(table: Table) -> None:
        for line in range(2, 6):
            _set(table, line, "eta", "2026-03-14T06:00:00")

    result = _parse_with(change)

    assert [(r.scope, r.locator) for r in result.rejections] == [
        ("manifest", "line 2, column eta"),
        ("manifest", "line 5, column eta"),
    ]
    assert "UTC offset" in result.rejections[0].reason


def test_bad_seal_token_rejects_the_container() -> None:
    def change(table: Table) -> None:
        _set(table, 2, "seal_numbers", "SH7781234")

    result = _parse_with(change)

    rejection = result.rejections[0]
    assert (rejection.scope, rejection.locator) == ("equipment", "line 2, column seal_numbers")
    assert "NUMBER/SOURCE" in rejection.reason


def test_row_with_empty_key_or_wrong_cell_count_is_rejected() -> None:
    def change(table: Table) -> None:
        _set(table, 5, "sender", "")
        table[3] = table[3][:20]

    result = _parse_with(change)

    assert [(r.scope, r.locator) for r in result.rejections[:2]] == [
        ("row", "line 4"),
        ("row", "line 5, column sender"),
    ]
    assert "expected 26 cells, found 20" in result.rejections[0].reason


def test_container_weight_is_unknown_when_a_row_has_none() -> None:
    manifest = _parse_with(lambda t: _set(t, 4, "gross_kg", "")).manifests[0]

    weights = {e.container_number: e.gross_kg for e in manifest.equipment}
    assert weights == {"MSCU1234566": 18000.0, "TGHU9876542": None}


def test_line_numbers_count_physical_lines_of_quoted_cells() -> None:
    def change(table: Table) -> None:
        _set(table, 2, "description", "Fresh bananas\nsecond line")
        _set(table, 3, "description", "Fresh bananas\nsecond line")
        _set(table, 5, "port_of_loading", "ZZQQQ")

    result = _parse_with(change)

    assert [r.locator for r in result.rejections] == ["line 7, column port_of_loading"]


def test_missing_columns_raise_parse_error() -> None:
    table = [[cell for index, cell in enumerate(row) if index not in (0, 22)] for row in _table()]

    with pytest.raises(ParseError) as caught:
        parse_csv_manifest(_encode(table), source_name="m.csv")

    assert caught.value.locator == "line 1"
    assert "missing columns: message_ref, hs_code" in str(caught.value)


def test_non_utf8_raises_parse_error_naming_line_and_column() -> None:
    data = FIXTURE.read_bytes().replace(b"Cafe de la Costa", b"Caf\xe9 de la Costa")

    with pytest.raises(ParseError) as caught:
        parse_csv_manifest(data, source_name="m.csv")

    assert caught.value.locator == "line 4, column consignor_name"
    assert "save the file as UTF-8" in str(caught.value)


def test_empty_file_raises_parse_error() -> None:
    with pytest.raises(ParseError, match="empty file"):
        parse_csv_manifest(b"", source_name="m.csv")


def test_header_only_gives_nothing() -> None:
    result = parse_csv_manifest(",".join(COLUMNS).encode(), source_name="m.csv")

    assert (result.manifests, result.rejections) == ([], [])
