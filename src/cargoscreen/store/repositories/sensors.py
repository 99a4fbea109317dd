"""Sensor intake: messages stored once per (device, sequence), quarantine, signals, incidents, lane changes.

Also what the real-time re-targeting reads and changes: a container's journey facts (seals, ports, HS
codes of its latest vessel call), whether it is released, and the lane of a container in a selection run
(the decision row is updated in place; ``sensor_lane_changes`` keeps the trail of every change).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, func, select, tuple_, update

from cargoscreen.domain.targeting import Channel, Reason
from cargoscreen.sensors.seals import JourneyFacts
from cargoscreen.store.repositories._sql import chunked, gc_paused, insert_ignore, insert_many
from cargoscreen.store.repositories.reasons import reasons_to_json
from cargoscreen.store.tables import (
    ConsignmentRow,
    EquipmentRow,
    GoodsItemRow,
    GoodsPlacementRow,
    InspectionOutcomeRow,
    SealRow,
    SelectionDecisionRow,
    SelectionRunRow,
    VesselCallRow,
)
from cargoscreen.store.tables.sensors import (
    SecurityIncidentRow,
    SensorLaneChangeRow,
    SensorMessageRow,
    SensorQuarantineRow,
    SensorSignalRow,
)

_M, _Q, _S, _I, _L = (
    SensorMessageRow,
    SensorQuarantineRow,
    SensorSignalRow,
    SecurityIncidentRow,
    SensorLaneChangeRow,
)
_D, _R = SelectionDecisionRow, SelectionRunRow
MAX_QUARANTINED_PAYLOAD = 20_000


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """A sensor message as stored (payload as JSON)."""

    device_id: str
    sequence: int
    topic: str
    kind: str
    container_number: str | None
    event_time: datetime
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class StoredIncident:
    incident_id: str
    site: str
    zone: str
    opened_at: datetime
    detected: str
    confidence: float
    status: str


class SensorRepository:
    """Sensor data of one unit of work."""

    def __init__(self, connection: Connection, clock: Callable[[], datetime]) -> None:
        self._conn = connection
        self._clock = clock

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
    ) -> bool:
        """Store a message unless (device_id, sequence) is stored already; True when it was new."""
        row = {
            "device_id": device_id,
            "sequence": sequence,
            "topic": topic,
            "kind": kind,
            "container_number": container_number,
            "event_time": event_time,
            "received_at": self._clock(),
            "payload": payload,
        }
        return insert_ignore(self._conn, _M, [row], keys=("device_id", "sequence")) == 1

    def add_messages(self, rows: Sequence[dict[str, Any]]) -> list[bool]:
        """Store many messages (dicts of :meth:`add_message`'s arguments) in bulk; for each, True when it was
        new (not stored before, and not an earlier row of the same batch)."""
        keys = [(row["device_id"], int(row["sequence"])) for row in rows]
        stored: set[tuple[str, int]] = set()
        for chunk in chunked(sorted(set(keys))):
            stmt = select(_M.device_id, _M.sequence).where(tuple_(_M.device_id, _M.sequence).in_(chunk))
            stored.update((device, int(sequence)) for device, sequence in self._conn.execute(stmt))
        fresh, now = [], self._clock()
        for key in keys:
            fresh.append(key not in stored)
            if fresh[-1]:
                stored.add(key)
        new_rows = [row | {"received_at": now} for row, is_new in zip(rows, fresh, strict=True) if is_new]
        insert_many(self._conn, _M, new_rows)
        return fresh

    def quarantine(self, *, topic: str, reason: str, field: str, payload: bytes) -> bool:
        """Keep a rejected message with its reason (once per topic and payload); True when it was new."""
        row = {
            "topic": topic[:200],
            "payload_sha256": hashlib.sha256(payload).hexdigest(),
            "field": field[:120],
            "reason": reason,
            "payload": payload[:MAX_QUARANTINED_PAYLOAD].decode("utf-8", errors="replace"),
            "received_at": self._clock(),
        }
        return insert_ignore(self._conn, _Q, [row], keys=("topic", "payload_sha256")) == 1

    def add_signals(self, signals: Sequence[Any]) -> int:
        """Store :class:`~cargoscreen.sensors.signals.SensorSignal` findings not stored yet."""
        now = self._clock()
        rows = [
            {
                "container_number": s.container_number,
                "code": str(s.code),
                "weight": s.weight,
                "text": s.text,
                "observed_at": s.observed_at,
                "device_id": s.device_id,
                "sequence": s.sequence,
                "forced_channel": None if s.forced_channel is None else str(s.forced_channel),
                "details": dict(s.details),
                "created_at": now,
            }
            for s in signals
        ]
        return insert_ignore(self._conn, _S, rows, keys=("device_id", "sequence", "code"))

    def open_incident(self, incident: Any) -> bool:
        """Open a :class:`~cargoscreen.sensors.quay.SecurityIncident` (once per incident id)."""
        row = {
            "incident_id": incident.incident_id,
            "site": incident.site,
            "zone": incident.zone,
            "opened_at": incident.opened_at,
            "detected": incident.detected,
            "confidence": incident.confidence,
            "device_id": incident.device_id,
            "sequence": incident.sequence,
            "snapshot": incident.snapshot,
            "status": "open",
            "closed_at": None,
        }
        return insert_ignore(self._conn, _I, [row], keys=("incident_id",)) == 1

    def incidents(self, status: str | None = "open") -> list[StoredIncident]:
        stmt = select(_I.incident_id, _I.site, _I.zone, _I.opened_at, _I.detected, _I.confidence, _I.status)
        if status is not None:
            stmt = stmt.where(_I.status == status)
        return [
            StoredIncident(**row._asdict()) for row in self._conn.execute(stmt.order_by(_I.opened_at, _I.id))
        ]

    def timeline(self, container_number: str) -> list[StoredMessage]:
        """The container's sensor messages, oldest first."""
        stmt = select(
            _M.device_id, _M.sequence, _M.topic, _M.kind, _M.container_number, _M.event_time, _M.payload
        )
        stmt = stmt.where(_M.container_number == container_number).order_by(_M.event_time, _M.id)
        return [StoredMessage(**row._asdict()) for row in self._conn.execute(stmt)]

    def signals_for(self, container_number: str) -> list[dict[str, Any]]:
        stmt = select(_S).where(_S.container_number == container_number).order_by(_S.observed_at, _S.id)
        return [dict(row._mapping) for row in self._conn.execute(stmt)]

    def count_messages(self) -> int:
        return int(self._conn.execute(select(func.count()).select_from(_M)).scalar_one())

    def count_quarantined(self) -> int:
        return int(self._conn.execute(select(func.count()).select_from(_Q)).scalar_one())

    def quarantined(self, limit: int = 100) -> list[tuple[str, str, str]]:
        """(topic, field, reason) of the latest rejected messages."""
        stmt = select(_Q.topic, _Q.field, _Q.reason).order_by(_Q.id.desc()).limit(limit)
        return [(row.topic, row.field, row.reason) for row in self._conn.execute(stmt)]

    def message_keys(self) -> set[tuple[str, int]]:
        """Every stored (device_id, sequence) (for counting loss in tests and the benchmark)."""
        return {
            (row.device_id, int(row.sequence))
            for row in self._conn.execute(select(_M.device_id, _M.sequence))
        }

    def lane_changes(self, container_number: str | None = None) -> list[dict[str, Any]]:
        stmt = select(_L).order_by(_L.changed_at, _L.id)
        if container_number is not None:
            stmt = stmt.where(_L.container_number == container_number)
        return [dict(row._mapping) for row in self._conn.execute(stmt)]

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
    ) -> None:
        """Move a container to another lane in a selection run; record the change and its customs event."""
        where = (_D.run_id == run_id, _D.container_number == container_number)
        values = {"channel": str(new), "reasons": reasons_to_json(reasons)}
        self._conn.execute(update(_D).where(*where).values(**values))
        used: dict[str, Any] = self._conn.execute(select(_R.used).where(_R.id == run_id)).scalar_one()
        counts = {str(k): int(v) for k, v in used.items()}
        for lane, step in ((old, -1), (new, 1)):
            if lane is not Channel.GREEN:
                counts[str(lane)] = counts.get(str(lane), 0) + step
        self._conn.execute(update(_R).where(_R.id == run_id).values(used=counts))
        row = {
            "run_id": run_id,
            "container_number": container_number,
            "old_channel": str(old),
            "new_channel": str(new),
            "why": why,
            "over_capacity": over_capacity,
            "event_id": event_id,
            "changed_at": self._clock(),
        }
        insert_many(self._conn, _L, [row])

    def latest_run_id(self, run_date: date | None = None) -> int | None:
        """Id of the latest selection run (of ``run_date`` if given), or None."""
        stmt = select(_R.id)
        if run_date is not None:
            stmt = stmt.where(_R.run_date == run_date)
        found = self._conn.execute(stmt.order_by(_R.run_date.desc(), _R.id.desc()).limit(1)).scalar()
        return None if found is None else int(found)

    def released(self, container_number: str) -> bool | None:
        """True when the latest selection run released the container (GREEN) or an inspection of it was
        recorded since; False when it is held for scan or inspection; None when no run decided it."""
        stmt = (
            select(_D.channel, _R.created_at)
            .join(_R, _R.id == _D.run_id)
            .where(_D.container_number == container_number)
            .order_by(_R.run_date.desc(), _R.id.desc())
            .limit(1)
        )
        row = self._conn.execute(stmt).first()
        if row is None:
            return None
        if row.channel == Channel.GREEN.value:
            return True
        _O = InspectionOutcomeRow
        inspected = select(func.count()).where(
            _O.container_number == container_number, _O.recorded_at >= row.created_at
        )
        return bool(self._conn.execute(inspected).scalar_one())

    def journey_facts(self, container_number: str) -> JourneyFacts | None:
        """The journey the manifest of the container's latest vessel call declares, or None."""
        return self.journey_facts_many([container_number]).get(container_number)

    def journey_facts_many(self, container_numbers: Sequence[str]) -> dict[str, JourneyFacts]:
        """:meth:`journey_facts` of many containers in a few bulk queries (those with a manifest)."""
        found: dict[str, JourneyFacts] = {}
        with gc_paused():
            for chunk in chunked(sorted(set(container_numbers))):
                found.update(self._facts(chunk))
        return found

    def _facts(self, numbers: Sequence[str]) -> dict[str, JourneyFacts]:
        _E, _V = EquipmentRow, VesselCallRow
        arrival = func.coalesce(_V.ata, _V.eta)
        stmt = (
            select(_E.id, _E.container_number, _E.vessel_call_id, _V.imo_number, _V.voyage_number)
            .add_columns(_V.port_of_call, _V.previous_ports)
            .join(_V, _V.id == _E.vessel_call_id)
            .where(_E.container_number.in_(numbers))
            .order_by(_E.container_number, arrival.desc(), _E.id.desc())
        )
        calls: dict[str, Any] = {}
        for row in self._conn.execute(stmt):
            calls.setdefault(row.container_number, row)
        if not calls:
            return {}
        seals: dict[int, list[str]] = defaultdict(list)
        ids = [row.id for row in calls.values()]
        seal_rows = select(SealRow.equipment_id, SealRow.seal_number).where(SealRow.equipment_id.in_(ids))
        for row in self._conn.execute(seal_rows.order_by(SealRow.equipment_id, SealRow.ordinal)):
            seals[row.equipment_id].append(row.seal_number)
        _C, _G, _P = ConsignmentRow, GoodsItemRow, GoodsPlacementRow
        lines: dict[str, list[Any]] = defaultdict(list)
        stmt = (
            select(_P.container_number, _C.vessel_call_id, _C.place_of_origin, _C.port_of_loading)
            .add_columns(_C.transhipment_ports, _G.hs_code)
            .join(_G, _G.id == _P.goods_item_id)
            .join(_C, _C.id == _G.consignment_id)
            .where(_P.container_number.in_(list(calls)))
        )
        for row in self._conn.execute(stmt):
            if row.vessel_call_id == calls[row.container_number].vessel_call_id:
                lines[row.container_number].append(row)
        return {number: _journey(call, seals[call.id], lines[number]) for number, call in calls.items()}


def _journey(call: Any, seals: list[str], lines: list[Any]) -> JourneyFacts:
    return JourneyFacts(
        container_number=call.container_number,
        imo_number=call.imo_number,
        voyage_number=call.voyage_number,
        port_of_call=call.port_of_call,
        seals=tuple(seals),
        previous_ports=tuple(call.previous_ports.split()),
        loading_ports=_distinct(line.port_of_loading for line in lines),
        origin_ports=_distinct(line.place_of_origin or line.port_of_loading for line in lines),
        transhipment_ports=_distinct(p for line in lines for p in line.transhipment_ports.split()),
        hs_codes=_distinct(line.hs_code for line in lines),
    )


def _distinct(values: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))
