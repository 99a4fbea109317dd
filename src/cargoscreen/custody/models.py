"""Custody vocabulary: roles, states, evidence bags, samples and incinerator sessions.

Weights are kilograms. ``bag_serial`` is the number printed on a tamper-evident evidence bag.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field, field_validator

from cargoscreen.domain.records import Record

CASE_PATTERN = r"^[A-Z0-9][A-Z0-9/_.-]{2,39}$"
SERIAL_PATTERN = r"^[A-Z0-9][A-Z0-9-]{3,39}$"
Person = str


class Role(StrEnum):
    """Who is looking (the same names as the platform's user roles). Only custody officers see storage
    locations and destruction appointments."""

    CUSTODY_OFFICER = "custody_officer"
    INSPECTION_OFFICER = "inspection_officer"
    TARGETING_ANALYST = "targeting_analyst"
    IMAGE_ANALYST = "image_analyst"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    PARTNER_PORT = "partner_port"
    DEVICE = "device"


class CustodyState(StrEnum):
    """Where a case stands; the order is the only way forward."""

    SEIZED = "SEIZED"
    PACKAGED = "PACKAGED"
    STORED = "STORED"
    SAMPLED = "SAMPLED"
    AUTHORISED = "AUTHORISED"
    SCHEDULED = "SCHEDULED"
    DESTROYED = "DESTROYED"


class SealCondition(StrEnum):
    """The state of a bag's tamper-evident seal when it changes hands."""

    INTACT = "intact"
    BROKEN = "broken"


def aware(value: datetime) -> datetime:
    """Refuse naive datetimes."""
    if value.tzinfo is None:
        raise ValueError("times must carry a UTC offset")
    return value


class SealFound(Record):
    """A container seal as the officers found it at the seizure."""

    seal_number: str = Field(min_length=1, max_length=35)
    intact: bool


class EvidenceBag(Record):
    """A serialised tamper-evident bag and its sealed (gross) weight."""

    bag_serial: str = Field(pattern=SERIAL_PATTERN)
    sealed_kg: float = Field(gt=0, le=5000)
    packages: int = Field(default=0, ge=0, description="bricks or packages inside")


class BagWeight(Record):
    """A bag weighed at a step (storage, receipt, before burning)."""

    bag_serial: str = Field(pattern=SERIAL_PATTERN)
    kg: float = Field(gt=0, le=5000)


class Sample(Record):
    """Material taken from a bag for the laboratory."""

    sample_id: str = Field(pattern=SERIAL_PATTERN)
    bag_serial: str = Field(pattern=SERIAL_PATTERN)
    sample_kg: float = Field(gt=0, le=100)
    laboratory: str = Field(min_length=1, max_length=100)


class Reseal(Record):
    """A bag opened (for sampling) and its remainder sealed in a new bag."""

    bag_serial: str = Field(pattern=SERIAL_PATTERN)
    new_bag_serial: str = Field(pattern=SERIAL_PATTERN)
    sealed_kg: float = Field(gt=0, le=5000)


class IncineratorSession(Record):
    """A burning appointment at a licensed incinerator (secret: need-to-know).

    Licensed incinerators take 1 000–1 500 kg a session; ``capacity_kg`` is what this one takes.
    """

    session_id: str = Field(pattern=SERIAL_PATTERN)
    incinerator: str = Field(min_length=1, max_length=100)
    starts_at: datetime
    capacity_kg: float = Field(gt=0, le=5000)

    _aware = field_validator("starts_at")(aware)


class Allocation(Record):
    """A bag booked into an incinerator session."""

    bag_serial: str = Field(pattern=SERIAL_PATTERN)
    session_id: str = Field(pattern=SERIAL_PATTERN)
