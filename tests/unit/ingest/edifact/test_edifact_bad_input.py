"""Bad input: whole interchanges refused with ParseError, records rejected with their place and reason.

Every case starts from the shared synthetic CUSCAR/CODECO sample, where message segment n sits on line n + 2.
"""

from __future__ import annotations

import pytest
from edifact_builders import (
    CODECO_SAMPLE,
    cuscar_body,
    interchange,
    message,
    only_rejection,
    parse,
    sample_text,
)

from cargoscreen.domain.errors import ParseError


def _cuscar(old: str, new: str) -> str:
    text = sample_text()
    assert old in text
    return text.replace(old, new, 1)


# --- record rejections ------------------------------------------------------------------------------


def test_wrong_check_digit_drops_the_container_and_its_consignment() -> None:
    result = parse(_cuscar("EQD+CN+TGHU9876542", "EQD+CN+TGHU9876543"))
    (manifest,) = result.manifests
    assert [e.container_number for e in manifest.equipment] == ["MSCU1234566"]
    assert [c.bill_of_lading for c in manifest.consignments] == ["MSCUBL0000001"]
    equipment = next(r for r in result.rejections if r.scope == "equipment")
    assert equipment.locator == "message 1, segment 14 (EQD), line 16, element 2"
    assert "wrong check digit (expected 2)" in equipment.reason
    assert equipment.raw == "EQD+CN+TGHU9876543+22G1:102:5++3+5'MEA+AAE+G+KGM:18320'SEL+EQ12345678+CA'"
    assert equipment.message_key == "CARRIERX/000123/1" and equipment.source_format == "cuscar"
    consignment = next(r for r in result.rejections if r.scope == "consignment")
    assert consignment.locator == "message 1, segment 41 (SGP), line 43, element 1"
    assert "TGHU9876542 was rejected (segment 14 (EQD), line 16)" in consignment.reason


def test_wrong_check_digit_everywhere_is_named_at_each_place() -> None:
    result = parse(sample_text().replace("TGHU9876542", "TGHU9876543"))
    assert [r.scope for r in result.rejections] == ["equipment", "consignment"]
    consignment = result.rejections[1]
    assert consignment.locator == "message 1, segment 41 (SGP), line 43, element 1"
    assert "wrong check digit" in consignment.reason


def test_unknown_locode_drops_the_consignment_and_the_container_only_it_uses() -> None:
    result = parse(_cuscar("LOC+9+COCTG::6", "LOC+9+AQZZZ::6"))
    (manifest,) = result.manifests
    assert [c.bill_of_lading for c in manifest.consignments] == ["MSCUBL0000001"]
    assert [e.container_number for e in manifest.equipment] == ["MSCU1234566"]
    consignment = next(r for r in result.rejections if r.scope == "consignment")
    assert consignment.locator == "message 1, segment 34 (LOC), line 36, element 2.1"
    assert "AQZZZ" in consignment.reason and "port list" in consignment.reason
    assert consignment.raw.startswith("CNI+2+TGHUBL0000002'") and consignment.raw.endswith(
        "PCI+24+HS CODE 090111'"
    )
    dropped = next(r for r in result.rejections if r.scope == "equipment")
    assert dropped.locator == "message 1, segment 14 (EQD), line 16, element 2"
    assert "only goods of rejected consignment(s) TGHUBL0000002" in dropped.reason


@pytest.mark.parametrize(
    ("old", "new", "locator", "reason"),
    [
        (
            "PCI+24+HS CODE 080390",
            "PCI+24+HS CODE 08O390",
            "segment 31 (PCI), line 33, element 2",
            "2, 4 or 6",
        ),
        (
            "PCI+24+HS CODE 080390",
            "PCI+24+HS CODE 0803.99",
            "segment 31 (PCI), line 33, element 2",
            "HS 2022",
        ),
        ("PCI+24+HS CODE 080390", "PIA+5+0803X:HS", "segment 31 (PIA), line 33, element 2.1", "2, 4 or 6"),
    ],
)
def test_malformed_hs_rejects_the_consignment(old: str, new: str, locator: str, reason: str) -> None:
    result = parse(_cuscar(old, new))
    (manifest,) = result.manifests
    assert [c.bill_of_lading for c in manifest.consignments] == ["TGHUBL0000002"]
    assert [e.container_number for e in manifest.equipment] == ["TGHU9876542"]
    rejection = next(r for r in result.rejections if r.scope == "consignment")
    assert rejection.locator == f"message 1, {locator}"
    assert reason in rejection.reason


