"""Sensor signals: what an analytic concluded about a container, and how it changes the risk assessment.

A signal has a code (one per kind of finding), a weight in [0, 1) read like a rule weight, an optional forced
lane and the words an officer reads. :func:`rescore` folds signals into an assessment the way the risk
engine combines its signals (noisy-or): ``score = 1 - (1 - base) * prod(1 - w)``, one weight per signal code
(the strongest seen), so the same finding reported twice does not count twice. The sensor reasons already
on an assessment are taken out first (their weights are known), which gives back the base score.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from cargoscreen.domain.targeting import Channel, Reason, ReasonKind, RiskAssessment

#: The reason kind sensor reasons carry. The domain has no SENSOR kind yet; RULE is the nearest (a fixed
#: analytic with a weight). Codes start with ``sensor.`` so they are told apart.
REASON_KIND = ReasonKind.SENSOR
CODE_PREFIX = "sensor."
_MAX_WEIGHT = 0.999


class SignalCode(StrEnum):
    """The findings of the sensor analytics."""

    DOOR_OPENED_OUTSIDE = "sensor.door-opened-outside"
    SEAL_OPENED_OUTSIDE = "sensor.seal-opened-outside"
    SEAL_TAMPER = "sensor.seal-tamper"
    SEAL_MISMATCH = "sensor.seal-number-mismatch"
    UNSCHEDULED_STOP = "sensor.unscheduled-stop"
    SILENCE_NEAR_RISKY_PORT = "sensor.silence-near-risky-port"
    ENOSE_MARKER = "sensor.enose-marker"
    LEFT_UNRELEASED = "sensor.left-terminal-unreleased"


@dataclass(frozen=True, slots=True)
class SensorSignal:
    """One finding about one container, from one sensor message (device and sequence)."""

    container_number: str
    code: SignalCode
    weight: float
    text: str
    observed_at: datetime
    device_id: str
    sequence: int
    forced_channel: Channel | None = None
    details: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 0.0 <= self.weight < 1.0:
            raise ValueError(f"signal weight {self.weight} is not in [0, 1)")
        if self.forced_channel is Channel.GREEN:
            raise ValueError("a signal forces SCAN or PHYSICAL, not GREEN")

    def reason(self) -> Reason:
        """The reason an officer reads, with the device, message and time it came from."""
        details = {
            "device_id": self.device_id,
            "sequence": str(self.sequence),
            "observed_at": self.observed_at.isoformat(),
            **self.details,
        }
        if self.forced_channel is not None:
            details["forces"] = self.forced_channel.value
        return Reason(
            kind=REASON_KIND, code=self.code.value, text=self.text, weight=self.weight, details=details
        )


def is_sensor_reason(reason: Reason) -> bool:
    return reason.code.startswith(CODE_PREFIX)


def base_score(assessment: RiskAssessment) -> float:
    """The score without its sensor reasons (the noisy-or undone for their known weights)."""
    keep = 1.0
    for reason in assessment.reasons:
        if is_sensor_reason(reason):
            keep *= 1.0 - min(reason.weight, _MAX_WEIGHT)
    return min(1.0, max(0.0, 1.0 - (1.0 - assessment.score) / keep))


def rescore(assessment: RiskAssessment, signals: Sequence[SensorSignal], now: datetime) -> RiskAssessment:
    """The assessment at ``now`` with ``signals`` folded in (strongest reason per signal code)."""
    strongest: dict[str, Reason] = {}
    for reason in [r for r in assessment.reasons if is_sensor_reason(r)] + [s.reason() for s in signals]:
        if reason.code not in strongest or reason.weight > strongest[reason.code].weight:
            strongest[reason.code] = reason
    keep = 1.0
    for reason in strongest.values():
        keep *= 1.0 - min(reason.weight, _MAX_WEIGHT)
    score = 1.0 - (1.0 - base_score(assessment)) * keep
    others = tuple(r for r in assessment.reasons if not is_sensor_reason(r))
    ordered = sorted(strongest.values(), key=lambda r: -r.weight)
    return assessment.model_copy(
        update={
            "score": min(1.0, max(0.0, score)),
            "reasons": (*ordered, *others),
            "forced_channel": stronger(assessment.forced_channel, *(s.forced_channel for s in signals)),
            "assessed_at": now,
        }
    )


def stronger(*lanes: Channel | None) -> Channel | None:
    """PHYSICAL over SCAN over nothing."""
    found = {lane for lane in lanes if lane is not None}
    return Channel.PHYSICAL if Channel.PHYSICAL in found else Channel.SCAN if found else None


def by_container(signals: Iterable[SensorSignal]) -> dict[str, list[SensorSignal]]:
    grouped: dict[str, list[SensorSignal]] = {}
    for signal in signals:
        grouped.setdefault(signal.container_number, []).append(signal)
    return grouped
