"""Domain records validate their identifiers and derive what the standards imply."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from cargoscreen.domain.records import (
    Consignment,
    Equipment,
    GoodsItem,
    GoodsPlacement,
    Party,
    Seal,
    SealSource,
    VesselCall,
)
from cargoscreen.domain.reference import hs_nomenclature, ports


def test_reefer_and_length_from_size_type() -> None:
    reefer = Equipment(container_number="MSCU1234566", size_type="45R1")
    dry = Equipment(container_number="TGHU9876542", size_type="22G1")
    assert reefer.reefer and reefer.length_ft == 40
    assert not dry.reefer and dry.length_ft == 20


def test_equipment_rejects_bad_container_number_naming_the_field() -> None:
    with pytest.raises(ValidationError) as info:
        Equipment(
            container_number="MSCU1234560", size_type="45G1", seals=(Seal(seal_number="X1", source="CA"),)
        )
    assert info.value.errors()[0]["loc"] == ("container_number",)


def test_consignment_lists_its_containers_once_in_order() -> None:
    items = (
        GoodsItem(
            item_number=1, hs_code="080390", placements=(GoodsPlacement(container_number="TGHU9876542"),)
        ),
        GoodsItem(
            item_number=2,
            hs_code="0901",
            placements=(
                GoodsPlacement(container_number="MSCU1234566"),
                GoodsPlacement(container_number="TGHU9876542"),
            ),
        ),
    )
    consignment = Consignment(bill_of_lading="BL1", port_of_loading="ECGYE", goods_items=items)
    assert consignment.container_numbers == ("TGHU9876542", "MSCU1234566")


def test_vessel_call_needs_aware_times() -> None:
    with pytest.raises(ValidationError, match="UTC offset"):
        VesselCall(imo_number="9321483", voyage_number="1", port_of_call="BEANR", eta=datetime(2026, 3, 14))
    call = VesselCall(
        imo_number="9321483", voyage_number="1", port_of_call="BEANR", eta=datetime(2026, 3, 14, tzinfo=UTC)
    )
    assert call.eta is not None


def test_party_country_and_eori_format() -> None:
    assert Party(name="EXAMPLE NV", country="BE", eori="BE0123456789").eori == "BE0123456789"
    with pytest.raises(ValidationError):
        Party(name="EXAMPLE NV", country="Belgium")


def test_seal_sources_are_the_edifact_qualifiers() -> None:
    assert {s.value for s in SealSource} == {"CA", "SH", "CU", "TO"}


def test_shipped_reference_data() -> None:
    assert len(hs_nomenclature()) > 6000
    assert hs_nomenclature()["080390"].level == 6
    antwerp = ports()["BEANR"]
    assert antwerp.country == "BE" and 51 < antwerp.latitude < 52
