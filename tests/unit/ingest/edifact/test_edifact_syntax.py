"""Syntax level: UNA or not, release character, wrapped lines, directories, the group walker (synthetic)."""

from __future__ import annotations

import pytest
from edifact_builders import (
    CUSCAR_SAMPLE,
    cuscar_body,
    interchange,
    message,
    only_rejection,
    parse,
    sample_text,
)

from cargoscreen.domain.errors import ParseError
from cargoscreen.ingest.edifact import parse_edifact
from cargoscreen.ingest.edifact.common import RecordError
from cargoscreen.ingest.edifact.groups import GroupSpec, walk
from cargoscreen.ingest.edifact.interchange import read_interchange
from cargoscreen.ingest.edifact.syntax import Segment, read_text, tokenise


def _wrapped(text: str, width: int, newline: str = "\r\n") -> str:
    """Join all segments on one line, then cut every ``width`` characters (as fixed-width senders do)."""
    flat = text.replace("\n", "")
    return newline.join(flat[i : i + width] for i in range(0, len(flat), width)) + newline


def test_no_una_and_crlf_wrapped_lines_read_like_the_sample() -> None:
    expected = parse(CUSCAR_SAMPLE.read_bytes()).manifests
    text = sample_text().replace("UNA:+.? '\n", "")
    assert parse(_wrapped(text, 80)).manifests == expected
    assert parse(_wrapped(text, 7, "\n")).manifests == expected
    assert parse(text.replace("\n", "\r\n")).manifests == expected


def test_wrapped_lines_keep_original_line_numbers_in_locators() -> None:
    text = sample_text().replace("UNA:+.? '\n", "").replace("LOC+9+COCTG::6", "LOC+9+AQZZZ::6")
    wrapped = _wrapped(text, 80)
    line = 1 + wrapped[: wrapped.index("AQZZZ")].count("\n")
    offset = wrapped.rfind("'", 0, wrapped.index("AQZZZ")) + 1
    segment_line = 1 + wrapped[:offset].count("\n")
    result = parse(wrapped)
    assert segment_line <= line
    rejection = next(r for r in result.rejections if r.scope == "consignment")
    assert rejection.locator == f"message 1, segment 34 (LOC), line {segment_line}, element 2.1"


def test_release_character_and_other_una_separators() -> None:
    name = "NAD+CN+++ACME ?+ SONS?: ?'THE ??BEST?'+HAVENLAAN 1+ANTWERPEN++2000+BE'"
    body = [line if not line.startswith("NAD+CN") else name for line in cuscar_body()]
    (manifest,) = parse(interchange(message("1", body))).manifests
    assert manifest.consignments[0].consignee is not None
    assert manifest.consignments[0].consignee.name == "ACME + SONS: 'THE ?BEST'"
    swapped = interchange(message("1", body)).translate(str.maketrans("+:'", "*^~"))
    assert swapped.startswith("UNA^*.? ~\nUNB*UNOC^3*")
    (other,) = parse(swapped).manifests
    assert other.consignments[0].consignee is not None
    assert other.consignments[0].consignee.name == "ACME * SONS^ ~THE ?BEST~"
    assert other.vessel_call == manifest.vessel_call and other.equipment == manifest.equipment


def test_fast_and_pydifact_tokenisers_agree_on_escapes() -> None:
    raw = "UNA:+.? 'UNB+UNOC:3+A+B+260312:0815+1'UNH+1+X'FTX+AAA+++A?:B?+C?'D??E::+F'  UNT+3+1'UNZ+1+1'"
    text = read_text(raw)
    count = len(text.starts)
    fast = tokenise(text, 0, count - 1)
    reference = tokenise(text, 0, count - 1, engine="pydifact")
    assert fast == reference
    assert fast[2].elements == (("AAA",), ("",), ("",), ("A:B+C'D?E", "", ""), ("F",))


def test_d21a_message_with_cst_hs_codes() -> None:
    body = [
        line.replace("PCI+24+HS CODE 080390", "CST+1+0803900000:122::ZZZ").replace(
            "PCI+24+HS CODE 090111", "CST+1+0901.11:122::ZZZ"
        )
        for line in cuscar_body()
    ]
    (manifest,) = parse(interchange(message("21", body, "CUSCAR:D:21A:UN"))).manifests
    first, second = (c.goods_items[0] for c in manifest.consignments)
    assert (first.hs_code, first.hs_raw) == ("080390", "0803900000")
    assert (second.hs_code, second.hs_raw) == ("090111", "0901.11")
    bad = [line.replace("PCI+24+HS CODE 090111", "CST+1+09O111:122::ZZZ") for line in cuscar_body()]
    result = parse(interchange(message("21", bad, "CUSCAR:D:21A:UN")))
    assert only_rejection(result, "consignment") == "message 21, segment 42 (CST), line 44, element 2.1"


@pytest.mark.parametrize("release", ["95B", "96A", "01B", "10A", "21A"])
def test_supported_directories(release: str) -> None:
    assert len(parse(interchange(message("1", cuscar_body(), f"CUSCAR:D:{release}:UN"))).manifests) == 1


