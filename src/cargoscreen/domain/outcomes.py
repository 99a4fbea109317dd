"""Inspection outcomes: what officers found when a selected container was scanned or opened.

Outcomes are the labels of the learning loop: only inspected containers get one.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field, field_validator, model_validator

from cargoscreen.domain.ids import ContainerNumber, ImoNumber
from cargoscreen.domain.records import Record
from cargoscreen.domain.targeting import Channel


class OutcomeResult(StrEnum):
    """Nothing found, or a seizure."""

    CLEAN = "CLEAN"
    SEIZURE = "SEIZURE"


class InspectionOutcome(Record):
    """The result of one inspection of a container on a vessel call."""

    container_number: ContainerNumber
    imo_number: ImoNumber
    voyage_number: str = Field(min_length=1)
    channel: Channel = Field(description="SCAN or PHYSICAL: how the container was inspected")
    result: OutcomeResult
    substance: str = Field(default="", max_length=60, description="e.g. cocaine; empty when clean")
    seized_kg: float = Field(default=0.0, ge=0.0, le=100_000)
    location: str = Field(default="", max_length=60, description="place in the container, e.g. door end")
    note: str = Field(default="", max_length=2000)
    recorded_by: str = Field(min_length=1, max_length=80)
    recorded_at: datetime

    @field_validator("recorded_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("recorded_at must carry a UTC offset")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> InspectionOutcome:
        if self.channel is Channel.GREEN:
            raise ValueError("an inspection is SCAN or PHYSICAL")
        if self.result is OutcomeResult.SEIZURE and (self.seized_kg <= 0 or not self.substance):
            raise ValueError("a seizure needs the substance and a weight above 0 kg")
        if self.result is OutcomeResult.CLEAN and self.seized_kg:
            raise ValueError("a clean outcome cannot carry a seized weight")
        return self

    @property
    def positive(self) -> bool:
        """True for a seizure: the label the models learn."""
        return self.result is OutcomeResult.SEIZURE
