"""What the sensor stage needs of the store, as Protocols (``cargoscreen.store`` implements them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Any, Protocol

from cargoscreen.domain.events import EquipmentEvent
from cargoscreen.domain.targeting import Channel, DailyCapacity, Reason, RiskAssessment, SelectionDecision
from cargoscreen.sensors.quay import SecurityIncident
from cargoscreen.sensors.seals import JourneyFacts
from cargoscreen.sensors.signals import SensorSignal


class _SavedRun(Protocol):
    @property
    def run_id(self) -> int: ...
    @property
    def capacity(self) -> DailyCapacity: ...
    @property
    def decisions(self) -> tuple[SelectionDecision, ...]: ...
    @property
    def vessel_calls(self) -> Mapping[str, tuple[str, str]]: ...


class _Sensors(Protocol):
    def add_message(
        self,
        *,
        device_id: str,
        sequence: int,
        topic: str,
        kind: str,
        container_number: str | None,
        event_time: datetime,
        payload: dict[str, Any],
    ) -> bool: ...
    def add_messages(self, rows: Sequence[dict[str, Any]]) -> list[bool]: ...
    def quarantine(self, *, topic: str, reason: str, field: str, payload: bytes) -> bool: ...
    def add_signals(self, signals: Sequence[SensorSignal]) -> int: ...
    def open_incident(self, incident: SecurityIncident) -> bool: ...
    def released(self, container_number: str) -> bool | None: ...
    def journey_facts(self, container_number: str) -> JourneyFacts | None: ...
    def journey_facts_many(self, container_numbers: Sequence[str]) -> dict[str, JourneyFacts]: ...
    def latest_run_id(self, run_date: date | None = None) -> int | None: ...
    def change_lane(
        self,
        *,
        run_id: int,
        container_number: str,
        old: Channel,
        new: Channel,
        why: str,
        over_capacity: bool,
        reasons: Sequence[Reason],
        event_id: str,
    ) -> None: ...


class _Assessments(Protocol):
    def latest_for(self, container_number: str) -> RiskAssessment | None: ...
    def add_many(self, assessments: Sequence[RiskAssessment]) -> int: ...


class _Selections(Protocol):
    def latest(self, run_date: date | None = None) -> _SavedRun | None: ...
    def decision_for(self, container_number: str) -> SelectionDecision | None: ...


class _Events(Protocol):
    def add_many(self, events: Sequence[EquipmentEvent]) -> int: ...


class UnitOfWork(Protocol):
    """What the sensor stage needs of the store's unit of work."""

    @property
    def sensors(self) -> _Sensors: ...
    @property
    def assessments(self) -> _Assessments: ...
    @property
    def selections(self) -> _Selections: ...
    @property
    def events(self) -> _Events: ...


class UnitOfWorkMaker(Protocol):
    def __call__(self) -> AbstractContextManager[UnitOfWork]: ...
