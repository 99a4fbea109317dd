"""Sensor stage: each MQTT message stored once, analysed, and the container re-targeted in real time.

:class:`SensorPipeline` handles one message in one transaction (:meth:`SensorPipeline.handle`): decode it
(a bad payload is quarantined with its reason), store it unless its (device, sequence) is stored already
(then nothing else happens: a redelivered message changes nothing), run the analytic of its kind, store the
signals, and for each container signalled: fold the signals into its latest risk assessment (stored as a
new assessment), move it in today's selection run when the new score or forced lane says so
(:class:`~cargoscreen.sensors.lanes.LaneBoard`), and emit a DCSA customs event for every lane change
(CUSTOMS_SELECTED_FOR_SCAN / _FOR_INSPECTION, CUSTOMS_RELEASED for a container that gave way).

The lane board of today's run is loaded once and kept in memory (reloaded when a newer run is saved, or
after a failed transaction); journeys are read from the store once per container and cached.
"""

from __future__ import annotations

import json
import logging
import time as clock
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from cargoscreen.domain.events import EquipmentEvent, EventSource
from cargoscreen.domain.targeting import (
    Channel,
    Reason,
    ReasonKind,
    RiskAssessment,
)
from cargoscreen.pipeline.sensor_store import UnitOfWork, UnitOfWorkMaker
from cargoscreen.risk.case import RISKY_HUBS
from cargoscreen.risk.selection import equipment_event_type
from cargoscreen.sensors.decode import SensorPayloadError, SensorReading, decode
from cargoscreen.sensors.enose import EnosePolicy, MarkerClassifier, goods_of, shipped_classifier
from cargoscreen.sensors.lanes import LaneBoard, LaneChange
from cargoscreen.sensors.payloads import GateRead, IntrusionAlert
from cargoscreen.sensors.quay import (
    EnoseMonitor,
    GateMonitor,
    GateOutcome,
    IntrusionMonitor,
)
from cargoscreen.sensors.seals import Journey, JourneyFacts, JourneyMonitor, JourneyPolicy
from cargoscreen.sensors.signals import SensorSignal, by_container, rescore
from cargoscreen.sensors.topics import TopicKind
from cargoscreen.simulate import SimulatedPort
from cargoscreen.simulate.sensors import StreamConfig, sensor_stream

log = logging.getLogger(__name__)

#: Countries whose ports count as high-risk for the silence check, besides the transhipment hubs of
#: ``risk.case.RISKY_HUBS`` (the main cocaine source and transit countries of DOMAIN.md).
HIGH_RISK_COUNTRIES = frozenset({"EC", "CO", "PA", "BR", "CR", "PY", "VE", "SR", "GY", "PE", "DO"})
PORT_OF_CALL = "BEANR"
JOURNEY_CACHE = 200_000


@dataclass(frozen=True, slots=True)
class Retargeting:
    """A container re-scored by sensor signals: score before and after, lane before and after, and the
    customs events sent (the container's own, and those of containers that gave way)."""

    container_number: str
    signals: tuple[SensorSignal, ...]
    old_score: float
    new_score: float
    old_channel: Channel | None
    new_channel: Channel | None
    events: tuple[EquipmentEvent, ...] = ()
    displaced: tuple[str, ...] = ()
    assessment: RiskAssessment | None = None


@dataclass
class MessageOutcome:
    """What handling one message did."""

    topic: str
    stored: bool = False
    duplicate: bool = False
    quarantined: str = ""
    signals: list[SensorSignal] = field(default_factory=list)
    retargetings: list[Retargeting] = field(default_factory=list)
    incident: str = ""
    seconds: float = 0.0


def is_risky_port(un_locode: str) -> bool:
    """A transhipment hub of ``risk.case.RISKY_HUBS`` or a port of a high-risk country."""
    return un_locode in RISKY_HUBS or un_locode[:2] in HIGH_RISK_COUNTRIES


def journey_of(facts: JourneyFacts) -> Journey:
    return Journey.of(facts, is_risky_port)