@pytest.mark.parametrize(
    ("old", "new", "scope", "locator", "reason"),
    [
        (
            "SEL+EQ12345678+CA",
            "SEL+EQ12345678+XX",
            "equipment",
            "segment 16 (SEL), line 18, element 2.1",
            "issuer",
        ),
        (
            "EQD+CN+TGHU9876542+22G1:102:5++3+5",
            "EQD+CN+TGHU9876542+22G1:102:5++9+5",
            "equipment",
            "segment 14 (EQD), line 16, element 5",
            "'9'",
        ),
        (
            "MEA+AAE+G+KGM:18320'",
            "MEA+AAE+G+KGM:18.3.2'",
            "equipment",
            "segment 15 (MEA), line 17, element 3.2",
            "decimal",
        ),
        (
            "CNI+2+TGHUBL0000002'\nRFF+BM:TGHUBL0000002'",
            "CNI+2'\nRFF+XX:Y'",
            "consignment",
            "segment 32 (CNI), line 34, element 2",
            "without a bill of lading",
        ),
        (
            "SGP+TGHU9876542+20",
            "SGP+CSQU3054383+20",
            "consignment",
            "segment 41 (SGP), line 43, element 1",
            "not declared by an EQD",
        ),
        (
            "GID+1+20:PK",
            "GID+1+2O:PK",
            "consignment",
            "segment 38 (GID), line 40, element 2.1",
            "whole number",
        ),
        (
            "NAD+CN++EXAMPLE TRADING BV:KADE 2:ROTTERDAM++3011+NL",
            "NAD+CN++EXAMPLE TRADING BV++3011+NLD",
            "consignment",
            "segment 37 (NAD), line 39, element 6",
            "country",
        ),
    ],
)
def test_record_rejections_name_segment_line_and_element(
    old: str, new: str, scope: str, locator: str, reason: str
) -> None:
    result = parse(_cuscar(old, new))
    assert len(result.manifests) == 1
    rejection = next(r for r in result.rejections if r.scope == scope)
    assert rejection.locator == f"message 1, {locator}"
    assert reason in rejection.reason


def test_bill_of_lading_from_cni_when_rff_bm_is_missing() -> None:
    text = _cuscar("RFF+BM:TGHUBL0000002'\nLOC+9", "LOC+9").replace("UNT+43+1", "UNT+42+1")
    (manifest,) = parse(text).manifests
    assert manifest.consignments[1].bill_of_lading == "TGHUBL0000002"


def test_invalid_eori_rejects_the_consignment_at_the_rff() -> None:
    text = _cuscar(
        "NAD+CN++EXAMPLE TRADING BV:KADE 2:ROTTERDAM++3011+NL'", "NAD+CN+++EXAMPLE TRADING BV'\nRFF+AHP:1X'"
    )
    text = text.replace("UNT+43+1", "UNT+44+1")
    result = parse(text)
    assert only_rejection(result, "consignment") == "message 1, segment 38 (RFF), line 40, element 1.2"


def test_valid_eori_is_read_from_rff_ahp_or_abo() -> None:
    for qualifier in ("AHP", "ABO"):
        new = f"NAD+CN+++EXAMPLE TRADING BV+KADE 2+ROTTERDAM++3011+NL'\nRFF+{qualifier}:NL123456789'"
        text = _cuscar("NAD+CN++EXAMPLE TRADING BV:KADE 2:ROTTERDAM++3011+NL'", new).replace(
            "UNT+43+1", "UNT+44+1"
        )
        (manifest,) = parse(text).manifests
        consignee = manifest.consignments[1].consignee
        assert consignee is not None and (consignee.eori, consignee.street, consignee.city) == (
            "NL123456789",
            "KADE 2",
            "ROTTERDAM",
        )


# --- message rejections -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "locator", "reason"),
    [
        ("UNT+43+1", "UNT+44+1", "segment 43 (UNT), line 45, element 1", "UNT counts '44' segments"),
        ("UNT+43+1", "UNT+43+2", "segment 43 (UNT), line 45, element 2", "UNT reference"),
        ("9321483:146", "9321484:146", "segment 6 (TDT), line 8, element 8.1", "IMO"),
        ("LOC+60+BEANR", "LOC+60+AQZZZ", "segment 7 (LOC), line 9, element 2.1", "AQZZZ"),
        (
            "DTM+132:202603141200:203",
            "DTM+132:202613141200:203",
            "segment 8 (DTM), line 10, element 1.2",
            "month",
        ),
        ("CUSCAR:D:95B:UN", "CUSCAR:D:93A:UN", "segment 1 (UNH), line 3, element 2.3", "D93A"),
        ("TDT+20+123E", "TDT+1+123E", "segment 1 (UNH), line 3, element 0", "TDT+20"),
        ("GIS+23'", "GID+23'", "segment 9 (GID), line 11, element 0", "not expected here"),
    ],
)
def test_message_rejections(old: str, new: str, locator: str, reason: str) -> None:
    result = parse(_cuscar(old, new))
    assert result.manifests == []
    (rejection,) = result.rejections
    assert (rejection.scope, rejection.locator) == ("message", f"message 1, {locator}")
    assert reason in rejection.reason
    assert rejection.raw.startswith("UNH+1+CUSCAR") and rejection.raw.endswith("'")


