"""Synthetic records with valid identifiers for the store tests (imported by conftest and the tests).

A uniquely named module rather than ``conftest`` imports, which clash when several test folders have one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

from cargoscreen.domain.events import EquipmentEvent, EquipmentEventType, EventSource
from cargoscreen.domain.ids import container_check_digit
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

T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)

#: Makes the URL of a new, empty database.
UrlFactory = Callable[[], str]


def container(owner: str, serial: int) -> str:
    """A valid ISO 6346 container number (synthetic)."""
    first_ten = f"{owner}{serial:06d}"
    return first_ten + container_check_digit(first_ten)


class Samples:
    """Builders of synthetic records with valid identifiers."""

    t0 = T0

    @staticmethod
    def container(owner: str, serial: int) -> str:
        return container(owner, serial)

    @staticmethod
    def party(name: str, country: str = "EC", **fields: str) -> Party:
        return Party(name=name, country=country, **fields)

    @staticmethod
    def call(voyage: str = "001E", *, eta: datetime | None = T0, imo: str = "9321483") -> VesselCall:
        return VesselCall(
            imo_number=imo,
            vessel_name="SYNTHETIC STAR",
            voyage_number=voyage,
            carrier="MSCU",
            port_of_call="BEANR",
            eta=eta,
            ata=None,
            previous_ports=("ECGYE", "COCTG"),
        )

    @staticmethod
    def equipment(number: str, size_type: str = "45G1", seals: tuple[str, ...] = ()) -> Equipment:
        return Equipment(
            container_number=number,
            size_type=size_type,
            gross_kg=21500.5,
            seals=tuple(Seal(seal_number=s, source=SealSource.CARRIER) for s in seals),
        )

    @staticmethod
    def consignment(
        bill: str, placements: dict[str, int], *, hs_code: str = "080390", **fields: object
    ) -> Consignment:
        goods = GoodsItem(
            item_number=1,
            hs_code=hs_code,
            hs_raw=hs_code,
            description="Fresh bananas (synthetic)",
            packages=sum(placements.values()),
            package_type="CT",
            gross_kg=19000.0,
            placements=tuple(GoodsPlacement(container_number=c, packages=n) for c, n in placements.items()),
        )
        values: dict[str, object] = {
            "bill_of_lading": bill,
            "consignor": Party(name="Exportadora Sintética S.A.", city="Guayaquil", country="EC"),
            "consignee": Party(name="Synthetic Fruit NV", country="BE", eori="BE0123456789"),
            "place_of_origin": "ECGYE",
            "port_of_loading": "ECGYE",
            "port_of_discharge": "BEANR",
            "goods_items": (goods,),
        }
        return Consignment.model_validate(values | fields)

    @staticmethod
    def manifest(
        message_ref: str,
        equipment: tuple[Equipment, ...],
        consignments: tuple[Consignment, ...],
        *,
        call: VesselCall | None = None,
        interchange_ref: str = "IC1",
    ) -> Manifest:
        return Manifest(
            sender="SYNTHLINE",
            recipient="BECUSTOMS",
            interchange_ref=interchange_ref,
            message_ref=message_ref,
            document_number=f"DOC-{message_ref}",
            document_time=T0 - timedelta(days=1),
            source_format="cuscar",
            vessel_call=call or Samples.call(),
            equipment=equipment,
            consignments=consignments,
        )

    @staticmethod
    def event(
        number: str, event_id: str, minutes: int, kind: EquipmentEventType = EquipmentEventType.DISCHARGED
    ) -> EquipmentEvent:
        return EquipmentEvent(
            event_id=event_id,
            source=EventSource.DCSA,
            event_type=kind,
            event_time=T0 + timedelta(minutes=minutes),
            container_number=number,
            un_locode="BEANR",
            seals=(Seal(seal_number="SL100", source=SealSource.SHIPPER),),
            latitude=51.27,
            longitude=4.38,
        )

    def sample_manifest(self) -> Manifest:
        """Two containers (one reefer, seals on both), two consignments (one split over both containers)."""
        mscu, tghu = "MSCU1234566", "TGHU9876542"
        brussels = timezone(timedelta(hours=2))
        call = self.call(eta=datetime(2026, 3, 2, 8, 30, 15, 250000, tzinfo=brussels))
        equipment = (
            self.equipment(mscu, "45R1", seals=("SL100", "CU200")),
            self.equipment(tghu, "22G1", seals=("SL300",)),
        )
        first = self.consignment("SYNB0001", {mscu: 800, tghu: 200}, transhipment_ports=("COCTG",))
        second = self.consignment(
            "SYNB0002",
            {tghu: 50},
            hs_code="090111",
            consignor=Party(name="Café  du-Nord", street="Calle 1", postcode="130001", country="CO"),
            notify=None,
            port_of_loading="COCTG",
        )
        return self.manifest("M1", equipment, (first, second), call=call)
