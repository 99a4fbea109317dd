"""What the scan readers hand on: the scans read, and every file that gave none with its reason."""

from __future__ import annotations

from dataclasses import dataclass, field

from cargoscreen.domain.quarantine import Rejection
from cargoscreen.domain.scans import Scan


@dataclass(frozen=True, slots=True)
class ChannelSource:
    """Where one energy channel of a scan came from; ``instance_uid`` is the DICOS SOP Instance UID."""

    file: str
    energy_kv: int
    instance_uid: str = ""


@dataclass(frozen=True, slots=True)
class ScanFileError:
    """A file that gave no scan: the file, why, and the scan it belonged to when that is known.

    ``too_large`` marks a file refused for its size (``InputTooLarge``) without being read.
    """

    source: str
    reason: str
    source_format: str = ""
    scan_id: str = ""
    too_large: bool = False

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"

    def as_rejection(self) -> Rejection:
        """The same, as a quarantine record (scope ``scan``, located by file)."""
        return Rejection(
            source_name=self.source,
            source_format=self.source_format or "scan",
            message_key=self.scan_id,
            scope="scan",
            locator=f"file {self.source}",
            reason=self.reason,
        )


@dataclass(slots=True)
class ScanReadResult:
    """Scans read from a set of files, the files that gave none, and which files made each scan."""

    scans: list[Scan] = field(default_factory=list)
    errors: list[ScanFileError] = field(default_factory=list)
    sources: dict[str, tuple[ChannelSource, ...]] = field(default_factory=dict)