class SensorPipeline:
    """Handles sensor messages one at a time (see the module text). Not thread-safe: one per listener."""

    def __init__(
        self,
        unit_of_work: UnitOfWorkMaker,
        *,
        day: date | None = None,
        classifier: MarkerClassifier | None = None,
        journey_policy: JourneyPolicy | None = None,
        enose_policy: EnosePolicy | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        refresh_s: float = 30.0,
    ) -> None:
        self.unit_of_work = unit_of_work
        self.day = day
        self.now = now
        self.refresh_s = refresh_s
        self.journeys = JourneyMonitor(journey_policy)
        self.enose = EnoseMonitor(classifier or shipped_classifier(), enose_policy)
        self.gates = GateMonitor()
        self.intrusions = IntrusionMonitor()
        self._facts: dict[str, JourneyFacts | None] = {}
        self._board: tuple[int, LaneBoard, dict[str, tuple[str, str]]] | None = None
        self._board_checked = 0.0

    def handle(self, topic: str, payload: bytes) -> MessageOutcome:
        """Handle one message in one transaction (see the module text)."""
        return self.handle_many([(topic, payload)])[0]

    def handle_many(self, messages: Sequence[tuple[str, bytes]]) -> list[MessageOutcome]:
        """Handle messages in one transaction (stored in bulk, then analysed in order). When the transaction
        fails, each message is handled again on its own, so one bad message cannot hold up the others."""
        started = clock.perf_counter()
        outcomes = [MessageOutcome(topic) for topic, _ in messages]
        readings: list[tuple[int, SensorReading]] = []
        rejected: list[tuple[int, SensorPayloadError]] = []
        for i, (topic, payload) in enumerate(messages):
            try:
                readings.append((i, decode(topic, payload)))
            except SensorPayloadError as error:
                rejected.append((i, error))
        try:
            with self.unit_of_work() as uow:
                for i, exc in rejected:
                    uow.sensors.quarantine(
                        topic=exc.topic, reason=str(exc), field=exc.field, payload=messages[i][1]
                    )
                    outcomes[i].quarantined = str(exc)
                self._handle(uow, readings, outcomes)
        except Exception:
            self._board = None  # the board may hold changes that were rolled back
            if len(messages) == 1:
                raise
            return [self.handle(topic, payload) for topic, payload in messages]
        elapsed = clock.perf_counter() - started
        for outcome in outcomes:
            outcome.seconds = elapsed
        return outcomes

    def _handle(
        self, uow: UnitOfWork, readings: list[tuple[int, SensorReading]], outcomes: list[MessageOutcome]
    ) -> None:
        self._lane_board(uow)  # (re)loads today's run and warms the journeys of its containers
        gates: dict[int, GateOutcome] = {}
        rows = []
        for i, reading in readings:
            linked = reading.container_number
            if isinstance(reading.payload, GateRead):
                gates[i] = self.gates.observe(reading, uow.sensors.released)
                linked = gates[i].container_number
            rows.append(_message_row(reading, linked))
        fresh = uow.sensors.add_messages(rows)
        signals: list[SensorSignal] = []
        for (i, reading), row, is_new in zip(readings, rows, fresh, strict=True):
            outcomes[i].stored, outcomes[i].duplicate = is_new, not is_new
            if is_new:
                found = list(gates[i].signals) if i in gates else []
                found += self._analyse(uow, reading, row["container_number"], outcomes[i])
                outcomes[i].signals = found
                signals += found
        if not signals:
            return
        uow.sensors.add_signals(signals)
        owner = {id(s): i for i, _ in readings for s in outcomes[i].signals}
        for number, found in by_container(signals).items():
            done = self._retarget(uow, number, found)
            if done is not None:
                outcomes[owner[id(found[-1])]].retargetings.append(done)

    def _analyse(
        self, uow: UnitOfWork, reading: SensorReading, linked: str | None, outcome: MessageOutcome
    ) -> list[SensorSignal]:
        if reading.kind in (TopicKind.SEAL, TopicKind.TRACKER, TopicKind.DCSA) and linked:
            facts = self._journey_facts(uow, linked)
            return self.journeys.observe(reading, journey_of(facts) if facts else None)
        if reading.kind is TopicKind.ENOSE and linked:
            facts = self._journey_facts(uow, linked)
            return self.enose.observe(reading, goods_of(facts.hs_codes if facts else ()))
        if isinstance(reading.payload, IntrusionAlert):
            incident = self.intrusions.observe(reading)
            if incident is not None and uow.sensors.open_incident(incident):
                outcome.incident = incident.incident_id
        return []

    def warm(self, uow: UnitOfWork, container_numbers: Sequence[str]) -> None:
        """Read the journeys of many containers at once (today's run: the boxes sensors will talk about)."""
        if len(self._facts) + len(container_numbers) >= JOURNEY_CACHE:
            self._facts.clear()
        found = uow.sensors.journey_facts_many([n for n in container_numbers if n not in self._facts])
        self._facts.update(found)

    def _journey_facts(self, uow: UnitOfWork, number: str) -> JourneyFacts | None:
        if number not in self._facts:
            if len(self._facts) >= JOURNEY_CACHE:
                self._facts.clear()
            self._facts[number] = uow.sensors.journey_facts(number)
        return self._facts[number]

    def _retarget(self, uow: UnitOfWork, number: str, signals: list[SensorSignal]) -> Retargeting | None:
        latest = uow.assessments.latest_for(number)
        if latest is None:
            facts = self._journey_facts(uow, number)
            if facts is None:
                return None  # no manifest yet: the signals wait in the store for its first assessment
            latest = RiskAssessment(
                container_number=number,
                imo_number=facts.imo_number,
                voyage_number=facts.voyage_number,
                score=0.0,
                assessed_at=self.now(),
            )
        now = self.now()
        new = rescore(latest, signals, max(now, latest.assessed_at))
        uow.assessments.add_many([new])
        board = self._lane_board(uow)
        if board is None:
            return Retargeting(number, tuple(signals), latest.score, new.score, None, None, assessment=new)
        run_id, lanes, calls = board
        old_channel = lanes.lanes.get(number)
        changes = lanes.update(number, new.score, new.forced_channel)
        events = [self._apply(uow, run_id, calls, change, new, now) for change in changes]
        return Retargeting(
            number,
            tuple(signals),
            latest.score,
            new.score,
            old_channel,
            lanes.lanes.get(number),
            tuple(events),
            tuple(c.container_number for c in changes if c.container_number != number),
            new,
        )

    def _apply(
        self,
        uow: UnitOfWork,
        run_id: int,
        calls: dict[str, tuple[str, str]],
        change: LaneChange,
        assessment: RiskAssessment,
        now: datetime,
    ) -> EquipmentEvent:
        number = change.container_number
        if number == assessment.container_number:
            code = "sensor-retarget" if change.new is not Channel.GREEN else "sensor-released"
            reasons = (*assessment.reasons, _capacity_reason(code, change.why, assessment.score))
            call = (assessment.imo_number, assessment.voyage_number)
        else:
            decision = uow.selections.decision_for(number)
            reasons = (
                *(decision.reasons if decision else ()),
                _capacity_reason("sensor-displaced", change.why, 0.0),
            )
            call = calls.get(number, ("", ""))
        event = customs_event(number, change.new, call, now, tag=f"{run_id}")
        uow.events.add_many([event])
        uow.sensors.change_lane(
            run_id=run_id,
            container_number=number,
            old=change.old,
            new=change.new,
            why=change.why,
            over_capacity=change.over_capacity,
            reasons=reasons,
            event_id=event.event_id,
        )
        log.info("lane changed by sensor", extra={"container": number, "old": change.old, "new": change.new})
        return event

    def _lane_board(self, uow: UnitOfWork) -> tuple[int, LaneBoard, dict[str, tuple[str, str]]] | None:
        moment = clock.monotonic()
        if self._board is not None and moment - self._board_checked < self.refresh_s:
            return self._board
        self._board_checked = moment
        latest_id = uow.sensors.latest_run_id(self.day)
        if latest_id is None:
            self._board = None
        elif self._board is None or self._board[0] != latest_id:
            saved = uow.selections.latest(self.day)
            assert saved is not None
            board = LaneBoard(saved.capacity, saved.decisions)
            self._board = (saved.run_id, board, dict(saved.vessel_calls))
            self.warm(uow, [d.container_number for d in saved.decisions])
        return self._board


