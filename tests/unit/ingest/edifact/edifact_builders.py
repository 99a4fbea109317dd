"""Helpers for the EDIFACT tests: fixture paths, interchange assembly, a fully populated manifest.

All data here is synthetic.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from cargoscreen.domain.batch import ParseResult
from cargoscreen.domain.events import EquipmentEvent
from cargoscreen.domain.records import (
    Consignment,
    Equipment,
    GoodsItem,
    GoodsPlacement,
    Manifest,
    Party,
    Seal,
    SealSource,
    VesselCall,
)
from cargoscreen.ingest.edifact import parse_edifact

FIXTURES = Path(__file__).parents[3] / "fixtures" / "edifact"
CUSCAR_SAMPLE = FIXTURES / "CUSCAR_D95B_synthetic_antwerp.edi"
CODECO_SAMPLE = FIXTURES / "CODECO_D95B_synthetic_gatein.edi"


def sample_text(path: Path = CUSCAR_SAMPLE) -> str:
    """A fixture as text (the samples are ASCII)."""
    return path.read_text(encoding="latin-1")


def parse(text: str | bytes, *, encoding: str = "latin-1") -> ParseResult:
    """Parse text (encoded with ``encoding``) or bytes."""
    data = text.encode(encoding) if isinstance(text, str) else text
    return parse_edifact(data, source_name="test.edi")


def message(reference: str, body: list[str], message_type: str = "CUSCAR:D:95B:UN") -> list[str]:
    """UNH + body + UNT with the right count (segments given with their terminators)."""
    return [f"UNH+{reference}+{message_type}'", *body, f"UNT+{len(body) + 2}+{reference}'"]


def interchange(*messages: list[str], syntax: str = "UNOC:3", una: bool = True, reference: str = "9") -> str:
    """An interchange around the messages, one segment a line."""
    lines = ["UNA:+.? '"] if una else []
    lines.append(f"UNB+{syntax}+CARRIERX+BECUSTOMS+260312:0815+{reference}'")
    lines += [line for lines_of in messages for line in lines_of]
    lines.append(f"UNZ+{len(messages)}+{reference}'")
    return "\n".join(lines) + "\n"


def cuscar_body() -> list[str]:
    """The body (BGM … last goods segment) of the shared CUSCAR sample."""
    lines = sample_text().splitlines()
    return lines[3:-2]


def only_rejection(result: ParseResult, scope: str) -> str:
    """The locator of the single rejection of ``scope`` (asserting there is exactly one)."""
    found = [r for r in result.rejections if r.scope == scope]
    assert len(found) == 1, result.rejections
    return found[0].locator


def full_manifest(message_ref: str = "MSG1") -> Manifest:
    """A manifest with every field populated: latin-1 names, release characters, transhipment, reefers."""
    shipper = Party(
        name="EXPORTADORA ÑANDÚ S.A. + HIJOS: 'LA ?PRIMERA'",
        street="AV. 9 DE OCTUBRE 100, PISO 3",
        city="GUAYAQUIL",
        postcode="090101",
        country="EC",
        eori="EC0992339411001",
    )
    consignee = Party(
        name="EXAMPLE FRUIT IMPORT NV WITH A NAME LONGER THAN ONE COMPONENT OF THIRTY FIVE",
        street="HAVENLAAN 1",
        city="ANTWERPEN",
        postcode="2000",
        country="BE",
        eori="BE0123456789",
    )
    bananas = GoodsItem(
        item_number=1,
        hs_code="080390",
        hs_raw="0803.90.10",
        description="FRESH BANANAS CAVENDISH, 18 KG CARTONS ON 20 PALLETS, KEPT AT 13.5 DEGREES CELSIUS DURING TRANSIT",
        packages=2400,
        package_type="BX",
        gross_kg=43210.5,
        placements=(
            GoodsPlacement(container_number="MSCU1234566", packages=1200),
            GoodsPlacement(container_number="TGHU9876542", packages=1200),
        ),
    )
    coffee = GoodsItem(
        item_number=2,
        hs_code="090111",
        hs_raw="HS CODE 090111 (GREEN COFFEE)",
        description="COFFEE NOT ROASTED",
        packages=20,
        package_type="BG",
        gross_kg=1200.0,
        placements=(GoodsPlacement(container_number="TGHU9876542"),),
    )
    consignment = Consignment(
        bill_of_lading="MSCUBL0000001",
        consignor=shipper,
        consignee=consignee,
        notify=consignee,
        place_of_origin="ECGYE",
        port_of_loading="ECGYE",
        port_of_discharge="BEANR",
        transhipment_ports=("COCTG", "ECGYE"),
        goods_items=(bananas, coffee),
    )
    empty = Consignment(
        bill_of_lading="EMPTYBL2",
        port_of_loading="COCTG",
        goods_items=(GoodsItem(item_number=1, description="EMPTY RETURN"),),
    )
    seals = tuple(
        Seal(seal_number=f"{source.value}000{i}", source=source) for i, source in enumerate(SealSource)
    )
    equipment = (
        Equipment(container_number="MSCU1234566", size_type="45R1", gross_kg=24810.0, seals=seals),
        Equipment(
            container_number="TGHU9876542",
            size_type="22G1",
            movement="6",
            gross_kg=18400.25,
            seals=(Seal(seal_number="CA0099881", source="CA"),),
        ),
        Equipment(container_number="CSQU3054383", size_type="42G1", full_empty="4", movement="2"),
    )
    return Manifest(
        sender="CARRIERX",
        recipient="BECUSTOMS",
        interchange_ref="000123",
        message_ref=message_ref,
        document_number="MANIFEST-2026-0312-01",
        document_time=datetime(2026, 3, 12, 8, 15, tzinfo=UTC),
        source_format="cuscar",
        vessel_call=VesselCall(
            imo_number="9321483",
            vessel_name="KING OF THE SEAS",
            voyage_number="123E",
            carrier="CARX",
            port_of_call="BEANR",
            eta=datetime(2026, 3, 14, 12, 0, tzinfo=UTC),
            ata=datetime(2026, 3, 14, 13, 5, 30, tzinfo=UTC),
            previous_ports=("COCTG", "ECGYE"),
        ),
        equipment=equipment,
        consignments=(consignment, empty),
    )


def event(container: str, event_type: str, source: str, **fields: object) -> EquipmentEvent:
    """An equipment event whose id has the reader's form (sender TERM1, interchange 77, message M1)."""
    base: dict[str, object] = {
        "event_id": f"TERM1/77/M1/{container}",
        "source": source,
        "event_type": event_type,
        "event_time": datetime(2026, 3, 14, 14, 55, tzinfo=UTC),
        "container_number": container,
    }
    return EquipmentEvent.model_validate(base | fields)
