"""Targeting vocabulary: lanes, reasons, risk assessments, selection decisions, tips and watch-list entries.

Every decision the risk engine makes carries its reasons in words an officer can read; these types are what
the risk capability hands to the store, the API and the terminal (DCSA customs events).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field, ValidationInfo, field_validator, model_validator

from cargoscreen.domain.ids import ContainerNumber, ImoNumber, parse_container_number, parse_imo_number
from cargoscreen.domain.records import Record


class Channel(StrEnum):
    """The lane a container takes: released, X-ray scan, or physical inspection (opened and searched)."""

    GREEN = "GREEN"
    SCAN = "SCAN"
    PHYSICAL = "PHYSICAL"


class ReasonKind(StrEnum):
    """Where a reason comes from."""

    RULE = "rule"
    WATCHLIST = "watchlist"
    TIP = "tip"
    MODEL = "model"
    EXPLORATION = "exploration"
    CAPACITY = "capacity"
    SENSOR = "sensor"


class ExplorationKind(StrEnum):
    """Why a container was picked outside the ranking: at random, or because the model is least sure of it."""

    RANDOM = "random"
    UNCERTAINTY = "uncertainty"


class TipTarget(StrEnum):
    """What a tip names."""

    CONTAINER = "container"
    BILL_OF_LADING = "bill_of_lading"
    VESSEL = "vessel"
    PARTY = "party"


class ListKind(StrEnum):
    """What a watch-list entry names."""

    PARTY = "party"
    CONTAINER = "container"
    VESSEL = "vessel"
    BILL_OF_LADING = "bill_of_lading"


class Reliability(StrEnum):
    """Source reliability on the NATO / Admiralty scale."""

    A = "A"  # completely reliable
    B = "B"  # usually reliable
    C = "C"  # fairly reliable
    D = "D"  # not usually reliable
    E = "E"  # unreliable
    F = "F"  # reliability cannot be judged


def _forced_lane(channel: Channel | None) -> Channel | None:
    if channel is Channel.GREEN:
        raise ValueError("a forced lane is SCAN or PHYSICAL, not GREEN")
    return channel


class Reason(Record):
    """One reason behind a score or a decision, with the text shown to the officer."""

    kind: ReasonKind
    code: str = Field(min_length=1, description="rule id, watch-list kind, tip id, feature name, ...")
    text: str = Field(min_length=1)
    weight: float = Field(default=0.0, description="contribution to the score (0 when it only explains)")
    details: dict[str, str] = Field(default_factory=dict)


class RiskAssessment(Record):
    """The risk of one container on one vessel call, at one moment, with its reasons."""

    container_number: ContainerNumber
    imo_number: ImoNumber
    voyage_number: str = Field(min_length=1)
    score: float = Field(ge=0.0, le=1.0)
    model_probability: float | None = Field(default=None, ge=0.0, le=1.0)
    model_variance: float | None = Field(default=None, ge=0.0)
    reasons: tuple[Reason, ...] = ()
    forced_channel: Channel | None = None
    assessed_at: datetime
    model_version: str | None = None

    _lane = field_validator("forced_channel")(_forced_lane)

    @field_validator("assessed_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("assessed_at must carry a UTC offset")
        return value

    @property
    def vessel_call_key(self) -> str:
        """The vessel call: IMO number and voyage, e.g. ``9321483/045E``."""
        return f"{self.imo_number}/{self.voyage_number}"


class SelectionDecision(Record):
    """The lane chosen for one container today and why; ``rank`` is its place by score (1 = riskiest)."""

    container_number: ContainerNumber
    channel: Channel
    reasons: tuple[Reason, ...] = ()
    exploration: bool = False
    exploration_kind: ExplorationKind | None = None
    rank: int = Field(ge=1)

    @model_validator(mode="after")
    def _exploration_has_kind(self) -> SelectionDecision:
        if self.exploration != (self.exploration_kind is not None):
            raise ValueError("exploration decisions, and only they, carry an exploration_kind")
        return self


class DailyCapacity(Record):
    """How many containers can be scanned and physically inspected today."""

    scan: int = Field(ge=0)
    physical: int = Field(ge=0)


class SelectionResult(Record):
    """Today's decisions; forced selections beyond capacity are still selected and listed in ``overflow``."""

    decisions: tuple[SelectionDecision, ...]
    capacity: DailyCapacity
    used: dict[Channel, int]
    overflow: tuple[SelectionDecision, ...] = ()

    def selected(self, channel: Channel) -> tuple[SelectionDecision, ...]:
        """The decisions of one lane, by rank."""
        return tuple(d for d in self.decisions if d.channel is channel)


class Tip(Record):
    """Intelligence from a partner agency naming a container, B/L, vessel or party, valid for a time."""

    tip_id: str = Field(min_length=1, max_length=64)
    target_kind: TipTarget
    target_value: str = Field(min_length=1, max_length=140)
    source_agency: str = Field(min_length=1)
    reliability: Reliability = Reliability.F
    valid_from: datetime
    expires_at: datetime
    channel: Channel = Channel.PHYSICAL
    note: str = ""

    _lane = field_validator("channel")(_forced_lane)

    @field_validator("valid_from", "expires_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("tip times must carry a UTC offset")
        return value

    @field_validator("target_value")
    @classmethod
    def _target(cls, value: str, info: ValidationInfo) -> str:
        return _normalised_target(info.data.get("target_kind"), value)

    @model_validator(mode="after")
    def _ordered(self) -> Tip:
        if self.expires_at <= self.valid_from:
            raise ValueError("expires_at must be after valid_from")
        return self

    def valid_at(self, moment: datetime) -> bool:
        """True from ``valid_from`` (included) until ``expires_at`` (excluded)."""
        return self.valid_from <= moment < self.expires_at


class TipUse(Record):
    """A tip that decided a container's lane: logged so the source agency can be told and tips audited."""

    tip_id: str = Field(min_length=1)
    container_number: ContainerNumber
    used_at: datetime


class WatchListEntry(Record):
    """A party, container, vessel or B/L to look out for; ``valid_until`` is the last day (included)."""

    list_kind: ListKind
    value: str = Field(min_length=1, max_length=140)
    reason: str = Field(min_length=1)
    added_by: str = Field(min_length=1)
    valid_until: date | None = None

    @field_validator("value")
    @classmethod
    def _value(cls, value: str, info: ValidationInfo) -> str:
        return _normalised_target(info.data.get("list_kind"), value)

    def active_on(self, day: date) -> bool:
        """True unless ``valid_until`` is before ``day``."""
        return self.valid_until is None or day <= self.valid_until


def _normalised_target(kind: str | None, value: str) -> str:
    """Container numbers in compact ISO 6346 form, IMO numbers as 7 digits, B/L upper case without blanks."""
    text = value.strip()
    if kind == "container":
        return parse_container_number(text)
    if kind == "vessel":
        return parse_imo_number(text.upper().removeprefix("IMO").strip())
    if kind == "bill_of_lading":
        return normalise_bill_of_lading(text)
    return text


def normalise_bill_of_lading(value: str) -> str:
    """``msku 123-456`` → ``MSKU123456``: upper case, no blanks, dashes, dots or slashes."""
    return "".join(ch for ch in value.upper() if ch.isalnum())