@pytest.mark.parametrize("release", ["93A", "95A", "21B", "22A", "XYZ"])
def test_unsupported_directories(release: str) -> None:
    result = parse(interchange(message("1", cuscar_body(), f"CUSCAR:D:{release}:UN")))
    assert only_rejection(result, "message") == "message 1, segment 1 (UNH), line 3, element 2.3"


def test_several_messages_of_several_types_in_one_interchange() -> None:
    codeco = [
        "BGM+36+OUT1+9'",
        "EQD+CN+MSCU1234566+45G1:102:5++3+5'",
        "DTM+7:202603151000:203'",
        "LOC+165+BEANR:139:6'",
    ]
    coarri = ["BGM+44+D1+9'", "EQD+CN+TGHU9876542+22G1'", "DTM+203:20260314:102'", "LOC+11+BEANR'"]
    text = interchange(
        message("1", cuscar_body()),
        message("2", codeco, "CODECO:D:95B:UN:ITG14"),
        message("3", coarri, "COARRI:D:00B:UN"),
        message("4", cuscar_body()),
    )
    result = parse(text)
    assert result.rejections == []
    assert [m.message_ref for m in result.manifests] == ["1", "4"]
    assert [(e.event_type, e.un_locode, e.event_id) for e in result.events] == [
        ("GATED_OUT", "BEANR", "CARRIERX/9/2/MSCU1234566"),
        ("DISCHARGED", "BEANR", "CARRIERX/9/3/TGHU9876542"),
    ]
    assert result.events[1].event_time.isoformat() == "2026-03-14T00:00:00+00:00"


def test_functional_groups_and_byte_order_mark_are_accepted() -> None:
    text = interchange(message("1", cuscar_body())).replace(
        "UNH+1+", "UNG+CUSCAR+A+B+260312:0815+5+UN+D:95B'\nUNH+1+"
    )
    text = text.replace("UNZ+1+9", "UNE+1+5'\nUNZ+1+9")
    result = parse_edifact(b"\xef\xbb\xbf" + text.encode("latin-1"), source_name="x")
    assert len(result.manifests) == 1


def test_segment_outside_a_message_is_refused() -> None:
    text = interchange(message("1", cuscar_body())).replace("UNZ+", "FTX+AAA'\nUNZ+")
    with pytest.raises(ParseError) as info:
        parse(text)
    assert info.value.locator == "segment 45 (FTX), line 46, element 0"


def test_interchange_lists_messages_lazily() -> None:
    text = interchange(message("1", cuscar_body()), message("2", cuscar_body()))
    found = read_interchange(text.encode())
    assert (found.sender, found.recipient, found.reference, found.syntax) == (
        "CARRIERX",
        "BECUSTOMS",
        "9",
        "UNOC",
    )
    assert [(m.reference, m.message_type, m.version) for m in found.messages] == [
        ("1", "CUSCAR", "D95B"),
        ("2", "CUSCAR", "D95B"),
    ]
    segments = found.messages[1].segments()
    assert (segments[0].tag, segments[0].number, segments[-1].tag, segments[-1].number) == (
        "UNH",
        1,
        "UNT",
        43,
    )
    assert segments[0].line == 46


# --- group walker -----------------------------------------------------------------------------------


def _segments(*raw: str) -> list[Segment]:
    text = read_text("UNA:+.? '" + "'".join(raw) + "'")
    return tokenise(text, 0, len(text.starts) - 1)


SPEC = GroupSpec(
    "UNH",
    {"BGM", "UNT"},
    GroupSpec("EQD", {"SEL", "MEA"}),
    GroupSpec("CNI", {"RFF", "LOC"}, GroupSpec("NAD", {"RFF"}), GroupSpec("GID", {"FTX", "SGP", "MEA"})),
)


def test_walker_builds_the_group_tree() -> None:
    segments = _segments(
        "UNH+1+X", "BGM+85", "EQD+CN+A", "SEL+1", "MEA+G", "CNI+1", "RFF+BM:B", "NAD+CN", "RFF+AHP:E",
        "LOC+9", "GID+1", "FTX+AAA", "SGP+A", "GID+2", "MEA+G", "ZZZ+unknown", "CNI+2", "UNT+18+1",
    )  # fmt: skip
    tree = walk(segments, SPEC)
    assert [s.tag for s in tree.segments] == ["BGM", "UNT"]
    (eqd,) = tree.groups("EQD")
    assert [s.tag for s in eqd.segments] == ["SEL", "MEA"]
    first, second = tree.groups("CNI")
    assert [s.tag for s in first.segments] == ["RFF", "LOC"]
    (nad,) = first.groups("NAD")
    assert nad.first("RFF", "AHP") is not None and first.first("RFF", "AHP") is None
    gid1, gid2 = first.groups("GID")
    assert [s.tag for s in gid1.segments] == ["FTX", "SGP"] and [s.tag for s in gid2.segments] == ["MEA"]
    assert [s.tag for s in gid2.extra] == ["ZZZ"]
    assert first.last().tag == "ZZZ" and second.segments == ()


def test_walker_refuses_a_known_segment_out_of_place() -> None:
    with pytest.raises(RecordError) as info:
        walk(_segments("UNH+1+X", "BGM+85", "GID+1", "UNT+4+1"), SPEC)
    assert (info.value.seg.tag, info.value.seg.number, info.value.element) == ("GID", 3, "0")
    assert "inside UNH" in info.value.reason
