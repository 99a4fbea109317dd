"""Reading KCS declaration CSVs: parsed types, and clear errors naming the line and the column."""

from __future__ import annotations

from pathlib import Path

import pytest

from cargoscreen.risk.kcs import KcsFormatError, read_kcs

HEADER = (
    "Declaration ID,Date,Office ID,Process Type,Import Type,Import Use,Payment Type,Mode of Transport,"
    "Declarant ID,Importer ID,Seller ID,Courier ID,HS6 Code,Country of Departure,Country of Origin,Tax Rate,"
    "Tax Type,Country of Origin Indicator,Net Mass,Item Price,Fraud,Critical Fraud"
)
ROWS = [
    "97061800,2020-01-01,30,B,11,21,11,10,ZZR1LT6,QLRUBN9,0VKY2BR,,440890,BE,BE,0.0,FEU1,G,108.0,372254.4,0,0",
    "85945189,2020-01-02,40,B,11,21,11,40,SWF9S4X,7JD1S2X,,MWIDNS,30214,CN,CN,8.0,A,Y,11352.0,375751.2,1,2",
    "77854751,2020-01-03,20,B,11,21,11,40,X4XT6P8,WI9O3I5,4DT3246,,620822,CN,VN,5.2,FCN1,B,20.7,5353.02,1,1",
]


def write(tmp_path: Path, lines: list[str], name: str = "decl.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_reads_rows_in_order_with_types(tmp_path: Path) -> None:
    table = read_kcs(write(tmp_path, [HEADER, *ROWS]), require_labels=True)
    frame = table.frame
    assert list(frame["Declaration ID"]) == ["97061800", "85945189", "77854751"]
    assert str(frame["Date"].iloc[1].date()) == "2020-01-02"
    assert list(frame["HS6 Code"]) == ["440890", "030214", "620822"]  # leading zero restored
    assert frame["Item Price"].iloc[2] == pytest.approx(5353.02)
    assert list(frame["Critical Fraud"]) == [0, 2, 1]
    assert frame["Courier ID"].iloc[0] == "" and frame["Seller ID"].iloc[1] == ""
    assert len(table.sha256) == 64


def test_missing_column_is_named(tmp_path: Path) -> None:
    header = HEADER.replace(",Net Mass", "")
    rows = [",".join(row.split(",")[:18] + row.split(",")[19:]) for row in ROWS]
    with pytest.raises(KcsFormatError, match=r"missing column.*'Net Mass'"):
        read_kcs(write(tmp_path, [header, *rows]), require_labels=False)


def test_labels_are_required_only_for_training(tmp_path: Path) -> None:
    header = HEADER.removesuffix(",Fraud,Critical Fraud")
    rows = [row.rsplit(",", 2)[0] for row in ROWS]
    path = write(tmp_path, [header, *rows])
    assert len(read_kcs(path, require_labels=False).frame) == 3
    with pytest.raises(KcsFormatError, match="'Fraud', 'Critical Fraud'"):
        read_kcs(path, require_labels=True)


@pytest.mark.parametrize(
    ("column_index", "value", "expected"),
    [
        (18, "abc", r"line 3, column 'Net Mass': 'abc' is not a number"),
        (19, "-5", r"line 3, column 'Item Price': '-5' is not a number >= 0"),
        (1, "2020-13-01", r"line 3, column 'Date': '2020-13-01' is not a date"),
        (12, "44A890", r"line 3, column 'HS6 Code': '44A890'"),
        (21, "3", r"line 3, column 'Critical Fraud': '3' is not one of \[0, 1, 2\]"),
        (0, "", r"line 3, column 'Declaration ID': '' is empty"),
    ],
)
def test_bad_cell_names_line_and_column(tmp_path: Path, column_index: int, value: str, expected: str) -> None:
    fields = ROWS[1].split(",")
    fields[column_index] = value
    with pytest.raises(KcsFormatError, match=expected):
        read_kcs(write(tmp_path, [HEADER, ROWS[0], ",".join(fields), ROWS[2]]), require_labels=True)


def test_every_bad_row_is_reported_and_counted(tmp_path: Path) -> None:
    bad = [row.replace("108.0", "x").replace("11352.0", "y") for row in ROWS]
    with pytest.raises(KcsFormatError) as caught:
        read_kcs(write(tmp_path, [HEADER, *bad]), require_labels=True)
    assert caught.value.problems[0].startswith("line 2, column 'Net Mass'")
    assert caught.value.problems[1].startswith("line 3, column 'Net Mass'")
    assert "2 problems" in str(caught.value)


def test_wrong_field_count_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(KcsFormatError, match="line 3: 23 fields, the header has 22"):
        read_kcs(write(tmp_path, [HEADER, ROWS[0], ROWS[1] + ",extra"]), require_labels=True)
    with pytest.raises(KcsFormatError, match="no data rows"):
        read_kcs(write(tmp_path, [HEADER]), require_labels=True)
    with pytest.raises(KcsFormatError, match="no such file"):
        read_kcs(tmp_path / "absent.csv", require_labels=True)


def test_concatenated_files_with_a_repeated_header_read_as_one(tmp_path: Path) -> None:
    path = write(tmp_path, [HEADER, ROWS[0], HEADER, ROWS[1], ROWS[2]])
    assert len(read_kcs(path, require_labels=True).frame) == 3
