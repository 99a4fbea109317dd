"""Mapping variants partners send: other places for the IMO number, carrier, voyage, units (synthetic)."""

from __future__ import annotations

from edifact_builders import (
    CODECO_SAMPLE,
    cuscar_body,
    interchange,
    message,
    only_rejection,
    parse,
    sample_text,
)


def _body(old: str, new: str) -> list[str]:
    body = cuscar_body()
    assert any(old in line for line in body)
    return [line.replace(old, new) for line in body]


def test_imo_in_another_c222_position_with_prefix() -> None:
    body = _body("CARX:172:20+++9321483:146::KING OF THE SEAS:PA", "CARX:172:20++++IMO9321483:146::KING:PA")
    (manifest,) = parse(interchange(message("1", body))).manifests
    assert (manifest.vessel_call.imo_number, manifest.vessel_call.vessel_name) == ("9321483", "KING")


def test_carrier_from_nad_and_voyage_from_rff_von() -> None:
    body = _body("TDT+20+123E+1++CARX:172:20", "TDT+20++1++")
    body = [
        line.replace("RFF+SSX:VOY123E", "RFF+VON:V77").replace("NAD+MS+CARX", "NAD+CA+CARY") for line in body
    ]
    (manifest,) = parse(interchange(message("1", body))).manifests
    assert (manifest.vessel_call.carrier, manifest.vessel_call.voyage_number) == ("CARY", "V77")


def test_ata_previous_calls_and_weights_in_tonnes() -> None:
    body = _body("DTM+132:202603141200:203'", "DTM+132:202603141200:203'")
    position = body.index("DTM+132:202603141200:203'")
    body[position + 1 : position + 1] = ["DTM+178:20260314:102'", "LOC+94+COCTG::6'"]
    body = [line.replace("MEA+AAE+G+KGM:18320", "MEA+WT+G+TNE:18,32") for line in body]
    (manifest,) = parse(interchange(message("1", body))).manifests
    assert (
        manifest.vessel_call.ata is not None
        and manifest.vessel_call.ata.isoformat() == "2026-03-14T00:00:00+00:00"
    )
    assert manifest.vessel_call.previous_ports == ("COCTG",)
    assert manifest.equipment[1].gross_kg == 18320.0
    assert manifest.consignments[1].goods_items[0].gross_kg == 18320.0


def test_coded_party_without_name_takes_its_id() -> None:
    body = _body(
        "NAD+N1++EXAMPLE FRUIT IMPORT NV:HAVENLAAN 1:ANTWERPEN++2000+BE", "NAD+N1+BE0123456789:160:ZZZ"
    )
    (manifest,) = parse(interchange(message("1", body))).manifests
    notify = manifest.consignments[0].notify
    assert notify is not None and (notify.name, notify.country) == ("BE0123456789", "")


def test_empty_sender_rejects_the_message() -> None:
    text = interchange(message("1", cuscar_body())).replace("+CARRIERX+", "++")
    result = parse(text)
    assert result.manifests == []
    assert only_rejection(result, "message") == "message 1, segment 1 (UNH), line 3, element 1"


def test_duplicate_container_and_bill_of_lading() -> None:
    body = cuscar_body()
    eqd = body.index("EQD+CN+MSCU1234566+45G1:102:5++3+5'")
    body[eqd:eqd] = ["EQD+CN+MSCU1234566+22G1:102:5++3+5'"]
    body = [line.replace("CNI+2+TGHUBL0000002", "CNI+2+MSCUBL0000001").replace("BM:TGHUBL0000002", "BM:MSCUBL0000001")
            for line in body]  # fmt: skip
    result = parse(interchange(message("1", body)))
    (manifest,) = result.manifests
    assert [e.size_type for e in manifest.equipment] == ["22G1"]
    assert [c.bill_of_lading for c in manifest.consignments] == ["MSCUBL0000001"]
    assert manifest.consignments[0].goods_items[0].description == "FRESH BANANAS"
    equipment = [r for r in result.rejections if r.scope == "equipment"]
    assert [r.locator for r in equipment] == [
        "message 1, segment 11 (EQD), line 13, element 2",
        "message 1, segment 15 (EQD), line 17, element 2",
    ]
    assert "declared twice" in equipment[0].reason and "only goods of rejected" in equipment[1].reason
    assert only_rejection(result, "consignment") == "message 1, segment 33 (CNI), line 35, element 2"


def test_repeated_container_in_codeco_gets_distinct_event_ids() -> None:
    text = sample_text(CODECO_SAMPLE)
    start, end = text.index("EQD+"), text.index("CNT+")
    text = text[:end] + text[start:end] + text[end:]
    text = text.replace("UNT+16+4711", f"UNT+{16 + text[start:end].count(chr(39))}+4711")
    result = parse(text)
    assert [e.event_id for e in result.events] == [
        "BEANRTERM1/4711/4711/MSCU1234566",
        "BEANRTERM1/4711/4711/MSCU1234566/2",
    ]
