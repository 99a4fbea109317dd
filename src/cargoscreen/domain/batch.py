"""What a parser hands on: the records it read and the ones it rejected."""

from __future__ import annotations

from dataclasses import dataclass, field

from cargoscreen.domain.events import EquipmentEvent
from cargoscreen.domain.quarantine import Rejection
from cargoscreen.domain.records import Manifest


@dataclass(slots=True)
class ParseResult:
    """Records read from one input file, and the rejected ones with their reasons."""

    source_name: str
    source_format: str
    manifests: list[Manifest] = field(default_factory=list)
    events: list[EquipmentEvent] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)

    def extend(self, other: ParseResult) -> None:
        """Append another result's records (used when one file holds several messages)."""
        self.manifests.extend(other.manifests)
        self.events.extend(other.events)
        self.rejections.extend(other.rejections)
