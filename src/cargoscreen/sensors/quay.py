"""Quay-side analytics: e-nose samples on the crane, gate OCR reads, intrusion alerts in custody zones.

* :class:`EnoseMonitor` scores each sample with the marker classifier (probability re-stated at the
  operating prior), reports ``ENOSE_MARKER`` above the policy's threshold and learns drift from the samples
  it judges clean.
* :func:`read_container_number` turns a gate camera's OCR text into a container number, fixing the usual
  OCR confusions (O/0, I/1, S/5, B/8, Z/2) when that makes the ISO 6346 check digit right.
* :class:`GateMonitor` links a read to its container and flags one leaving the terminal without release.
* :class:`IntrusionMonitor` opens a :class:`SecurityIncident` for an alert in a custody zone (one per zone
  within ``merge_minutes``; later alerts of that zone are counted on it by the store).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cargoscreen.domain.errors import InvalidIdentifier
from cargoscreen.domain.ids import parse_container_number
from cargoscreen.domain.targeting import Channel
from cargoscreen.sensors.decode import SensorReading
from cargoscreen.sensors.enose import EnoseInput, EnosePolicy, MarkerClassifier, at_prior
from cargoscreen.sensors.payloads import EnoseSample, GateDirection, GateRead, IntrusionAlert
from cargoscreen.sensors.signals import SensorSignal, SignalCode


class EnoseMonitor:
    """Streaming marker detection over e-nose samples (``score_one`` then ``learn_one`` per sample)."""

    def __init__(self, classifier: MarkerClassifier, policy: EnosePolicy | None = None) -> None:
        self.classifier = classifier
        self.policy = policy or EnosePolicy()

    def probability(self, sample: EnoseSample, goods: str) -> float:
        """Marker probability of a sample at the operating prior (the drift estimate is then updated)."""
        data = EnoseInput(sample.channels, sample.baseline, sample.humidity_pct, sample.soak_s, goods)
        trained = self.classifier.score_one(data)
        self.classifier.learn_one(data, trained)
        return at_prior(trained, self.classifier.trained_prior_, self.policy.prior)

    def observe(self, reading: SensorReading, goods: str) -> list[SensorSignal]:
        sample = reading.payload
        if not isinstance(sample, EnoseSample):
            return []
        p = self.probability(sample, goods)
        if p < self.policy.report_at:
            return []
        forced = Channel.SCAN if p >= self.policy.force_at else None
        text = (
            f"e-nose on crane {sample.crane_id}: methyl benzoate (cocaine marker) pattern, probability {p:.2f}"
            f" ({goods} declared; {sample.soak_s:.0f} s sample at {sample.humidity_pct:.0f} % RH)"
        )
        details = {"probability": f"{p:.3f}", "goods": goods, "crane_id": sample.crane_id}
        signal = SensorSignal(
            sample.container_number, SignalCode.ENOSE_MARKER, min(p, 0.95), text, sample.sampled_at,
            reading.device_id, reading.sequence, forced, details,
        )  # fmt: skip
        return [signal]


_TO_DIGIT = str.maketrans(
    {"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "S": "5", "B": "8", "Z": "2", "G": "6"}
)
_TO_LETTER = str.maketrans({"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z", "6": "G"})


def read_container_number(text: str) -> str | None:
    """The container number an OCR text stands for, or ``None`` when no correction gives a valid one."""
    compact = "".join(ch for ch in text.upper() if ch.isalnum())
    candidates = [compact]
    if len(compact) == 11:
        candidates.append(compact[:4].translate(_TO_LETTER) + compact[4:].translate(_TO_DIGIT))
    for candidate in candidates:
        try:
            return parse_container_number(candidate)
        except InvalidIdentifier:
            continue
    return None


@dataclass(frozen=True, slots=True)
class GateOutcome:
    """What a gate read gave: the container linked (if read well enough) and any signal."""

    container_number: str | None
    direction: GateDirection
    signals: tuple[SensorSignal, ...] = ()
    note: str = ""


class GateMonitor:
    """Links gate reads to containers; a container going OUT unreleased is flagged (forced PHYSICAL)."""

    def __init__(self, min_confidence: float = 0.8, unreleased_weight: float = 0.9) -> None:
        self.min_confidence = min_confidence
        self.unreleased_weight = unreleased_weight

    def observe(self, reading: SensorReading, released: Callable[[str], bool | None]) -> GateOutcome:
        read = reading.payload
        assert isinstance(read, GateRead)
        number = read_container_number(read.container_text)
        if number is None or read.confidence < self.min_confidence:
            why = "no valid container number" if number is None else f"confidence {read.confidence:.2f}"
            return GateOutcome(None, read.direction, (), f"read {read.container_text!r} not linked: {why}")
        if read.direction is not GateDirection.OUT or released(number) is not False:
            return GateOutcome(number, read.direction)
        text = f"left terminal {read.site} by gate {read.gate} at {read.read_at:%Y-%m-%d %H:%M} without customs release"
        signal = SensorSignal(
            number, SignalCode.LEFT_UNRELEASED, self.unreleased_weight, text, read.read_at, reading.device_id,
            reading.sequence, Channel.PHYSICAL, {"site": read.site, "gate": read.gate, "truck_plate": read.truck_plate},
        )  # fmt: skip
        return GateOutcome(number, read.direction, (signal,), "unreleased exit")


@dataclass(frozen=True, slots=True)
class SecurityIncident:
    """An incident for the custody team: opened by an intrusion alert in a custody zone."""

    incident_id: str
    site: str
    zone: str
    opened_at: datetime
    detected: str
    confidence: float
    device_id: str
    sequence: int
    snapshot: str = ""


@dataclass
class IntrusionMonitor:
    """Alerts in zones whose name starts with one of ``custody_prefixes`` open incidents."""

    custody_prefixes: tuple[str, ...] = ("custody",)
    merge_minutes: float = 15.0
    _last: dict[tuple[str, str], datetime] = field(default_factory=dict)

    def is_custody_zone(self, zone: str) -> bool:
        return zone.lower().startswith(self.custody_prefixes)

    def observe(self, reading: SensorReading) -> SecurityIncident | None:
        alert = reading.payload
        if not isinstance(alert, IntrusionAlert) or not self.is_custody_zone(alert.zone):
            return None
        key = (alert.site, alert.zone)
        last = self._last.get(key)
        if last is not None and timedelta(0) <= alert.alert_at - last < timedelta(minutes=self.merge_minutes):
            return None
        self._last[key] = alert.alert_at
        return SecurityIncident(
            f"INC-{alert.site}-{reading.device_id}-{reading.sequence}", alert.site, alert.zone, alert.alert_at,
            alert.detected, alert.confidence, reading.device_id, reading.sequence, alert.snapshot,
        )  # fmt: skip
