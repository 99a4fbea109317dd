"""SYNTHETIC vessel calls: their containers and bills of lading, as the carrier declares them.

A call of a given size gets empty boxes at its service's (scaled) empty share; laden boxes are grouped into
bills of lading: origin lane → commodity (country mix, reefer tilt) → shipper → consignee (usual partner,
new partner or front company) → 1..n containers under one bill (fruit often several), sometimes a
consolidated (LCL) box with several house bills.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from cargoscreen.domain.records import (
    Consignment,
    Equipment,
    FullEmpty,
    GoodsItem,
    Manifest,
    TradeMovement,
    VesselCall,
)
from cargoscreen.domain.reference import ports
from cargoscreen.simulate import cargo
from cargoscreen.simulate.cargo import GENERAL_GOODS, PROFILES, TARE_KG, CargoProfile
from cargoscreen.simulate.config import SimulationConfig, Weighted
from cargoscreen.simulate.goods import MISSING_HS_SHARE, goods_item, goods_items, misdeclare
from cargoscreen.simulate.parties import HINTERLAND, ONWARD_PORTS, PartyPopulation, PartyProfile
from cargoscreen.simulate.services import (
    PORT_OF_CALL,
    SERVICES,
    Lane,
    ScheduledCall,
    Service,
    check_reference,
)
from cargoscreen.simulate.smuggling import ORIGIN_RISK, BoxFacts
from cargoscreen.simulate.terminal import BoxFactory
from cargoscreen.simulate.truth import Misdeclaration

RECIPIENT = "BECUSTOMS"
LCL_SHARE = 0.3  # share of "mixed" bills that are consolidated boxes with several house bills (estimate)
_EMPTY_SIZES = Weighted(["45G1", "22G1", "45R1", "42G1"], [55, 30, 10, 5])
_HOME = {token.split(":")[0] for token in HINTERLAND.split()}


@dataclass(slots=True)
class CallDraft:
    """A vessel call while its cargo is drawn; becomes a Manifest."""

    scheduled: ScheduledCall
    vessel_call: VesselCall
    interchange_ref: str
    equipment: list[Equipment] = field(default_factory=list)
    consignments: list[Consignment] = field(default_factory=list)
    facts: list[BoxFacts] = field(default_factory=list)
    misdeclarations: list[Misdeclaration] = field(default_factory=list)

    @property
    def sender(self) -> str:
        return f"SIM-{self.scheduled.service.carrier}"

    @property
    def manifest_key(self) -> str:
        return f"{self.sender}/{self.interchange_ref}/1"

    def manifest(self) -> Manifest:
        """The manifest as the carrier declares it (no ground truth in it)."""
        call = self.vessel_call
        assert call.eta is not None
        lead = timedelta(days=self.scheduled.service.transit_days)
        return Manifest(
            sender=self.sender,
            recipient=RECIPIENT,
            interchange_ref=self.interchange_ref,
            message_ref="1",
            document_number=f"{self.scheduled.service.carrier}{call.imo_number}{call.voyage_number}",
            document_time=call.eta - lead,
            source_format="cuscar",
            vessel_call=call,
            equipment=tuple(self.equipment),
            consignments=tuple(self.consignments),
        )


@dataclass(frozen=True, slots=True)
class _Shipment:
    """One bill of lading being drawn."""

    lane: Lane
    country: str
    profile: CargoProfile
    shipper: PartyProfile
    consignee: PartyProfile
    new_pair: bool

    @property
    def movement(self) -> TradeMovement:
        country = self.consignee.party.country
        onward = country in ONWARD_PORTS and country not in _HOME
        return TradeMovement.TRANSHIPMENT if onward else TradeMovement.IMPORT


class CallDrafter:
    """Draws the cargo of vessel calls; holds what stays fixed over a run (population, used numbers)."""

    def __init__(self, config: SimulationConfig, population: PartyPopulation, tilt: float) -> None:
        check_reference()
        cargo.check_reference()
        self.config = config
        self.population = population
        self.boxes = BoxFactory()
        self._lanes = {s.code: s.lanes() for s in SERVICES}
        self._empty = empty_shares(config)
        self._tilt = tilt
        self._mixes: dict[str, Weighted[str]] = {}
        self._bill_seq = 0

    # -- calls -------------------------------------------------------------------------------------
    def draft_call(
        self, call: ScheduledCall, size: int, start: datetime, seq: int, rng: np.random.Generator
    ) -> CallDraft:
        """The containers and bills of one call of ``size`` boxes."""
        service = call.service
        eta_minutes = round(float(rng.uniform(0.5, 22.0)) * 60)  # times to the minute, as EDIFACT DTM 203
        ata_minutes = min(max(eta_minutes + round(float(rng.normal(0.3, 1.2)) * 60), 15), 23 * 60 + 45)
        eta, ata = start + timedelta(minutes=eta_minutes), start + timedelta(minutes=ata_minutes)
        vessel_call = VesselCall(
            imo_number=call.vessel.imo_number,
            vessel_name=call.vessel.name,
            voyage_number=call.voyage_number,
            carrier=service.carrier,
            port_of_call=PORT_OF_CALL,
            eta=eta,
            ata=ata,
            previous_ports=service.previous_ports,
        )
        draft = CallDraft(call, vessel_call, f"{start:%y%m%d}{seq:03d}")
        empties = int(rng.binomial(size, self._empty[service.code]))
        laden = size - empties
        while laden > 0:
            laden -= self._draft_bill(draft, laden, rng)
        draft.equipment.extend(self._empty_box(service, rng) for _ in range(empties))
        return draft

    def _empty_box(self, service: Service, rng: np.random.Generator) -> Equipment:
        size_type = _EMPTY_SIZES.draw(rng)
        return Equipment(
            container_number=self.boxes.container_number(service.carrier, size_type[2] == "R", rng),
            size_type=size_type,
            full_empty=FullEmpty.EMPTY,
            gross_kg=float(TARE_KG[size_type]),
        )

    # -- bills of lading ---------------------------------------------------------------------------
    def _mix(self, country: str) -> Weighted[str]:
        if country not in self._mixes:
            self._mixes[country] = cargo.bill_mix(country, self._tilt)
        return self._mixes[country]

    def _shipment(self, lane: Lane, rng: np.random.Generator) -> _Shipment:
        country = ports()[lane.origin].country
        front = country in ORIGIN_RISK and rng.random() < self.config.front_company_rate
        key = self._mix(country).draw(rng)
        shipper = self.population.shipper(country, key, rng, prefer_new=front and rng.random() < 0.5)
        if front:
            consignee, new_pair = self.population.front_company(rng), True
        else:
            consignee, new_pair = self.population.consignee(shipper, rng)
        return _Shipment(lane, country, PROFILES[key], shipper, consignee, new_pair)

    def _bill_number(self, carrier: str, origin: str) -> str:
        self._bill_seq += 1
        return f"{carrier[:4]}{origin[2:]}{self.config.seed % 1000:03d}{self._bill_seq:07d}"

    def _draft_bill(self, draft: CallDraft, remaining: int, rng: np.random.Generator) -> int:
        """Draw one bill of lading (or one consolidated box); return the number of containers it took."""
        shipment = self._shipment(self._lanes[draft.scheduled.service.code].draw(rng), rng)
        if (
            shipment.profile.key == "mixed"
            and not shipment.consignee.front_company
            and rng.random() < LCL_SHARE
        ):
            return self._draft_lcl(draft, shipment, rng)
        front = shipment.consignee.front_company
        count = 1 if front else min(remaining, int(rng.geometric(shipment.profile.bl_p)), 12)
        carrier = draft.scheduled.service.carrier
        bill = self._bill_number(carrier, shipment.lane.origin)
        stuffed = [cargo.stuff(shipment.profile, rng) for _ in range(count)]
        boxes = [self._laden_box(carrier, shipment, size_type, kg, rng) for size_type, _, kg in stuffed]
        placements = [
            (box.container_number, packages) for box, (_, packages, _) in zip(boxes, stuffed, strict=True)
        ]
        items = goods_items(shipment.profile, placements, sum(kg for *_, kg in stuffed), rng)
        if front:
            items, misdeclared = misdeclare(bill, items, shipment.profile, rng)
            draft.misdeclarations.extend([misdeclared] if misdeclared else [])
        draft.consignments.append(self._consignment(bill, shipment, items, rng))
        draft.equipment.extend(boxes)
        draft.facts.extend(self._facts(draft, box, bill, shipment) for box in boxes)
        return count

    def _laden_box(
        self, carrier: str, shipment: _Shipment, size_type: str, kg: float, rng: np.random.Generator
    ) -> Equipment:
        return Equipment(
            container_number=self.boxes.container_number(carrier, size_type[2] == "R", rng),
            size_type=size_type,
            full_empty=FullEmpty.FULL,
            movement=shipment.movement,
            gross_kg=float(round(TARE_KG[size_type] + kg)),
            seals=self.boxes.seals(carrier, shipment.country, rng),
        )

    def _consignment(
        self,
        bill: str,
        shipment: _Shipment,
        items: list[GoodsItem],
        rng: np.random.Generator,
        *,
        lcl: bool = False,
    ) -> Consignment:
        onward = not lcl and shipment.movement is TradeMovement.TRANSHIPMENT
        hubs = (shipment.lane.hub,) if shipment.lane.hub else ()
        return Consignment(
            bill_of_lading=bill,
            consignor=shipment.shipper.party,
            consignee=shipment.consignee.party,
            notify=self.population.notify(shipment.consignee, rng).party,
            place_of_origin=shipment.lane.origin,
            port_of_loading=shipment.lane.origin,
            port_of_discharge=ONWARD_PORTS[shipment.consignee.party.country] if onward else PORT_OF_CALL,
            transhipment_ports=(*hubs, PORT_OF_CALL) if onward else hubs,
            goods_items=tuple(items),
        )

    def _draft_lcl(self, draft: CallDraft, shipment: _Shipment, rng: np.random.Generator) -> int:
        """One consolidated box with 2–6 house bills of general goods from the same origin."""
        carrier = draft.scheduled.service.carrier
        size_type = "45G1" if rng.random() < 0.7 else "22G1"
        number = self.boxes.container_number(carrier, False, rng)
        total, bills = 0.0, []
        houses = int(rng.integers(2, 7))
        shares = rng.dirichlet(np.ones(houses)) * float(rng.uniform(0.5, 0.95))
        for index, share in enumerate(shares.tolist()):
            house = shipment if index == 0 else self._house(shipment, rng)
            goods = PROFILES[str(rng.choice(GENERAL_GOODS))]
            packages, kg = cargo.part_load(goods, size_type, share, rng)
            total += kg
            items = [goods_item(1, goods, [(number, packages)], kg, with_hs=rng.random() >= MISSING_HS_SHARE)]
            bill = self._bill_number("HB" + carrier[:2], shipment.lane.origin)
            draft.consignments.append(self._consignment(bill, house, items, rng, lcl=True))
            bills.append(bill)
        box = Equipment(
            container_number=number,
            size_type=size_type,
            full_empty=FullEmpty.FULL,
            gross_kg=float(round(TARE_KG[size_type] + total)),
            seals=self.boxes.seals(carrier, shipment.country, rng),
        )
        draft.equipment.append(box)
        draft.facts.append(self._facts(draft, box, bills[0], shipment))
        return 1

    def _house(self, master: _Shipment, rng: np.random.Generator) -> _Shipment:
        shipper = self.population.shipper(master.country, "mixed", rng)
        consignee, new_pair = self.population.consignee(shipper, rng)
        return _Shipment(master.lane, master.country, master.profile, shipper, consignee, new_pair)

    @staticmethod
    def _facts(draft: CallDraft, box: Equipment, bill: str, shipment: _Shipment) -> BoxFacts:
        call = draft.vessel_call
        return BoxFacts(
            equipment=box,
            bill_of_lading=bill,
            imo_number=call.imo_number,
            voyage_number=call.voyage_number,
            manifest_key=draft.manifest_key,
            ata=call.ata,
            cargo=shipment.profile.key,
            origin=shipment.lane.origin,
            origin_country=shipment.country,
            hub=shipment.lane.hub,
            consignee=shipment.consignee,
            new_pair=shipment.new_pair,
        )


def empty_shares(config: SimulationConfig) -> dict[str, float]:
    """Empty share per service, scaled so the volume-weighted mean is ``config.empty_share``."""
    total = sum(s.volume_share for s in SERVICES)
    mean = sum(s.volume_share * s.empty_share for s in SERVICES) / total
    factor = config.empty_share / mean if mean > 0 else 0.0
    return {s.code: min(0.9, s.empty_share * factor) for s in SERVICES}
