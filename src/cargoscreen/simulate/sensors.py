"""SYNTHETIC sensor streams of a port day: e-seal reads, tracker reports, e-nose samples, gate reads and
intrusion alerts, as (time, topic, payload) messages tied to the simulated port's ground truth.

Who carries what (a customs programme, and the simulator's *estimates*): every laden container from a
high-risk origin carries an ISO 18185 e-seal (``seal_share_high_risk``), a few others too; part of them
also a tracker (``tracker_share``; half report in cargoscreen's own format, half as DCSA T&T 3.0 IoT
events); the e-nose samples high-risk boxes as they hang on the crane; OCR cameras read every gate-out of
the day; a couple of intrusion alerts happen at night.

Ground truth shows through as it would: a rip-on box whose door was opened at a transhipment hub has its
e-seal read ``opened`` there (unless the seal was cloned) and arrives with a swapped seal number; a box with
cocaine gives off methyl benzoate (flowers and some fruit do too); an innocent reseal by origin customs
shows up as a seal-number mismatch. Payloads are the version-1 payloads of ``cargoscreen.sensors``
(written here as plain JSON: the simulator does not import the capability). Times are UTC.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from cargoscreen.domain.events import EquipmentEventType
from cargoscreen.domain.records import Manifest
from cargoscreen.domain.reference import ports
from cargoscreen.simulate.enose import GOODS_BY_CHAPTER, ArrayModel, container_air
from cargoscreen.simulate.smuggling import ORIGIN_RISK
from cargoscreen.simulate.traffic import SimulatedPort
from cargoscreen.simulate.truth import SmugglingCase, SmugglingMethod

PORT_OF_CALL = "BEANR"
KM_PER_DAY = 700.0  # ~16 knots
_SITE = "BEANR-CUSTOMS"


@dataclass(frozen=True, slots=True)
class StreamConfig:
    """How much of the day's traffic carries sensors (estimates) and the stream's seed."""

    seed: int = 0
    seal_share_high_risk: float = 1.0
    seal_share_other: float = 0.02
    tracker_share: float = 0.15
    enose_share: float = 1.0
    cranes: int = 8
    enose_age_days: float = 90.0
    ocr_error_rate: float = 0.03
    intrusions: int = 2
    bad_payloads: int = 3


@dataclass(frozen=True, slots=True)
class StreamMessage:
    """One message as a device publishes it; ``payload`` is a JSON object, or raw text for a broken one."""

    at: datetime
    topic: str
    payload: dict[str, Any] | str

    def body(self) -> bytes:
        text = (
            self.payload if isinstance(self.payload, str) else json.dumps(self.payload, separators=(",", ":"))
        )
        return text.encode("utf-8")

    def to_json(self) -> str:
        return json.dumps({"at": self.at.isoformat(), "topic": self.topic, "payload": self.payload})


@dataclass(frozen=True, slots=True)
class _Box:
    container_number: str
    seals: tuple[str, ...]
    route: tuple[str, ...]
    origin_country: str
    goods: str
    discharged: datetime
    case: SmugglingCase | None
    door_seals: tuple[str, ...]


class _Devices:
    """Sequence counters per device (each device's counter only grows)."""

    def __init__(self) -> None:
        self.counters: dict[str, int] = {}

    def next(self, device: str) -> int:
        self.counters[device] = self.counters.get(device, 0) + 1
        return self.counters[device]


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _boxes(port: SimulatedPort, day: date) -> list[_Box]:
    discharged = {
        e.container_number: e.event_time for e in port.events if e.event_type is EquipmentEventType.DISCHARGED
    }
    cases = {c.container_number: c for c in port.ground_truth.cases}
    actual = {
        t.container_number: tuple(s.seal_number for s in t.actual_seals) for t in port.ground_truth.containers
    }
    boxes = []
    for manifest in port.manifests:
        call = manifest.vessel_call
        if call.ata is None or call.ata.date() != day:
            continue
        boxes += _manifest_boxes(manifest, discharged, cases, actual)
    return boxes


def _manifest_boxes(
    manifest: Manifest,
    discharged: dict[str, datetime],
    cases: dict[str, SmugglingCase],
    actual: dict[str, tuple[str, ...]],
) -> list[_Box]:
    stowed: dict[str, tuple[str | None, tuple[str, ...], str]] = {}
    for consignment in manifest.consignments:
        chapters = {item.hs_code[:2] for item in consignment.goods_items if item.hs_code}
        goods = next((GOODS_BY_CHAPTER[c] for c in sorted(chapters) if c in GOODS_BY_CHAPTER), "other")
        for number in consignment.container_numbers:
            stowed.setdefault(number, (consignment.port_of_loading, consignment.transhipment_ports, goods))
    boxes = []
    for equipment in manifest.equipment:
        number = equipment.container_number
        if number not in stowed or number not in discharged:
            continue
        loading, hubs, goods = stowed[number]
        if loading is None:
            continue
        route = tuple(dict.fromkeys((loading, *hubs, PORT_OF_CALL)))
        seals = tuple(s.seal_number for s in equipment.seals)
        case = cases.get(number)
        boxes.append(
            _Box(
                number, seals, route, loading[:2], goods, discharged[number], case, actual.get(number, seals)
            )
        )
    return boxes


def _legs(route: Sequence[str], arrival: datetime) -> list[tuple[str, datetime]]:
    """When the box was at each port of its route, working back from its discharge (1.5 days a call)."""
    known = ports()
    times = [arrival]
    for later, earlier in zip(reversed(route[1:]), reversed(route[:-1]), strict=True):
        a, b = known.get(earlier), known.get(later)
        km = _km(a.latitude, a.longitude, b.latitude, b.longitude) if a and b else 5000.0
        times.append(times[-1] - timedelta(days=km / KM_PER_DAY + 1.5))
    return list(zip(route, reversed(times), strict=True))


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2, dl = np.radians(lat1), np.radians(lat2), np.radians(lon2 - lon1)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return float(2 * 6371.0 * np.arcsin(np.sqrt(min(1.0, float(a)))))


class _Stream:
    def __init__(self, config: StreamConfig, day: date) -> None:
        self.config = config
        self.day = day
        self.rng = np.random.default_rng([config.seed, day.toordinal(), 6])
        self.devices = _Devices()
        self.messages: list[StreamMessage] = []
        self.array = ArrayModel.from_stats()

    def publish(self, at: datetime, kind: str, source: str, payload: dict[str, Any] | str) -> None:
        self.messages.append(StreamMessage(at, f"cargoscreen/v1/{kind}/{source}", payload))

    def seal_reads(self, box: _Box) -> None:
        """Reads at the loading port, at each hub (opened there in a rip-on), and at discharge."""
        case = box.case
        rip = case is not None and case.method is SmugglingMethod.RIP_ON_RIP_OFF
        masked = case is not None and case.seal_cloned
        digest = hashlib.sha256(f"{box.container_number}/{self.config.seed}".encode()).hexdigest()
        seal_id = f"EUR18185-{int(digest[:12], 16) % 10**9:09d}"
        battery = float(self.rng.uniform(50, 100))
        legs = _legs(box.route, box.discharged)
        sealed_at = legs[0][1] - timedelta(hours=8)
        for place, moment in legs:
            opened = rip and case is not None and case.door_opened_at == place and place != box.route[0]
            at_port = place == PORT_OF_CALL
            number = (
                box.door_seals[0]
                if at_port and box.door_seals
                else (box.seals[0] if box.seals else "UNSEALED")
            )
            status = "opened" if opened and not masked else "sealed"
            reader = f"RDR-{place}-1"
            payload = {
                "version": 1, "device_id": reader, "sequence": self.devices.next(reader), "kind": "seal",
                "seal_id": seal_id, "seal_number": number, "container_number": box.container_number,
                "status": status, "battery_pct": round(battery, 1), "event_time": _iso(moment),
                "sealed_at": _iso(sealed_at), "reader_id": reader, "un_locode": place,
            }  # fmt: skip
            if status == "opened":
                payload["opened_at"] = _iso(moment - timedelta(hours=3))
            self.publish(moment, "seal", reader, payload)
            battery -= float(self.rng.uniform(0.5, 2.0))

    def tracker(self, box: _Box, index: int) -> None:
        """Breadcrumbs every 12 h along the route; a door event where the door was opened; sometimes a silence."""
        device = f"TRK-{box.container_number}"
        legs = _legs(box.route, box.discharged)
        dcsa = index % 2 == 1
        silent_from = None
        if self.rng.random() < 0.05 and len(legs) > 2:
            silent_from = legs[1][1]
        known = ports()
        for (here, start), (there, end) in pairwise(legs):
            a, b = known.get(here), known.get(there)
            if a is None or b is None:
                continue
            moment = start
            while moment < end:
                if silent_from is None or not silent_from <= moment < silent_from + timedelta(hours=48):
                    f = (moment - start) / (end - start)
                    lat, lon = (
                        a.latitude + f * (b.latitude - a.latitude),
                        a.longitude + f * (b.longitude - a.longitude),
                    )
                    self.tracker_event(device, box, "BREADCRUMB", moment, lat, lon, dcsa)
                moment += timedelta(hours=12)
        case = box.case
        if (
            case is not None
            and case.door_opened_at in box.route[1:-1]
            and (port := known.get(case.door_opened_at))
        ):
            moment = dict(legs)[case.door_opened_at] - timedelta(hours=3)
            self.tracker_event(device, box, "DOOR_OPENED", moment, port.latitude, port.longitude, dcsa)

    def tracker_event(
        self, device: str, box: _Box, kind: str, at: datetime, lat: float, lon: float, dcsa: bool
    ) -> None:
        sequence = self.devices.next(device)
        if dcsa:
            event = {
                "eventID": f"IOT-{kind[:3]}-{box.container_number}-{sequence}-{_iso(at)}",
                "eventDateTime": _iso(at),
                "eventClassification": {
                    "eventType": "IOT",
                    "eventClassifier": "ACTUAL",
                    "iotEventType": kind,
                },
                "eventLocation": {"geoCoordinate": {"latitude": f"{lat:.4f}", "longitude": f"{lon:.4f}"}},
                "equipmentDetails": {"equipmentReference": box.container_number, "emptyIndicator": "LADEN"},
                "iotDetails": {
                    "iotEquipmentTechnology": "SMART_CONTAINER",
                    "deviceVendor": "SIM",
                    "deviceModel": "T1",
                },
            }
            self.publish(at, "dcsa", device, event)
            return
        payload = {
            "version": 1, "device_id": device, "sequence": sequence, "kind": "tracker",
            "container_number": box.container_number, "event_type": kind, "event_time": _iso(at),
            "latitude": round(lat, 4), "longitude": round(lon, 4),
        }  # fmt: skip
        self.publish(at, "tracker", device, payload)

    def enose(self, box: _Box) -> None:
        crane = f"QC{int(self.rng.integers(1, self.config.cranes + 1)):02d}"
        cocaine = box.case is not None
        humidity, soak = float(self.rng.uniform(55, 95)), float(self.rng.uniform(120, 180))
        age = self.config.enose_age_days + (self.day - date(2026, 1, 1)).days * 0.0
        channels, baseline = self.array.reading(
            container_air(box.goods, cocaine, self.rng), age, humidity, soak, self.rng
        )
        at = box.discharged - timedelta(seconds=soak)
        payload = {
            "version": 1, "device_id": f"ENOSE-{crane}", "sequence": self.devices.next(f"ENOSE-{crane}"),
            "kind": "enose", "container_number": box.container_number, "crane_id": crane, "sampled_at": _iso(at),
            "soak_s": round(soak, 1), "humidity_pct": round(humidity, 1), "channels": channels, "baseline": baseline,
        }  # fmt: skip
        self.publish(at, "enose", crane, payload)

    def gate_read(self, number: str, at: datetime, facility: str) -> None:
        text = number
        if self.rng.random() < self.config.ocr_error_rate:
            i = int(self.rng.integers(4, 11))
            text = text[:i] + {"0": "O", "1": "I", "5": "S", "8": "B"}.get(text[i], text[i]) + text[i + 1 :]
        camera = f"CAM-{facility}-G1"
        payload = {
            "version": 1, "device_id": camera, "sequence": self.devices.next(camera), "kind": "gate_read",
            "site": facility, "gate": "G1", "lane": str(int(self.rng.integers(1, 9))), "direction": "out",
            "read_at": _iso(at), "container_text": text, "confidence": round(float(self.rng.uniform(0.82, 0.99)), 3),
        }  # fmt: skip
        self.publish(at, "camera", facility, payload)

    def intrusions(self) -> None:
        night = datetime.combine(self.day, datetime.min.time(), UTC)
        for k in range(self.config.intrusions):
            zone = "custody-vault-1" if k % 2 == 0 else f"yard-block-{k}"
            camera = f"CAM-{_SITE}-{zone}"
            at = night + timedelta(hours=float(self.rng.uniform(0.5, 4.5)))
            payload = {
                "version": 1, "device_id": camera, "sequence": self.devices.next(camera), "kind": "intrusion",
                "site": _SITE, "zone": zone, "alert_at": _iso(at), "detected": "person",
                "confidence": round(float(self.rng.uniform(0.7, 0.97)), 3), "snapshot": f"snap/{camera}/{k}.jpg",
            }  # fmt: skip
            self.publish(at, "camera", _SITE, payload)

    def broken(self, boxes: Sequence[_Box]) -> None:
        """A few faulty messages, as field devices send: bad JSON, a missing field, a wrong check digit."""
        at = datetime.combine(self.day, datetime.min.time(), UTC) + timedelta(hours=6)
        for k in range(self.config.bad_payloads):
            device = f"RDR-FAULTY-{k}"
            if k % 3 == 0:
                self.publish(at, "seal", device, '{"version": 1, "device_id": "' + device + '", "seq')
            elif k % 3 == 1:
                self.publish(
                    at, "seal", device, {"version": 1, "device_id": device, "sequence": k, "kind": "seal"}
                )
            else:
                number = (
                    boxes[0].container_number[:-1] + str((int(boxes[0].container_number[-1]) + 1) % 10)
                    if boxes
                    else "MSCU1234560"
                )
                payload = {
                    "version": 1, "device_id": device, "sequence": k, "kind": "tracker", "container_number": number,
                    "event_type": "BREADCRUMB", "event_time": _iso(at), "latitude": 51.2, "longitude": 4.4,
                }  # fmt: skip
                self.publish(at, "tracker", device, payload)


def sensor_stream(port: SimulatedPort, day: date, config: StreamConfig | None = None) -> list[StreamMessage]:
    """The SYNTHETIC sensor messages of the containers discharged on ``day``, in time order."""
    config = config or StreamConfig()
    stream = _Stream(config, day)
    boxes = _boxes(port, day)
    trackers = 0
    for box in boxes:
        high = box.origin_country in ORIGIN_RISK
        if stream.rng.random() < (config.seal_share_high_risk if high else config.seal_share_other):
            stream.seal_reads(box)
            if stream.rng.random() < config.tracker_share:
                stream.tracker(box, trackers)
                trackers += 1
        if high and stream.rng.random() < config.enose_share:
            stream.enose(box)
    for event in port.events:
        if event.event_type is EquipmentEventType.GATED_OUT and event.event_time.date() == day:
            stream.gate_read(event.container_number, event.event_time, event.facility_code or "TERMINAL")
    stream.intrusions()
    stream.broken(boxes)
    return sorted(stream.messages, key=lambda m: (m.at, m.topic))


def write_jsonl(messages: Iterable[StreamMessage], path: Path) -> int:
    """Write a stream as JSON lines (``at``, ``topic``, ``payload``); returns how many."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for message in messages:
            out.write(message.to_json() + "\n")
            count += 1
    return count


def read_jsonl(path: Path) -> list[StreamMessage]:
    """Read a stream written by :func:`write_jsonl`; raises ``ValueError`` naming the line at fault."""
    messages = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            messages.append(
                StreamMessage(datetime.fromisoformat(record["at"]), record["topic"], record["payload"])
            )
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}, line {number}: not a stream record ({exc})") from None
    return messages
