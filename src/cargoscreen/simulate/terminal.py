"""SYNTHETIC boxes and terminal reports: container numbers, seals, discharge and gate-out events.

Discharge (DCSA ``DISCHARGED``) follows the vessel's actual arrival at the pace of its quay cranes; gate-out
(CODECO ``GATED_OUT``) follows hours to days later — reefers sooner, empties later, containers transhipped at
Antwerp not at all (they leave by feeder). The seals in the events are those the terminal finds on the door,
which may differ from the manifest (see the ground truth). Times and rates are *estimates*.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from cargoscreen.domain.events import EquipmentEvent, EquipmentEventType, EventSource
from cargoscreen.domain.ids import container_check_digit
from cargoscreen.domain.records import Equipment, FullEmpty, Seal, SealSource, TradeMovement, VesselCall
from cargoscreen.domain.reference import ports
from cargoscreen.simulate.services import PORT_OF_CALL

#: Owner prefixes (ISO 6346) of the boxes each carrier brings; feeders carry the main lines' boxes.
DRY_OWNERS = {
    "MSC": "MSCU MEDU MSDU MSMU TGHU FSCU",
    "MAEU": "MSKU MRKU MAEU MRSU TCLU",
    "CMDU": "CMAU CGMU TGHU ECMU APZU",
    "HLCU": "HLBU HLXU HAMU UACU FANU",
    "COSU": "CSNU CBHU FCIU OOLU",
    "ONEY": "ONEU NYKU MOLU KKFU",
    "EGLV": "EGHU EISU EMCU TEMU",
}
REEFER_OWNERS = {"MSC": "MSCU CXRU", "MAEU": "MNBU MWCU", "CMDU": "CGMU CXRU", "HLCU": "HLXU", "COSU": "CXRU"}
SEAL_PREFIX = {
    "MSC": "FX",
    "MAEU": "ML",
    "CMDU": "C",
    "HLCU": "HLD",
    "COSU": "CS",
    "ONEY": "ONE",
    "EGLV": "EMC",
}
CUSTOMS_SEALING = {"EC", "CO", "PE", "PA", "CR", "BR", "GT", "HN", "DO"}
_MAIN_LINES = tuple(DRY_OWNERS)
_NAMESPACE = uuid.UUID("6f1c2b0e-5a6d-4a38-9a51-3f7e2c9d0b11")
CRANE_MOVES_PER_HOUR = 28


class BoxFactory:
    """Container numbers unique across a run, and the seals a carrier, shipper or origin customs put on."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def container_number(self, carrier: str, reefer: bool, rng: np.random.Generator) -> str:
        """A valid ISO 6346 number with an owner prefix of ``carrier`` (a main line's for feeders)."""
        owner = carrier if carrier in DRY_OWNERS else _MAIN_LINES[int(rng.integers(len(_MAIN_LINES)))]
        prefixes = (REEFER_OWNERS.get(owner) if reefer else None) or DRY_OWNERS[owner]
        options = prefixes.split()
        while True:
            first_ten = f"{options[int(rng.integers(len(options)))]}{int(rng.integers(0, 1_000_000)):06d}"
            number = first_ten + container_check_digit(first_ten)
            if number not in self._used:
                self._used.add(number)
                return number

    @staticmethod
    def seals(carrier: str, origin_country: str, rng: np.random.Generator) -> tuple[Seal, ...]:
        """The carrier's seal, sometimes a shipper's, and in some source countries an anti-narcotics seal."""
        prefix = SEAL_PREFIX.get(carrier, "SL")
        seals = [
            Seal(seal_number=f"{prefix}{int(rng.integers(1_000_000, 9_999_999))}", source=SealSource.CARRIER)
        ]
        if rng.random() < 0.3:
            seals.append(Seal(seal_number=f"{int(rng.integers(10**7, 10**8))}", source=SealSource.SHIPPER))
        if origin_country in CUSTOMS_SEALING and rng.random() < 0.4:
            number = f"{origin_country}C{int(rng.integers(1_000_000, 9_999_999))}"
            seals.append(Seal(seal_number=number, source=SealSource.CUSTOMS))
        return tuple(seals)


