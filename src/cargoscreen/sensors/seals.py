"""Seal and journey analytics: e-seal and tracker reports compared with the container's declared journey.

A :class:`Journey` is what the manifest says: the seals on the doors, the port rotation the box passes
(where it may stop) and the places its doors may be opened (where it was stuffed, and the destination).
:class:`JourneyMonitor` reads the reports of many containers as they arrive and flags:

* a door opened, or a seal opened, outside the places its doors may be opened — a transhipment hub
  included: that is where rip-on loads go in (:attr:`~.signals.SignalCode.DOOR_OPENED_OUTSIDE`,
  ``SEAL_OPENED_OUTSIDE``, forced to SCAN);
* a seal reporting tamper (``SEAL_TAMPER``, forced to SCAN);
* a seal number other than the manifest's (``SEAL_MISMATCH``; innocent causes exist, so a weight only);
* a stop of ``stop_hours`` or more away from every port of the rotation (``UNSCHEDULED_STOP``);
* a silence of ``silence_hours`` or more that began near a high-risk port (``SILENCE_NEAR_RISKY_PORT``).

Each finding is reported once per container. Weights are policy (:class:`JourneyPolicy`), not measured.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cargoscreen.domain.targeting import Channel
from cargoscreen.sensors.decode import SensorReading
from cargoscreen.sensors.geo import distance_km, place_of, port_position
from cargoscreen.sensors.payloads import SealEvent, SealStatus, TrackerEvent, TrackerEventType
from cargoscreen.sensors.signals import SensorSignal, SignalCode


@dataclass(frozen=True, slots=True)
class JourneyFacts:
    """What the manifest of a container's latest vessel call says about its journey (the store reads it)."""

    container_number: str
    imo_number: str
    voyage_number: str
    port_of_call: str
    seals: tuple[str, ...]
    previous_ports: tuple[str, ...]
    loading_ports: tuple[str, ...]
    origin_ports: tuple[str, ...]
    transhipment_ports: tuple[str, ...]
    hs_codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Journey:
    """The declared journey of one container (from its manifest)."""

    container_number: str
    manifest_seals: frozenset[str]
    route: tuple[str, ...]
    door_places: frozenset[str]
    risky_ports: frozenset[str] = frozenset()

    @property
    def route_places(self) -> frozenset[str]:
        return frozenset(self.route) | self.door_places

    @classmethod
    def of(cls, facts: JourneyFacts, is_risky: Callable[[str], bool]) -> Journey:
        """The declared journey: the box may stop anywhere on its rotation; its doors may be opened where
        it was stuffed or loaded and at the port of call, not at a transhipment hub."""
        route = (*facts.previous_ports, *facts.loading_ports, *facts.transhipment_ports, facts.port_of_call)
        places = frozenset(route) | frozenset(facts.origin_ports)
        return cls(
            container_number=facts.container_number,
            manifest_seals=frozenset(facts.seals),
            route=tuple(dict.fromkeys(route)),
            door_places=frozenset(facts.origin_ports) | frozenset(facts.loading_ports) | {facts.port_of_call},
            risky_ports=frozenset(p for p in places if is_risky(p)),
        )


@dataclass(frozen=True, slots=True)
class JourneyPolicy:
    """Distances, durations and weights of the journey analytics (policy choices, not measurements)."""

    port_radius_km: float = 40.0
    stop_radius_km: float = 5.0
    stop_hours: float = 6.0
    silence_hours: float = 36.0
    risky_radius_km: float = 150.0
    weights: dict[SignalCode, float] = field(
        default_factory=lambda: {
            SignalCode.DOOR_OPENED_OUTSIDE: 0.6,
            SignalCode.SEAL_OPENED_OUTSIDE: 0.6,
            SignalCode.SEAL_TAMPER: 0.6,
            SignalCode.SEAL_MISMATCH: 0.35,
            SignalCode.UNSCHEDULED_STOP: 0.3,
            SignalCode.SILENCE_NEAR_RISKY_PORT: 0.25,
        }
    )


@dataclass(slots=True)
class _Track:
    """What the monitor remembers of one container."""

    last_time: datetime | None = None
    last_position: tuple[float, float] | None = None
    anchor_time: datetime | None = None
    anchor: tuple[float, float] | None = None
    reported: set[SignalCode] = field(default_factory=set)
    device_id: str = ""
    sequence: int = 0


