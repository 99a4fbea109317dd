"""Golden-file tests on the two shared (synthetic) samples: every field read, nothing rejected."""

from __future__ import annotations

from datetime import UTC, datetime

from edifact_builders import CODECO_SAMPLE, CUSCAR_SAMPLE, parse

from cargoscreen.domain.events import EquipmentEventType, EventSource
from cargoscreen.domain.records import FullEmpty, Party, Seal, SealSource, TradeMovement


def test_cuscar_sample_header_and_vessel_call() -> None:
    result = parse(CUSCAR_SAMPLE.read_bytes())
    assert result.rejections == [] and result.events == []
    (manifest,) = result.manifests
    assert (manifest.sender, manifest.recipient) == ("CARRIERX", "BECUSTOMS")
    assert (manifest.interchange_ref, manifest.message_ref) == ("000123", "1")
    assert manifest.message_key == "CARRIERX/000123/1"
    assert manifest.document_number == "MANIFEST-2026-0312-01"
    assert manifest.document_time == datetime(2026, 3, 12, 8, 15, tzinfo=UTC)
    assert manifest.source_format == "cuscar"
    call = manifest.vessel_call
    assert (call.imo_number, call.vessel_name, call.voyage_number) == ("9321483", "KING OF THE SEAS", "123E")
    assert call.carrier == "CARX"
    assert call.port_of_call == "BEANR"
    assert call.eta == datetime(2026, 3, 14, 12, 0, tzinfo=UTC)
    assert call.ata is None and call.previous_ports == ()


def test_cuscar_sample_equipment_and_seals() -> None:
    (manifest,) = parse(CUSCAR_SAMPLE.read_bytes()).manifests
    first, second = manifest.equipment
    assert (first.container_number, first.size_type) == ("MSCU1234566", "45G1")
    assert (first.movement, first.full_empty, first.gross_kg) == (
        TradeMovement.IMPORT,
        FullEmpty.FULL,
        24810.0,
    )
    assert first.seals == (
        Seal(seal_number="SH7781234", source=SealSource.SHIPPER),
        Seal(seal_number="CA0099881", source=SealSource.CARRIER),
    )
    assert not first.reefer and first.length_ft == 40
    assert (second.container_number, second.size_type, second.gross_kg) == ("TGHU9876542", "22G1", 18320.0)
    assert second.seals == (Seal(seal_number="EQ12345678", source=SealSource.CARRIER),)


def test_cuscar_sample_bananas_consignment() -> None:
    (manifest,) = parse(CUSCAR_SAMPLE.read_bytes()).manifests
    bananas = manifest.consignments[0]
    assert bananas.bill_of_lading == "MSCUBL0000001"
    assert (bananas.place_of_origin, bananas.port_of_loading, bananas.port_of_discharge) == (
        "ECGYE",
        "ECGYE",
        "BEANR",
    )
    assert bananas.transhipment_ports == ()
    assert bananas.consignor == Party(
        name="BANANERA EJEMPLO S.A.",
        street="AV 9 DE OCTUBRE 100",
        city="GUAYAQUIL",
        postcode="090101",
        country="EC",
    )
    importer = Party(
        name="EXAMPLE FRUIT IMPORT NV", street="HAVENLAAN 1", city="ANTWERPEN", postcode="2000", country="BE"
    )
    assert bananas.consignee == importer and bananas.notify == importer
    (item,) = bananas.goods_items
    assert (item.item_number, item.hs_code, item.hs_raw) == (1, "080390", "HS CODE 080390")
    assert (item.description, item.packages, item.package_type, item.gross_kg) == (
        "FRESH BANANAS",
        1400,
        "BX",
        24810.0,
    )
    assert [(p.container_number, p.packages) for p in item.placements] == [("MSCU1234566", 1400)]
    assert bananas.container_numbers == ("MSCU1234566",)


def test_cuscar_sample_coffee_consignment() -> None:
    (manifest,) = parse(CUSCAR_SAMPLE.read_bytes()).manifests
    coffee = manifest.consignments[1]
    assert coffee.bill_of_lading == "TGHUBL0000002"
    assert (coffee.place_of_origin, coffee.port_of_loading, coffee.port_of_discharge) == (
        None,
        "COCTG",
        "BEANR",
    )
    assert coffee.consignor == Party(
        name="EXPORTADORA EJEMPLO SAS", street="CALLE 1", city="CARTAGENA", country="CO"
    )
    assert coffee.consignee is not None and coffee.consignee.name == "EXAMPLE TRADING BV"
    assert (coffee.consignee.postcode, coffee.consignee.country) == ("3011", "NL")
    assert coffee.notify is None
    (item,) = coffee.goods_items
    assert (item.hs_code, item.hs_raw, item.description) == ("090111", "HS CODE 090111", "COFFEE NOT ROASTED")
    assert (item.packages, item.package_type, item.gross_kg) == (20, "PK", 18320.0)
    assert coffee.container_numbers == ("TGHU9876542",)


def test_codeco_sample_gate_in_event() -> None:
    result = parse(CODECO_SAMPLE.read_bytes())
    assert result.rejections == [] and result.manifests == []
    (event,) = result.events
    assert event.event_id == "BEANRTERM1/4711/4711/MSCU1234566"
    assert (event.source, event.event_type, event.classifier) == (
        EventSource.CODECO,
        EquipmentEventType.GATED_IN,
        "ACT",
    )
    assert event.event_time == datetime(2026, 3, 14, 14, 55, tzinfo=UTC)
    assert (event.container_number, event.size_type, event.full_empty) == (
        "MSCU1234566",
        "45G1",
        FullEmpty.FULL,
    )
    assert (event.un_locode, event.facility_code, event.transport_phase) == ("BEANR", "K1742", "EXPORT")
    assert event.seals == (
        Seal(seal_number="SH7781234", source=SealSource.SHIPPER),
        Seal(seal_number="CA0099881", source=SealSource.CARRIER),
    )
    assert (event.gross_kg, event.reference) == (24810.0, "BK4000123")
    assert event.raw.startswith("EQD+CN+MSCU1234566+45G1:102:5++2+5'RFF+BN:BK4000123'")
    assert event.raw.endswith("TDT+1++3+31+HAULIERX:172+++1-ABC-123'")


def test_samples_read_the_same_with_the_pydifact_engine() -> None:
    from cargoscreen.ingest.edifact import parse_edifact

    for path in (CUSCAR_SAMPLE, CODECO_SAMPLE):
        fast = parse_edifact(path.read_bytes(), source_name=path.name)
        reference = parse_edifact(path.read_bytes(), source_name=path.name, engine="pydifact")
        assert (fast.manifests, fast.events, fast.rejections) == (
            reference.manifests,
            reference.events,
            reference.rejections,
        )
