"""JSON manifest reader and writer (format cargoscreen.manifest/1). Fixtures are synthetic."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from cargoscreen.domain.batch import ParseResult
from cargoscreen.domain.errors import ParseError
from cargoscreen.domain.records import (
    Consignment,
    Equipment,
    FullEmpty,
    GoodsItem,
    GoodsPlacement,
    Manifest,
    Party,
    Seal,
    SealSource,
    TradeMovement,
    VesselCall,
)
from cargoscreen.ingest.json_manifest import manifest_schema, manifest_to_json, parse_json_manifest

FIXTURE = Path(__file__).parents[2] / "fixtures" / "json" / "manifest_valid.json"


def _document() -> list[dict[str, Any]]:
    document: list[dict[str, Any]] = json.loads(FIXTURE.read_bytes())
    return copy.deepcopy(document)


def _parse(document: object) -> ParseResult:
    return parse_json_manifest(json.dumps(document).encode(), source_name="test.json")


def _only_rejection(result: ParseResult, scope: str) -> tuple[str, str]:
    assert [r.scope for r in result.rejections] == [scope], result.rejections
    return result.rejections[0].locator, result.rejections[0].reason


def test_reads_the_fixture_into_domain_records() -> None:
    result = parse_json_manifest(FIXTURE.read_bytes(), source_name="manifest_valid.json")

    assert result.rejections == []
    assert result.source_format == "json"
    (manifest,) = result.manifests
    assert manifest.message_key == "MSCBE/IC000123/M0001"
    assert manifest.source_format == "json"
    assert manifest.vessel_call.imo_number == "9321483"
    assert manifest.vessel_call.eta == datetime(2026, 3, 14, 6, tzinfo=UTC)
    assert manifest.vessel_call.previous_ports == ("ECGYE", "COCTG")
    reefer, dry = manifest.equipment
    assert reefer.reefer and reefer.full_empty is FullEmpty.FULL
    assert reefer.seals == (
        Seal(seal_number="SH7781234", source=SealSource.SHIPPER),
        Seal(seal_number="CA0099881", source=SealSource.CARRIER),
    )
    assert dry.movement is TradeMovement.TRANSHIPMENT
    assert [c.bill_of_lading for c in manifest.consignments] == ["MEDUEC123456", "MEDUCO654321"]
    bananas = manifest.consignments[0].goods_items[0]
    assert (bananas.hs_code, bananas.packages, bananas.gross_kg) == ("080390", 1200, 21600.0)
    assert manifest.consignments[0].consignee is not None
    assert manifest.consignments[0].consignee.eori == "BE0123456789"
    assert manifest.consignments[1].container_numbers == ("TGHU9876542",)


def test_a_single_manifest_object_is_accepted() -> None:
    result = _parse(_document()[0])

    assert len(result.manifests) == 1 and result.rejections == []


def test_writer_round_trips_to_equal_records() -> None:
    (manifest,) = parse_json_manifest(FIXTURE.read_bytes(), source_name="a").manifests

    written = manifest_to_json(manifest)
    (again,) = _parse(written).manifests

    assert again == manifest
    assert written["format"] == "cargoscreen.manifest/1"
    assert written["equipment"][1]["movement"] == "TRANSHIPMENT"
    jsonschema.validate(written, manifest_schema())


def test_writer_round_trips_every_field() -> None:
    party = Party(name="N", street="S 1", city="C", postcode="P", country="BE", eori="BE0123456789")
    manifest = Manifest(
        sender="S",
        recipient="R",
        interchange_ref="I",
        message_ref="M",
        document_number="D",
        document_time=datetime(2026, 3, 1, 12, 30, 15, 123000, tzinfo=UTC),
        source_format="json",
        vessel_call=VesselCall(
            imo_number="9321483",
            vessel_name="V",
            voyage_number="1",
            carrier="C",
            port_of_call="BEANR",
            eta=datetime(2026, 3, 14, 6, tzinfo=UTC),
            ata=datetime(2026, 3, 14, 7, tzinfo=UTC),
            previous_ports=("COCTG",),
        ),
        equipment=(
            Equipment(
                container_number="MSCU1234566",
                size_type="22G1",
                full_empty=FullEmpty.EMPTY,
                movement=TradeMovement.EXPORT,
                gross_kg=None,
                seals=(Seal(seal_number="X1", source=SealSource.CUSTOMS),),
            ),
        ),
        consignments=(
            Consignment(
                bill_of_lading="B",
                consignor=party,
                consignee=party,
                notify=party,
                place_of_origin="ECGYE",
                port_of_loading="ECGYE",
                port_of_discharge="BEANR",
                transhipment_ports=("COCTG",),
                goods_items=(
                    GoodsItem(
                        item_number=2,
                        hs_code=None,
                        hs_raw="fruit",
                        description="D",
                        package_type="CT",
                        placements=(GoodsPlacement(container_number="MSCU1234566"),),
                    ),
                ),
            ),
        ),
    )

    written = manifest_to_json(manifest)
    jsonschema.validate(written, manifest_schema())
    assert _parse([written]).manifests == [manifest]


def test_invalid_check_digit_rejects_equipment_and_the_consignments_in_it() -> None:
    document = _document()
    document[0]["equipment"][0]["container_number"] = "MSCU1234567"
    document[0]["consignments"][0]["goods_items"][0]["placements"][0]["container_number"] = "MSCU1234567"

    result = _parse(document)

    equipment, consignment = result.rejections
    assert (equipment.scope, equipment.locator) == ("equipment", "manifest[0].equipment[0].container_number")
    assert "wrong check digit (expected 6)" in equipment.reason
    assert consignment.scope == "consignment"
    assert consignment.locator == "manifest[0].consignments[0].goods_items[0].placements[0].container_number"
    assert "MSCU1234567, which was rejected" in consignment.reason
    (manifest,) = result.manifests
    assert [e.container_number for e in manifest.equipment] == ["TGHU9876542"]
    assert [c.bill_of_lading for c in manifest.consignments] == ["MEDUCO654321"]
    assert equipment.message_key == "MSCBE/IC000123/M0001"
    assert json.loads(equipment.raw)["container_number"] == "MSCU1234567"


def test_unknown_locode_rejects_only_that_consignment() -> None:
    document = _document()
    document[0]["consignments"][1]["port_of_loading"] = "ZZQQQ"

    result = _parse(document)

    locator, reason = _only_rejection(result, "consignment")
    assert locator == "manifest[0].consignments[1].port_of_loading"
    assert "not in the curated port list" in reason
    assert [c.bill_of_lading for c in result.manifests[0].consignments] == ["MEDUEC123456"]


def test_malformed_hs_code_names_the_goods_item() -> None:
    document = _document()
    document[0]["consignments"][0]["goods_items"][0]["hs_code"] = "08039X"

    locator, reason = _only_rejection(_parse(document), "consignment")

    assert locator == "manifest[0].consignments[0].goods_items[0].hs_code"
    assert "not 2, 4 or 6 digits" in reason


def test_every_problem_of_a_consignment_is_reported_in_one_rejection() -> None:
    document = _document()
    document[0]["consignments"][0]["goods_items"][0]["hs_code"] = "080391"
    document[0]["consignments"][0]["port_of_discharge"] = "ZZQQQ"

    locator, reason = _only_rejection(_parse(document), "consignment")

    assert locator == "manifest[0].consignments[0].port_of_discharge"
    assert "manifest[0].consignments[0].goods_items[0].hs_code: " in reason
    assert "not in the HS 2022 nomenclature" in reason


def test_bad_vessel_call_rejects_the_whole_manifest() -> None:
    document = _document()
    document[0]["vessel_call"]["imo_number"] = "9321484"

    result = _parse(document)

    locator, reason = _only_rejection(result, "manifest")
    assert locator == "manifest[0].vessel_call.imo_number"
    assert "IMO number" in reason
    assert result.manifests == []


def test_eta_without_offset_is_a_structural_error() -> None:
    document = _document()
    document[0]["vessel_call"]["eta"] = "2026-03-14T06:00:00"

    locator, reason = _only_rejection(_parse(document), "manifest")

    assert locator == "manifest[0].vessel_call.eta"
    assert "JSON pointer /0/vessel_call/eta" in reason


def test_wrong_type_is_rejected_with_its_json_pointer() -> None:
    document = _document()
    document[0]["consignments"][0]["goods_items"][0]["packages"] = "1200"

    locator, reason = _only_rejection(_parse(document), "consignment")

    assert locator == "manifest[0].consignments[0].goods_items[0].packages"
    assert "is not of type" in reason
    assert "JSON pointer /0/consignments/0/goods_items/0/packages" in reason


def test_pointer_has_no_index_for_a_single_object() -> None:
    document = _document()[0]
    document["equipment"][1]["movement"] = "IMPORTED"

    result = _parse(document)

    equipment, consignment = result.rejections
    assert equipment.locator == "manifest[0].equipment[1].movement"
    assert "JSON pointer /equipment/1/movement" in equipment.reason
    assert consignment.locator.startswith("manifest[0].consignments[1].goods_items[0].placements[0]")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda m: m.pop("vessel_call"), "'vessel_call' is a required property"),
        (lambda m: m.update(format="cargoscreen.manifest/2"), "'cargoscreen.manifest/1' was expected"),
        (lambda m: m.update(sendr="X"), "('sendr' was unexpected)"),
        (lambda m: m.update(consignments={}), "is not of type 'array'"),
    ],
)
def test_structural_errors_outside_records_reject_the_manifest(change: Any, expected: str) -> None:
    document = _document()
    change(document[0])

    result = _parse(document)

    locator, reason = _only_rejection(result, "manifest")
    assert locator.startswith("manifest[0]")
    assert expected in reason
    assert result.manifests == []


def test_placement_in_a_container_not_listed_rejects_the_consignment() -> None:
    document = _document()
    document[0]["consignments"][1]["goods_items"][0]["placements"][0]["container_number"] = "MSCU7654329"

    locator, reason = _only_rejection(_parse(document), "consignment")

    assert locator == "manifest[0].consignments[1].goods_items[0].placements[0].container_number"
    assert "not listed in the manifest's equipment" in reason


def test_duplicates_are_rejected_and_the_first_kept() -> None:
    document = _document()
    document[0]["consignments"].append(copy.deepcopy(document[0]["consignments"][0]))
    document[0]["equipment"].append(copy.deepcopy(document[0]["equipment"][0]))

    result = _parse(document)

    assert [(r.scope, r.locator) for r in result.rejections] == [
        ("equipment", "manifest[0].equipment[2].container_number"),
        ("consignment", "manifest[0].consignments[2].bill_of_lading"),
    ]
    assert len(result.manifests[0].consignments) == 2


def test_a_bad_manifest_does_not_stop_the_next() -> None:
    document = _document() + _document()
    document[0]["vessel_call"]["port_of_call"] = "ZZQQQ"
    document[1]["message_ref"] = "M0002"

    result = _parse(document)

    locator, _ = _only_rejection(result, "manifest")
    assert locator == "manifest[0].vessel_call.port_of_call"
    assert [m.message_ref for m in result.manifests] == ["M0002"]


def test_a_list_item_that_is_not_an_object_is_rejected() -> None:
    result = _parse([42])

    assert _only_rejection(result, "manifest") == ("manifest[0]", "not a JSON object")


def test_truncated_json_raises_parse_error_with_line_and_column() -> None:
    data = FIXTURE.read_bytes()[:300]

    with pytest.raises(ParseError) as caught:
        parse_json_manifest(data, source_name="t.json")

    assert caught.value.locator.startswith("line ")
    assert ", column " in caught.value.locator
    assert "not valid JSON" in str(caught.value)


def test_invalid_utf8_raises_parse_error_with_line_and_column() -> None:
    data = b'{\n  "format": "cargoscreen.manifest/1",\n  "sender": "\xc3\xa9Caf\xe9"\n}'

    with pytest.raises(ParseError) as caught:
        parse_json_manifest(data, source_name="t.json")

    assert caught.value.locator == "line 3, column 18"
    assert "0xE9" in str(caught.value)


@pytest.mark.parametrize("data", [b"42", b'"text"', b"null"])
def test_a_document_that_is_no_manifest_raises(data: bytes) -> None:
    with pytest.raises(ParseError, match="expected a manifest object or a list"):
        parse_json_manifest(data, source_name="t.json")


def test_nan_is_refused() -> None:
    with pytest.raises(ParseError, match="NaN"):
        parse_json_manifest(b'[{"gross_kg": NaN}]', source_name="t.json")


def test_bom_is_accepted() -> None:
    result = parse_json_manifest(b"\xef\xbb\xbf" + FIXTURE.read_bytes(), source_name="t.json")

    assert len(result.manifests) == 1
