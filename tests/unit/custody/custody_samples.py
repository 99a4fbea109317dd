"""A SYNTHETIC seizure and the events that take it to the incinerator, for the custody tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cargoscreen.custody.events import (
    Authorisation,
    CustodyEvent,
    Destruction,
    Packaging,
    Sampling,
    Scheduling,
    Seizure,
    Storage,
    Transfer,
)
from cargoscreen.custody.models import (
    Allocation,
    BagWeight,
    EvidenceBag,
    IncineratorSession,
    Reseal,
    Sample,
    SealCondition,
    SealFound,
)

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
KEY = b"test-ledger-key-0123456789abcdef"
CONTAINER = "MSCU1234566"
VAULT = "Vault 7, Kallo site, cage 3"
INCINERATOR = "Indaver Doel line 2"


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def session(session_id: str = "SESS-0001", hours: float = 30, capacity: float = 1200) -> IncineratorSession:
    return IncineratorSession(
        session_id=session_id, incinerator=INCINERATOR, starts_at=at(hours), capacity_kg=capacity
    )


def seizure(case: str = "CASE-2026-001", kg: float = 60.0) -> Seizure:
    return Seizure(
        case_number=case,
        occurred_at=at(0),
        recorded_by="officer.a",
        container_number=CONTAINER,
        imo_number="9321483",
        voyage_number="045E",
        place="K1742 scanner lane",
        seals_found=(SealFound(seal_number="FX1234567", intact=False),),
        acting_officer="officer.a",
        witness_officer="officer.b",
        photos=("a" * 64,),
        substance="cocaine",
        presumptive_test="positive (cobalt thiocyanate)",
        package_count=50,
        gross_kg=kg,
    )


def lifecycle(case: str = "CASE-2026-001") -> list[CustodyEvent]:
    """Seizure to destruction: two bags of 30 kg, one sampled, burnt in one session."""
    common = {"case_number": case, "recorded_by": "custodian.c"}
    bag1, bag2 = f"{case[-3:]}-BAG-1", f"{case[-3:]}-BAG-2"
    return [
        seizure(case),
        Packaging(**common, occurred_at=at(1), acting_officer="officer.a", witness_officer="officer.b",
                  bags=(EvidenceBag(bag_serial=bag1, sealed_kg=30.05, packages=25),
                        EvidenceBag(bag_serial=bag2, sealed_kg=30.02, packages=25))),
        Transfer(**common, occurred_at=at(2), bag_serials=(bag1, bag2), released_by="officer.a",
                 received_by="custodian.c", from_location="K1742 scanner lane", to_location=VAULT,
                 purpose="to secure storage", seal_condition=SealCondition.INTACT),
        Storage(**common, occurred_at=at(3), location=VAULT, acting_officer="custodian.c",
                witness_officer="custodian.d", weighed=(BagWeight(bag_serial=bag1, kg=30.04),)),
        Sampling(**common, occurred_at=at(5), acting_officer="custodian.c", witness_officer="chemist.e",
                 samples=(Sample(sample_id=f"{case[-3:]}-S-1", bag_serial=bag1, sample_kg=0.05, laboratory="NICC"),),
                 reseals=(Reseal(bag_serial=bag1, new_bag_serial=f"{case[-3:]}-BAG-1R", sealed_kg=30.0),)),
        Authorisation(**common, occurred_at=at(8), prosecutor="Prosecutor Antwerp", order_reference="AN.12.34/26"),
        Scheduling(**common, occurred_at=at(9), sessions=(session(),),
                   allocations=(Allocation(bag_serial=f"{case[-3:]}-BAG-1R", session_id="SESS-0001"),
                                Allocation(bag_serial=bag2, session_id="SESS-0001"))),
        Destruction(**common, occurred_at=at(31), session_id="SESS-0001", witnesses=("custodian.c", "police.f"),
                    certificate_number="CERT-778", burnt=(BagWeight(bag_serial=f"{case[-3:]}-BAG-1R", kg=30.0),
                                                          BagWeight(bag_serial=bag2, kg=30.01))),
    ]  # fmt: skip
