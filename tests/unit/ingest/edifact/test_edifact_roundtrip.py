"""Writer ↔ reader: what the writer puts down, the reader gives back, field for field (synthetic data)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from edifact_builders import FIXTURES, event, full_manifest, parse

from cargoscreen.domain.events import EquipmentEvent
from cargoscreen.domain.records import Consignment, GoodsItem, GoodsPlacement, Manifest, Party
from cargoscreen.simulate.edifact_writer import (
    segment,
    wrap,
    write_coarri,
    write_codeco,
    write_cuscar,
    write_cuscar_interchange,
)


def _variant(name: str) -> Manifest:
    manifest = full_manifest()
    first = manifest.consignments[0]
    if name == "full":
        return manifest
    if name == "minimal":
        return manifest.model_copy(update={"equipment": (), "consignments": (), "document_time": None})
    if name == "no-optional-vessel-fields":
        call = manifest.vessel_call.model_copy(
            update={"eta": None, "ata": None, "carrier": "", "vessel_name": ""}
        )
        return manifest.model_copy(update={"vessel_call": call})
    if name == "escapes-everywhere":
        party = Party(name="A+B:C'D?E ÀÉÎÕÜ ß", street="?:+'", city="SÃO PAULO", country="BR")
        item = GoodsItem(
            item_number=7, hs_code="0901", hs_raw="0901", description="? + : ' ?? ++", packages=0
        )
        odd = Consignment(bill_of_lading="BL+:'?1", consignor=party, consignee=party, goods_items=(item,))
        return manifest.model_copy(
            update={"consignments": (*manifest.consignments, odd), "document_number": "D+1"}
        )
    if name == "utf8-names":
        party = Party(name="ŁÓDŹ FRUIT SP. Z O.O.", street="ULICA 1", city="ŁÓDŹ", country="PL")
        return manifest.model_copy(update={"consignments": (first.model_copy(update={"consignee": party}),)})
    if name == "many-goods-items":
        placement = GoodsPlacement(container_number="MSCU1234566", packages=10)
        items = tuple(
            GoodsItem(item_number=n, hs_code="080390", hs_raw="080390", packages=10, placements=(placement,))
            for n in range(1, 12)
        )
        return manifest.model_copy(
            update={"consignments": (first.model_copy(update={"goods_items": items}),)}
        )
    raise AssertionError(name)


VARIANTS = [
    "full",
    "minimal",
    "no-optional-vessel-fields",
    "escapes-everywhere",
    "utf8-names",
    "many-goods-items",
]


@pytest.mark.parametrize("name", VARIANTS)
def test_cuscar_round_trip_is_exact(name: str) -> None:
    manifest = _variant(name)
    result = parse(write_cuscar(manifest))
    assert result.rejections == []
    assert result.manifests == [manifest]


def test_full_manifest_covers_the_hard_cases() -> None:
    manifest = full_manifest()
    bananas = manifest.consignments[0].goods_items[0]
    assert len(bananas.placements) == 2 and manifest.consignments[0].transhipment_ports
    assert manifest.equipment[0].reefer
    assert {seal.source for seal in manifest.equipment[0].seals} == {"CA", "SH", "CU", "TO"}
    assert "Ñ" in (manifest.consignments[0].consignor.name if manifest.consignments[0].consignor else "")


def test_writer_output_matches_the_golden_file() -> None:
    written = write_cuscar(full_manifest())
    assert written == (FIXTURES / "CUSCAR_D95B_written_golden.edi").read_bytes()


def test_writer_declares_unoc_for_latin1_and_unow_beyond() -> None:
    assert b"UNB+UNOC:3+CARRIERX+BECUSTOMS+260312:0815+000123'" in write_cuscar(full_manifest())
    assert write_cuscar(_variant("utf8-names")).split(b"\n")[1].startswith(b"UNB+UNOW:4+")


def test_writer_counts_segments_in_unt() -> None:
    lines = write_cuscar(full_manifest()).decode("latin-1").splitlines()
    unh, unt = (
        lines.index("UNH+MSG1+CUSCAR:D:95B:UN'"),
        next(i for i, x in enumerate(lines) if x.startswith("UNT")),
    )
    assert lines[unt] == f"UNT+{unt - unh + 1}+MSG1'"


def test_several_manifests_in_one_interchange() -> None:
    manifests = [full_manifest("A1"), full_manifest("A2")]
    data = write_cuscar_interchange(manifests)
    assert data.count(b"UNH+") == 2 and data.rstrip().endswith(b"UNZ+2+000123'")
    assert parse(data).manifests == manifests


def test_segment_escapes_and_trims() -> None:
    assert segment("NAD", "CN", "", "", ("A+B", "C:D"), "", "") == "NAD+CN+++A?+B:C?:D'"
    assert segment("FTX", "AAA", "", "", ("it's?", "")) == "FTX+AAA+++it?'s??'"
    assert segment("LOC", "60", ("BEANR", "", "6")) == "LOC+60+BEANR::6'"


@pytest.mark.parametrize(
    ("text", "width", "pieces"),
    [
        ("SHORT", 35, ("SHORT",)),
        ("AAAA BBBB CCCC", 9, ("AAAA BBBB", "CCCC")),
        ("AAAA  BBBB", 5, ("AAAA ", "BBBB")),
        ("ABCDEFGHIJ", 4, ("ABCD", "EFGH", "IJ")),
    ],
)
def test_wrap_cuts_at_spaces(text: str, width: int, pieces: tuple[str, ...]) -> None:
    assert wrap(text, width) == pieces
    assert all(len(piece) <= width for piece in pieces)
    if " " in text:
        assert " ".join(pieces) == text


def _events() -> list[EquipmentEvent]:
    seals = ({"seal_number": "SH7781234", "source": "SH"}, {"seal_number": "CA0099881", "source": "CA"})
    gate_in = event(
        "MSCU1234566",
        "GATED_IN",
        "codeco",
        size_type="45R1",
        full_empty="5",
        un_locode="BEANR",
        facility_code="K1742",
        transport_phase="EXPORT",
        seals=seals,
        gross_kg=24810.0,
        reference="BK4000123",
    )
    bare = event("TGHU9876542", "GATED_IN", "codeco", event_time=datetime(2026, 3, 14, 15, 0, 12, tzinfo=UTC))
    gate_out = event("CSQU3054383", "GATED_OUT", "codeco", un_locode="BEANR").model_copy(
        update={"event_id": "TERM1/77/M2/CSQU3054383"}
    )
    return [gate_in, bare, gate_out]


def _without_raw(events: list[EquipmentEvent]) -> list[EquipmentEvent]:
    return [e.model_copy(update={"raw": ""}) for e in events]


def test_codeco_round_trip() -> None:
    events = _events()
    data = write_codeco(events, "TERM1", "77", recipient="CARRIERX")
    result = parse(data)
    assert result.rejections == []
    assert _without_raw(result.events) == events
    assert b"BGM+34+M1+9'" in data and b"BGM+36+M2+9'" in data
    again = parse(write_codeco(result.events, "TERM1", "77", recipient="CARRIERX"))
    assert again.events == result.events


def test_coarri_round_trip_with_vessel() -> None:
    events = [
        event(
            "MSCU1234566",
            "DISCHARGED",
            "coarri",
            un_locode="BEANR",
            facility_code="K1742",
            transport_phase="IMPORT",
        ),
        event("TGHU9876542", "LOADED", "coarri", un_locode="BEANR").model_copy(
            update={"event_id": "TERM1/77/M2/TGHU9876542"}
        ),
    ]
    data = write_coarri(events, "TERM1", "77", vessel=full_manifest().vessel_call)
    assert (
        b"BGM+44+M1+9'" in data and b"BGM+46+M2+9'" in data and b"LOC+11+BEANR:139:6+K1742:TER:ZZZ'" in data
    )
    result = parse(data)
    assert result.rejections == []
    assert _without_raw(result.events) == events


def test_events_without_reader_ids_get_message_references() -> None:
    plain = event("MSCU1234566", "GATED_IN", "codeco").model_copy(update={"event_id": "dcsa-1"})
    result = parse(write_codeco([plain], "TERM1", "77"))
    assert [e.event_id for e in result.events] == ["TERM1/77/1/MSCU1234566"]


def test_writer_refuses_events_it_cannot_express() -> None:
    planned = event("MSCU1234566", "GATED_IN", "codeco", classifier="PLN")
    with pytest.raises(ValueError, match="PLN"):
        write_codeco([planned], "TERM1", "77")
    with pytest.raises(ValueError, match="LOADED"):
        write_codeco([event("MSCU1234566", "LOADED", "coarri")], "TERM1", "77")