def test_unsupported_message_type_is_rejected_and_the_others_are_read() -> None:
    text = interchange(message("7", ["BGM+610+X+9'"], "IFTMIN:D:95B:UN"), message("8", cuscar_body()))
    result = parse(text)
    assert len(result.manifests) == 1 and result.manifests[0].message_ref == "8"
    assert only_rejection(result, "message") == "message 7, segment 1 (UNH), line 3, element 2.1"


def test_codeco_event_rejections() -> None:
    text = sample_text(CODECO_SAMPLE)
    bad = text.replace("DTM+7:202603141455:203", "DTM+137:202603141455:203").replace(
        "LOC+165+BEANR", "LOC+165+AQZZZ"
    )
    result = parse(bad)
    assert result.events == []
    assert only_rejection(result, "event") == "message 4711, segment 5 (EQD), line 7, element 0"
    result = parse(text.replace("LOC+165+BEANR", "LOC+165+AQZZZ"))
    assert only_rejection(result, "event") == "message 4711, segment 9 (LOC), line 11, element 2.1"
    result = parse(text.replace("BGM+34", "BGM+99"))
    assert only_rejection(result, "message") == "message 4711, segment 2 (BGM), line 4, element 1"


# --- whole interchange unreadable ---------------------------------------------------------------------


def _parse_error(text: str | bytes) -> ParseError:
    with pytest.raises(ParseError) as info:
        parse(text)
    return info.value


def test_truncated_inside_a_segment() -> None:
    text = sample_text()
    error = _parse_error(text[: text.index("CNI+2+TGHU") + 10])
    assert "truncated" in str(error)
    assert error.locator == "segment 33, line 34, element 0"


def test_truncated_at_a_segment_boundary() -> None:
    text = sample_text()
    error = _parse_error(text[: text.index("CNI+2+")])
    assert "has no UNT" in str(error) and error.locator == "message 1, segment 1 (UNH), line 3, element 1"
    error = _parse_error(text[: text.index("UNZ+")])
    assert "no UNZ" in str(error) and error.locator == "segment 44 (UNT), line 45, element 0"


def test_garbled_segment_tag() -> None:
    error = _parse_error(_cuscar("MEA+AAE+G+KGM:18320'", "M#A+AAE+G+KGM:18320'"))
    assert "garbled" in str(error)
    assert error.locator == "message 1, segment 15 (M#A), line 17, element 0"


def test_garbled_envelope() -> None:
    error = _parse_error(_cuscar("UNZ+1+000123", "UNZ+1+000124"))
    assert error.locator == "segment 45 (UNZ), line 46, element 2"
    error = _parse_error(_cuscar("UNZ+1+000123", "UNZ+2+000123"))
    assert error.locator == "segment 45 (UNZ), line 46, element 1"
    error = _parse_error(sample_text().replace("UNB+", "UNX+"))
    assert "no UNB" in str(error)


def test_unoa_with_latin1_bytes_is_refused() -> None:
    text = sample_text(CODECO_SAMPLE).replace("HAULIERX", "HAULIÉRX")
    error = _parse_error(text.encode("latin-1"))
    assert "0xC9" in str(error) and "UNOA" in str(error)
    assert error.locator.startswith("message 4711, segment 14 (TDT), line 16, element 5, column ")


def test_unoc_reads_latin1_and_unow_reads_utf8() -> None:
    text = sample_text(CODECO_SAMPLE).replace("HAULIERX", "HAULIÉRX")
    assert len(parse(text.replace("UNOA:2", "UNOC:3").encode("latin-1")).events) == 1
    assert len(parse(text.replace("UNOA:2", "UNOW:4").encode("utf-8")).events) == 1
    error = _parse_error(text.replace("UNOA:2", "UNOW:4").encode("latin-1"))
    assert error.locator.startswith("message 4711, segment 14 (TDT), line 16, element 5")


def test_unknown_syntax_identifier() -> None:
    error = _parse_error(sample_text().replace("UNOC:3", "UNOZ:3"))
    assert "UNOZ" in str(error) and error.locator == "line 2"