class JourneyMonitor:
    """Streaming detector over e-seal and tracker readings of many containers (one state per container)."""

    def __init__(self, policy: JourneyPolicy | None = None) -> None:
        self.policy = policy or JourneyPolicy()
        self._tracks: dict[str, _Track] = {}

    def observe(self, reading: SensorReading, journey: Journey | None) -> list[SensorSignal]:
        """The new findings a reading brings (none when the container's journey is not known)."""
        payload = reading.payload
        if journey is None or not isinstance(payload, SealEvent | TrackerEvent):
            return []
        track = self._tracks.setdefault(journey.container_number, _Track())
        found: list[SensorSignal] = []
        if isinstance(payload, SealEvent):
            found += self._seal(reading, payload, journey)
        else:
            found += self._tracker(reading, payload, journey, track)
        if isinstance(payload, SealEvent | TrackerEvent) and payload.latitude is not None:
            found += self._movement(reading, payload, journey, track)
        new = [s for s in found if s.code not in track.reported]
        track.reported.update(s.code for s in new)
        return new

    def silences(self, now: datetime, journeys: Iterable[Journey]) -> list[SensorSignal]:
        """Containers not heard from for ``silence_hours`` since a fix near a high-risk port (sweep)."""
        found = []
        for journey in journeys:
            track = self._tracks.get(journey.container_number)
            if track is None or track.last_time is None or track.last_position is None:
                continue
            signal = self._silence(journey, track, now, track.device_id, track.sequence)
            if signal is not None and signal.code not in track.reported:
                track.reported.add(signal.code)
                found.append(signal)
        return found

    def _signal(
        self, reading: SensorReading, code: SignalCode, text: str, at: datetime, **details: str
    ) -> SensorSignal:
        forced = Channel.SCAN if code in _FORCING else None
        number = reading.container_number or ""
        return SensorSignal(
            number,
            code,
            self.policy.weights[code],
            text,
            at,
            reading.device_id,
            reading.sequence,
            forced,
            details,
        )

    def _seal(self, reading: SensorReading, event: SealEvent, journey: Journey) -> list[SensorSignal]:
        found = []
        if journey.manifest_seals and event.seal_number not in journey.manifest_seals:
            declared = ", ".join(sorted(journey.manifest_seals))
            text = f"e-seal {event.seal_id} reads seal number {event.seal_number}; the manifest declares {declared}"
            found.append(self._signal(reading, SignalCode.SEAL_MISMATCH, text, event.event_time))
        place = place_of(event.latitude, event.longitude, event.un_locode, self.policy.port_radius_km)
        if event.status is SealStatus.TAMPER:
            text = f"e-seal {event.seal_id} reports tampering (read at {place or 'an unknown place'})"
            found.append(self._signal(reading, SignalCode.SEAL_TAMPER, text, event.event_time))
        elif event.status is SealStatus.OPENED and place not in journey.door_places:
            when = event.opened_at or event.event_time
            text = (
                f"seal {event.seal_number} opened {_where(place, journey)}, not where the doors may be opened"
            )
            found.append(self._signal(reading, SignalCode.SEAL_OPENED_OUTSIDE, text, when, place=place or ""))
        return found

    def _tracker(
        self, reading: SensorReading, event: TrackerEvent, journey: Journey, track: _Track
    ) -> list[SensorSignal]:
        if event.event_type is not TrackerEventType.DOOR_OPENED:
            return []
        place = place_of(event.latitude, event.longitude, event.un_locode, self.policy.port_radius_km)
        if place in journey.door_places:
            return []
        text = f"door opened {_where(place, journey)}, not where the doors may be opened"
        return [
            self._signal(reading, SignalCode.DOOR_OPENED_OUTSIDE, text, event.event_time, place=place or "")
        ]

    def _movement(
        self, reading: SensorReading, event: SealEvent | TrackerEvent, journey: Journey, track: _Track
    ) -> list[SensorSignal]:
        assert event.latitude is not None and event.longitude is not None
        at, here = event.event_time, (event.latitude, event.longitude)
        found = []
        if track.last_time is not None and at <= track.last_time:
            return []  # late or repeated report: the track has moved on
        if track.last_time is not None and track.last_position is not None:
            silence = self._silence(journey, track, at, reading.device_id, reading.sequence)
            if silence is not None:
                found.append(silence)
        if track.anchor is None or distance_km(*track.anchor, *here) > self.policy.stop_radius_km:
            track.anchor, track.anchor_time = here, at
        elif track.anchor_time is not None and at - track.anchor_time >= timedelta(
            hours=self.policy.stop_hours
        ):
            stop = self._stop(reading, journey, track.anchor, at - track.anchor_time, at)
            if stop is not None:
                found.append(stop)
        track.last_time, track.last_position = at, here
        track.device_id, track.sequence = reading.device_id, reading.sequence
        return found

    def _stop(
        self,
        reading: SensorReading,
        journey: Journey,
        where: tuple[float, float],
        lasted: timedelta,
        at: datetime,
    ) -> SensorSignal | None:
        for code in journey.route_places:
            position = port_position(code)
            if position and distance_km(*position, *where) <= self.policy.port_radius_km:
                return None
        hours = lasted.total_seconds() / 3600
        text = f"stopped {hours:.0f} h at {where[0]:.2f}, {where[1]:.2f}: no port of the declared rotation is near"
        return self._signal(reading, SignalCode.UNSCHEDULED_STOP, text, at, hours=f"{hours:.1f}")

    def _silence(
        self, journey: Journey, track: _Track, now: datetime, device_id: str, sequence: int
    ) -> SensorSignal | None:
        assert track.last_time is not None and track.last_position is not None
        gap = now - track.last_time
        if gap < timedelta(hours=self.policy.silence_hours):
            return None
        for code in sorted(journey.risky_ports):
            position = port_position(code)
            if position and distance_km(*position, *track.last_position) <= self.policy.risky_radius_km:
                hours = gap.total_seconds() / 3600
                text = f"silent for {hours:.0f} h after its last fix near high-risk port {code}"
                return SensorSignal(
                    journey.container_number,
                    SignalCode.SILENCE_NEAR_RISKY_PORT,
                    self.policy.weights[SignalCode.SILENCE_NEAR_RISKY_PORT],
                    text,
                    now,
                    device_id,
                    sequence,
                    None,
                    {"port": code, "hours": f"{hours:.1f}"},
                )
        return None


_FORCING = {SignalCode.DOOR_OPENED_OUTSIDE, SignalCode.SEAL_OPENED_OUTSIDE, SignalCode.SEAL_TAMPER}


def _where(place: str | None, journey: Journey) -> str:
    if place is None:
        return "at an unknown place"
    if place in journey.route:
        return f"in {place}, a port of its rotation (transhipment)"
    return f"in {place}, off its declared rotation"
