"""The SYNTHETIC custody steps of the demo: packaging, hand-over, storage, sampling, authorisation and the
burning, with weights that follow from the seizure (bags of at most 25 kg; a 50 g sample from the first)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from cargoscreen.custody.events import (
    Authorisation,
    CustodyEvent,
    Destruction,
    Packaging,
    Sampling,
    Storage,
    Transfer,
)
from cargoscreen.custody.models import (
    BagWeight,
    EvidenceBag,
    IncineratorSession,
    Reseal,
    Sample,
    SealCondition,
)
from cargoscreen.custody.state import CaseFile

OFFICER, WITNESS, CUSTODIAN, SECOND_CUSTODIAN = (
    "SYNTH officer A", "SYNTH officer B", "SYNTH custodian C", "SYNTH custodian D"
)  # fmt: skip
STORE = "SYNTHETIC secure store"
BAG_KG = 25.0
SAMPLE_KG = 0.05
AUTHORISED_AFTER = timedelta(hours=4)


def chain(case: CaseFile, *, now: datetime) -> list[list[CustodyEvent]]:
    """The steps from SEIZED to AUTHORISED, each a list of events recorded together."""
    number = case.case_number
    common = {"case_number": number}
    count = max(1, math.ceil(case.seizure.gross_kg / BAG_KG))
    share = round(case.seizure.gross_kg / count, 3)
    bags = tuple(
        EvidenceBag(bag_serial=f"{number}-B{i:02d}", sealed_kg=share,
                    packages=case.seizure.package_count // count + (i <= case.seizure.package_count % count))
        for i in range(1, count + 1)
    )  # fmt: skip
    serials = tuple(b.bag_serial for b in bags)
    weighed = tuple(BagWeight(bag_serial=b.bag_serial, kg=b.sealed_kg) for b in bags)
    first = bags[0]
    return [
        [Packaging(**common, occurred_at=now + timedelta(minutes=20), recorded_by=OFFICER, bags=bags,
                   acting_officer=OFFICER, witness_officer=WITNESS)],
        [Transfer(**common, occurred_at=now + timedelta(minutes=45), recorded_by=CUSTODIAN, bag_serials=serials,
                  released_by=OFFICER, received_by=CUSTODIAN, from_location="SYNTHETIC scanner lane",
                  to_location=STORE, purpose="to secure storage", seal_condition=SealCondition.INTACT,
                  weighed=weighed),
         Storage(**common, occurred_at=now + timedelta(hours=1), recorded_by=CUSTODIAN, location=STORE,
                 weighed=weighed, acting_officer=CUSTODIAN, witness_officer=SECOND_CUSTODIAN)],
        [Sampling(**common, occurred_at=now + timedelta(hours=2), recorded_by=CUSTODIAN,
                  samples=(Sample(sample_id=f"{number}-S1", bag_serial=first.bag_serial, sample_kg=SAMPLE_KG,
                                  laboratory="SYNTHETIC forensic laboratory"),),
                  reseals=(Reseal(bag_serial=first.bag_serial, new_bag_serial=f"{first.bag_serial}R",
                                  sealed_kg=round(first.sealed_kg - SAMPLE_KG, 3)),),
                  acting_officer=CUSTODIAN, witness_officer=SECOND_CUSTODIAN)],
        [Authorisation(**common, occurred_at=now + AUTHORISED_AFTER, recorded_by=CUSTODIAN,
                       prosecutor="SYNTHETIC public prosecutor", order_reference=f"ORDER-{number}")],
    ]  # fmt: skip


def burns(case: CaseFile, sessions: Sequence[IncineratorSession]) -> list[CustodyEvent]:
    """One destruction per booked session, an hour after it starts, every bag weighed before burning."""
    events: list[CustodyEvent] = []
    for session in sorted(sessions, key=lambda s: s.starts_at):
        serials = [
            serial for serial, booked in case.bookings.items() if booked.session_id == session.session_id
        ]
        events.append(
            Destruction(case_number=case.case_number, occurred_at=session.starts_at + timedelta(hours=1),
                        recorded_by=CUSTODIAN, session_id=session.session_id,
                        burnt=tuple(BagWeight(bag_serial=s, kg=case.bags[s]) for s in serials),
                        witnesses=(CUSTODIAN, "SYNTH police witness E"),
                        certificate_number=f"CERT-{session.session_id}")
        )  # fmt: skip
    return events