def _capacity_reason(code: str, text: str, weight: float) -> Reason:
    return Reason(kind=ReasonKind.CAPACITY, code=code, text=text, weight=weight)


def _message_row(reading: SensorReading, linked: str | None) -> dict[str, Any]:
    payload = reading.payload
    return {
        "device_id": reading.device_id,
        "sequence": reading.sequence,
        "topic": reading.topic,
        "kind": payload.kind,
        "container_number": linked,
        "event_time": _event_time(reading),
        "payload": json.loads(payload.model_dump_json()),
    }


def _event_time(reading: SensorReading) -> datetime:
    payload = reading.payload
    for name in ("event_time", "sampled_at", "read_at", "alert_at"):
        value = getattr(payload, name, None)
        if isinstance(value, datetime):
            return value
    raise ValueError(f"{reading.topic}: payload has no time")  # pragma: no cover - every payload has one


def customs_event(
    container_number: str, channel: Channel, call: tuple[str, str], now: datetime, *, tag: str = ""
) -> EquipmentEvent:
    """The DCSA customs event telling the terminal a container's new lane."""
    event_type = equipment_event_type(channel)
    stamp = now.strftime("%Y%m%dT%H%M%S%f")
    imo, voyage = call
    return EquipmentEvent(
        event_id=f"CUSTOMS-{event_type.value}-{container_number}-{imo}-{voyage}-{stamp}-SENSOR{tag}",
        source=EventSource.CUSTOMS,
        event_type=event_type,
        event_time=now,
        container_number=container_number,
        un_locode=PORT_OF_CALL,
        transport_phase="IMPORT",
        reference=f"{imo}/{voyage}" if imo else "",
    )


def demo_stream(
    port: SimulatedPort,
    day: date,
    unit_of_work: UnitOfWorkMaker,
    config: StreamConfig | None = None,
    batch: int = 200,
) -> list[Retargeting]:
    """Feed the SYNTHETIC sensor stream of ``day`` straight into the pipeline (no broker); returns every
    re-targeting it caused, in order (``batch`` messages a transaction, as the listener does under load).
    Run it after the day's selection so lanes can change."""
    pipeline = SensorPipeline(unit_of_work, day=day)
    messages = [(m.topic, m.body()) for m in sensor_stream(port, day, config)]
    done: list[Retargeting] = []
    for start in range(0, len(messages), batch):
        for outcome in pipeline.handle_many(messages[start : start + batch]):
            done += outcome.retargetings
    return done
