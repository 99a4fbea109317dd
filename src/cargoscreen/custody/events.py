"""Custody events: one record per thing that happens to seized drugs, in the order of the state machine.

    SEIZED → PACKAGED → STORED → SAMPLED → AUTHORISED → SCHEDULED → DESTROYED

Transfers (hand-overs between people or places) and accesses to the store may happen in any state from
PACKAGED (accesses: STORED) until destruction; storage may be recorded again when the drugs move to another store; scheduling may be repeated when an
appointment is moved, and destruction may take several sessions. Whether an event is *allowed* is decided by
:func:`cargoscreen.custody.state.apply`; these records only check their own shape.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, TypeAdapter, field_validator

from cargoscreen.custody.models import (
    CASE_PATTERN,
    SERIAL_PATTERN,
    Allocation,
    BagWeight,
    EvidenceBag,
    IncineratorSession,
    Reseal,
    Sample,
    SealCondition,
    SealFound,
    aware,
)
from cargoscreen.domain.ids import ContainerNumber, ImoNumber
from cargoscreen.domain.records import Record

_PERSON = Field(default="", max_length=80)


class _Event(Record):
    """What every custody event carries: the case, when it happened and who recorded it."""

    case_number: str = Field(pattern=CASE_PATTERN)
    occurred_at: datetime
    recorded_by: str = Field(min_length=1, max_length=80)
    note: str = Field(default="", max_length=2000)

    _aware = field_validator("occurred_at")(aware)


class Seizure(_Event):
    """Drugs found at an inspection: the container, the seals, the officers, photos, packages and weight."""

    kind: Literal["SEIZED"] = "SEIZED"
    container_number: ContainerNumber
    imo_number: ImoNumber | None = None
    voyage_number: str = Field(default="", max_length=17)
    bill_of_lading: str = Field(default="", max_length=35)
    place: str = Field(min_length=1, max_length=200, description="where the seizure was made")
    seals_found: tuple[SealFound, ...] = ()
    acting_officer: str = _PERSON
    witness_officer: str = _PERSON
    photos: tuple[Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")], ...] = Field(
        default=(), description="SHA-256 of the photos in the blob store"
    )
    substance: str = Field(min_length=1, max_length=60)
    presumptive_test: str = Field(default="", max_length=200)
    package_count: int = Field(ge=1)
    gross_kg: float = Field(gt=0, le=100_000)


class Packaging(_Event):
    """The seized packages sealed into serialised evidence bags, each weighed."""

    kind: Literal["PACKAGED"] = "PACKAGED"
    bags: tuple[EvidenceBag, ...] = Field(min_length=1)
    acting_officer: str = _PERSON
    witness_officer: str = _PERSON


class Storage(_Event):
    """Bags placed in a secure store (location secret), weighed on arrival."""

    kind: Literal["STORED"] = "STORED"
    location: str = Field(min_length=1, max_length=200)
    weighed: tuple[BagWeight, ...] = ()
    acting_officer: str = _PERSON
    witness_officer: str = _PERSON


class Transfer(_Event):
    """Bags handed from one person (and place) to another, for a purpose, with the seals' condition."""

    kind: Literal["TRANSFERRED"] = "TRANSFERRED"
    bag_serials: tuple[Annotated[str, Field(pattern=SERIAL_PATTERN)], ...] = Field(min_length=1)
    released_by: str = _PERSON
    received_by: str = _PERSON
    from_location: str = Field(default="", max_length=200)
    to_location: str = Field(default="", max_length=200)
    purpose: str = Field(min_length=1, max_length=200)
    seal_condition: SealCondition
    weighed: tuple[BagWeight, ...] = ()


class StorageAccess(_Event):
    """Someone opened the store where the bags are (a check, an audit, a count), seals looked at."""

    kind: Literal["ACCESSED"] = "ACCESSED"
    location: str = Field(min_length=1, max_length=200)
    purpose: str = Field(min_length=1, max_length=200)
    seal_condition: SealCondition
    weighed: tuple[BagWeight, ...] = ()
    acting_officer: str = _PERSON
    witness_officer: str = _PERSON


class Sampling(_Event):
    """Representative samples taken for the laboratory; each opened bag resealed in a new one."""

    kind: Literal["SAMPLED"] = "SAMPLED"
    samples: tuple[Sample, ...] = Field(min_length=1)
    reseals: tuple[Reseal, ...] = ()
    acting_officer: str = _PERSON
    witness_officer: str = _PERSON


class Authorisation(_Event):
    """The prosecutor's order to destroy (samples are kept for the court)."""

    kind: Literal["AUTHORISED"] = "AUTHORISED"
    prosecutor: str = Field(min_length=1, max_length=120)
    order_reference: str = Field(min_length=1, max_length=60)


class Scheduling(_Event):
    """Bags booked into incinerator sessions (appointments secret)."""

    kind: Literal["SCHEDULED"] = "SCHEDULED"
    sessions: tuple[IncineratorSession, ...] = Field(min_length=1)
    allocations: tuple[Allocation, ...] = Field(min_length=1)


class Destruction(_Event):
    """Bags burnt in a session: each weighed just before, at least two witnesses, the certificate."""

    kind: Literal["DESTROYED"] = "DESTROYED"
    session_id: str = Field(pattern=SERIAL_PATTERN)
    burnt: tuple[BagWeight, ...] = Field(min_length=1)
    witnesses: tuple[str, ...] = ()
    certificate_number: str = Field(min_length=1, max_length=60)


CustodyEvent = Annotated[
    Seizure
    | Packaging
    | Storage
    | Transfer
    | StorageAccess
    | Sampling
    | Authorisation
    | Scheduling
    | Destruction,
    Field(discriminator="kind"),
]
EVENT_ADAPTER: TypeAdapter[CustodyEvent] = TypeAdapter(CustodyEvent)  # type: ignore[arg-type, unused-ignore]