def _dwell(equipment: Equipment, fast: bool, rng: np.random.Generator) -> timedelta:
    """Time from discharge to gate-out (medians: reefers 20 h, dry 60 h, empties 84 h — estimates)."""
    if fast:
        hours = float(rng.uniform(1.0, 4.0))
    else:
        empty = equipment.full_empty is FullEmpty.EMPTY
        median = 84.0 if empty else 20.0 if equipment.reefer else 60.0
        hours = max(1.0, float(rng.lognormal(np.log(median), 0.6)))
    return timedelta(seconds=round(hours * 3600))


def call_events(
    call: VesselCall,
    equipment: Sequence[Equipment],
    *,
    facility: str,
    door_seals: Mapping[str, tuple[Seal, ...]],
    references: Mapping[str, str],
    fast_pickups: set[str],
    rng: np.random.Generator,
) -> list[EquipmentEvent]:
    """DISCHARGED (DCSA) for every box of the call; GATED_OUT (CODECO) for those that leave by land."""
    assert call.ata is not None
    cranes = int(np.clip(np.ceil(len(equipment) / 450), 2, 9))
    order = rng.permutation(len(equipment))
    events: list[EquipmentEvent] = []
    for rank, box in zip(order.tolist(), equipment, strict=True):
        discharged = call.ata + timedelta(
            seconds=round(3600 * (1.5 + rank / (cranes * CRANE_MOVES_PER_HOUR)))
        )
        seen = _Seen(box, facility, door_seals.get(box.container_number, box.seals))
        key = f"{call.imo_number}/{call.voyage_number}/{box.container_number}/DISCHARGED"
        vessel = f"{call.imo_number}/{call.voyage_number}"
        events.append(seen.event(str(uuid.uuid5(_NAMESPACE, key)), EventSource.DCSA, discharged, vessel))
        if box.movement is not TradeMovement.TRANSHIPMENT:
            moment = discharged + _dwell(box, box.container_number in fast_pickups, rng)
            # The CODECO reader keys events <sender>/<interchange>/<message>/<container>; using that form
            # here means writing the events to CODECO and reading them back gives the same ids.
            event_id = f"{gate_out_sender(facility)}/{gate_out_interchange(moment)}/1/{box.container_number}"
            reference = references.get(box.container_number, "")
            events.append(seen.event(event_id, EventSource.CODECO, moment, reference))
    return events


@dataclass(frozen=True, slots=True)
class _Seen:
    """What the terminal reports about a box: the seals on its door, not those of the manifest."""

    box: Equipment
    facility: str
    seals: tuple[Seal, ...]

    def event(self, event_id: str, source: EventSource, moment: datetime, reference: str) -> EquipmentEvent:
        discharge = source is EventSource.DCSA
        place = ports()[PORT_OF_CALL]
        transhipped = self.box.movement is TradeMovement.TRANSHIPMENT
        # Every value comes from a validated Equipment or is built here: construct without re-validating
        # (65 000 events a full-scale day; the tests validate them all).
        return EquipmentEvent.model_construct(
            event_id=event_id,
            source=source,
            event_type=EquipmentEventType.DISCHARGED if discharge else EquipmentEventType.GATED_OUT,
            classifier="ACT",
            event_time=moment,
            container_number=self.box.container_number,
            size_type=self.box.size_type,
            full_empty=self.box.full_empty,
            un_locode=PORT_OF_CALL,
            facility_code=self.facility,
            transport_phase="TRANSSHIPMENT" if transhipped else "IMPORT",
            seals=self.seals,
            gross_kg=self.box.gross_kg,
            latitude=place.latitude if discharge else None,
            longitude=place.longitude if discharge else None,
            reference=reference,
            raw="",
        )


def gate_out_sender(facility: str) -> str:
    """The (SYNTHETIC) terminal sending CODECO for ``facility``."""
    return f"SIM-{facility}"


def gate_out_interchange(moment: datetime) -> str:
    """Interchange reference of the day's CODECO gate-out file of a terminal."""
    return f"GO{moment:%y%m%d}"
