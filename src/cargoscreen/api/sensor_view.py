"""What the workstation shows of sensors: a container's event timeline with the signals each message
raised, the lane changes sensors caused (with the score and the DCSA event), and open security incidents."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cargoscreen.store import UnitOfWork
from cargoscreen.store.repositories.pages_sensors import SensorPageReads
from cargoscreen.store.repositories.sensors import StoredMessage

#: How many of a container's newest sensor messages the page lists (the rest are counted).
TIMELINE_LIMIT = 200
KIND_LABELS = {
    "seal": "e-seal",
    "tracker": "tracker",
    "enose": "e-nose",
    "gate_read": "camera (gate)",
    "intrusion": "camera (zone)",
}


@dataclass(frozen=True, slots=True)
class SignalLine:
    """A finding of the sensor analytics, as the timeline shows it under its message."""

    code: str
    text: str
    weight: float
    forced_channel: str | None


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One sensor message: when, which device, what it said, and what the analytics made of it."""

    at: datetime
    kind: str
    device_id: str
    sequence: int
    text: str
    signals: tuple[SignalLine, ...]


@dataclass(frozen=True, slots=True)
class LaneChangeLine:
    """A lane a sensor signal changed: old and new lane, the score then, why, and the DCSA event sent."""

    at: datetime
    old_channel: str
    new_channel: str
    score: float | None
    why: str
    over_capacity: bool
    event_id: str


@dataclass(frozen=True, slots=True)
class SensorPanel:
    """The container page's sensor section."""

    entries: tuple[TimelineEntry, ...]
    changes: tuple[LaneChangeLine, ...]
    omitted: int = 0

    @property
    def empty(self) -> bool:
        return not self.entries and not self.changes


def sensor_panel(uow: UnitOfWork, container_number: str) -> SensorPanel:
    """The container's sensor timeline (newest :data:`TIMELINE_LIMIT` messages) and lane changes."""
    messages = uow.sensors.timeline(container_number)
    signals: defaultdict[tuple[str, int], list[SignalLine]] = defaultdict(list)
    for row in uow.sensors.signals_for(container_number):
        signals[(row["device_id"], int(row["sequence"]))].append(
            SignalLine(row["code"], row["text"], float(row["weight"]), row["forced_channel"])
        )
    shown = messages[-TIMELINE_LIMIT:]
    entries = tuple(_entry(m, signals.get((m.device_id, m.sequence), [])) for m in shown)
    changes = uow.sensors.lane_changes(container_number)
    scores = SensorPageReads(uow.connection).scores_at(container_number, [c["changed_at"] for c in changes])
    lines = tuple(
        LaneChangeLine(
            at=c["changed_at"],
            old_channel=c["old_channel"],
            new_channel=c["new_channel"],
            score=score,
            why=c["why"],
            over_capacity=bool(c["over_capacity"]),
            event_id=c["event_id"],
        )
        for c, score in zip(changes, scores, strict=True)
    )
    return SensorPanel(entries=entries, changes=lines, omitted=len(messages) - len(shown))


def _entry(message: StoredMessage, signals: list[SignalLine]) -> TimelineEntry:
    return TimelineEntry(
        at=message.event_time,
        kind=KIND_LABELS.get(message.kind, message.kind),
        device_id=message.device_id,
        sequence=message.sequence,
        text=describe(message.kind, message.payload),
        signals=tuple(signals),
    )


def describe(kind: str, payload: Mapping[str, Any]) -> str:
    """A message in a few words (the payload's own fields; unknown kinds: their field names)."""
    get = payload.get
    if kind == "seal":
        where = get("un_locode") or f"reader {get('reader_id', '?')}"
        return f"seal {get('seal_number', '?')} {get('status', '?')} at {where} (battery {get('battery_pct', '?')} %)"
    if kind == "tracker":
        where = get("un_locode") or get("geofence") or _position(payload)
        return f"{str(get('event_type', '?')).replace('_', ' ').lower()} at {where}"
    if kind == "enose":
        return (
            f"air sampled on crane {get('crane_id', '?')}: {len(get('channels') or [])} channels, "
            f"soak {get('soak_s', '?')} s, humidity {get('humidity_pct', '?')} %"
        )
    if kind == "gate_read":
        confidence = float(get("confidence") or 0.0)
        return (
            f"{get('direction', '?')} at {get('site', '?')} gate {get('gate', '?')}: "
            f"read {get('container_text', '?')!r} ({confidence:.0%})"
        )
    if kind == "intrusion":
        return f"{get('detected', '?')} in zone {get('zone', '?')} at {get('site', '?')}"
    return ", ".join(sorted(payload))


def _position(payload: Mapping[str, Any]) -> str:
    lat, lon = payload.get("latitude"), payload.get("longitude")
    return f"{lat:.3f}, {lon:.3f}" if isinstance(lat, float) and isinstance(lon, float) else "unknown place"
