"""MQTT topics of the sensor intake: ``cargoscreen/v<major>/<kind>/<source>``.

========================================  =========================================  ====================
topic                                     payload                                    ``<source>`` is
========================================  =========================================  ====================
``cargoscreen/v1/seal/<device_id>``       :class:`~.payloads.SealEvent`              the seal reader
``cargoscreen/v1/tracker/<device_id>``    :class:`~.payloads.TrackerEvent`           the tracker
``cargoscreen/v1/dcsa/<device_id>``       a DCSA T&T 3.0 ``IOT`` event (JSON)        the tracker
``cargoscreen/v1/enose/<crane_id>``       :class:`~.payloads.EnoseSample`            the quay crane
``cargoscreen/v1/camera/<site>``          :class:`~.payloads.GateRead` or             the terminal / site
                                          :class:`~.payloads.IntrusionAlert`
========================================  =========================================  ====================

The listener subscribes to :data:`SUBSCRIPTION` at QoS 1. A new major payload version gets a new topic
level (``cargoscreen/v2/...``); until it is supported such messages are quarantined, not guessed at.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

PREFIX = "cargoscreen"
VERSION = "v1"
SUBSCRIPTION = f"{PREFIX}/+/#"
QOS = 1


class TopicKind(StrEnum):
    SEAL = "seal"
    TRACKER = "tracker"
    DCSA = "dcsa"
    ENOSE = "enose"
    CAMERA = "camera"


@dataclass(frozen=True, slots=True)
class Topic:
    """A parsed topic: payload version, kind and source (device, crane or site)."""

    version: str
    kind: TopicKind
    source: str

    def __str__(self) -> str:
        return f"{PREFIX}/{self.version}/{self.kind.value}/{self.source}"


def topic(kind: TopicKind | str, source: str, version: str = VERSION) -> str:
    """The topic a device publishes on, e.g. ``topic("seal", "ES-0042")``."""
    return str(Topic(version, TopicKind(kind), source))


def parse_topic(name: str) -> Topic:
    """Split a topic; raises ``ValueError`` naming what is wrong."""
    parts = name.split("/")
    if len(parts) != 4 or parts[0] != PREFIX:
        raise ValueError(f"expected {PREFIX}/<version>/<kind>/<source>, got {name!r}")
    _, version, kind, source = parts
    if version != VERSION:
        raise ValueError(f"payload version {version!r} is not supported (supported: {VERSION})")
    try:
        parsed = TopicKind(kind)
    except ValueError:
        known = ", ".join(k.value for k in TopicKind)
        raise ValueError(f"unknown sensor kind {kind!r} (known: {known})") from None
    if not source:
        raise ValueError("the topic names no device, crane or site")
    return Topic(version, parsed, source)
