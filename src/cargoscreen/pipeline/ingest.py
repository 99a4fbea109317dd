"""Thin orchestration across capabilities: a list of calls, one stage a function.

Persistence comes in through the ports of :mod:`cargoscreen.domain.ports`; the caller (CLI, API, worker) owns
the database and passes a unit-of-work factory. Each manifest message is stored in a transaction of its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cargoscreen.domain.batch import ParseResult
from cargoscreen.domain.errors import InputTooLarge, ParseError, UnknownFormat
from cargoscreen.domain.ports import BlobStore, UnitOfWorkFactory
from cargoscreen.domain.quarantine import Rejection

log = logging.getLogger(__name__)


@dataclass(slots=True)
class IngestReport:
    """What one ingest run did, file by file."""

    files: int = 0
    files_already_seen: int = 0
    manifests_new: int = 0
    manifests_duplicate: int = 0
    containers_new: int = 0
    events_new: int = 0
    rejected: int = 0
    errors: list[str] = field(default_factory=list)

    def merge(self, other: IngestReport) -> None:
        """Add another report's counts to this one."""
        for name in ("files", "files_already_seen", "manifests_new", "manifests_duplicate", "containers_new"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.events_new += other.events_new
        self.rejected += other.rejected
        self.errors.extend(other.errors)


def ingest_bytes(
    data: bytes,
    *,
    source_name: str,
    unit_of_work: UnitOfWorkFactory,
    blobs: BlobStore,
    max_bytes: int | None = None,
) -> IngestReport:
    """Parse one input of any supported format and store it; rejected records go to the quarantine."""
    from cargoscreen.ingest.detect import parse_any

    report = IngestReport(files=1)
    if max_bytes is not None and len(data) > max_bytes:
        raise InputTooLarge(source_name, len(data), max_bytes)
    sha256 = blobs.put(data)
    try:
        result = parse_any(data, source_name=source_name)
    except (ParseError, UnknownFormat) as exc:
        _quarantine_file(source_name, sha256, exc, unit_of_work)
        report.rejected += 1
        report.errors.append(str(exc))
        return report
    _store_result(result, sha256=sha256, size=len(data), unit_of_work=unit_of_work, report=report)
    return report


def _quarantine_file(source_name: str, sha256: str, exc: Exception, unit_of_work: UnitOfWorkFactory) -> None:
    locator = getattr(exc, "locator", "") or "file"
    rejection = Rejection(
        source_name=source_name,
        source_format="unknown" if isinstance(exc, UnknownFormat) else "unreadable",
        scope="file",
        locator=locator,
        reason=str(exc),
        raw=f"sha256:{sha256}",
    )
    with unit_of_work() as uow:
        uow.quarantine.add_many([rejection])
    log.warning("rejected file", extra={"source": source_name, "reason": str(exc)})


def _store_result(
    result: ParseResult, *, sha256: str, size: int, unit_of_work: UnitOfWorkFactory, report: IngestReport
) -> None:
    for manifest in result.manifests:
        with unit_of_work() as uow:
            if uow.manifests.add(manifest, raw_sha256=sha256, source_name=result.source_name):
                report.manifests_new += 1
                report.containers_new += len(manifest.equipment)
            else:
                report.manifests_duplicate += 1
    with unit_of_work() as uow:
        report.events_new += uow.events.add_many(result.events)
        report.rejected += uow.quarantine.add_many(result.rejections)
        if uow.sources.seen(sha256):
            report.files_already_seen += 1
        else:
            uow.sources.add(result.source_name, result.source_format, sha256, size)


def iter_input_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into the files below them (sorted), keep files as given; hidden files are skipped."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(p for p in sorted(path.rglob("*")) if p.is_file() and not p.name.startswith("."))
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(f"{path}: no such file or folder")
    return files


def ingest_paths(
    paths: Iterable[Path],
    *,
    unit_of_work: UnitOfWorkFactory,
    blobs: BlobStore,
    max_bytes: int | None = None,
    on_file: Callable[[Path], None] | None = None,
) -> IngestReport:
    """Ingest every file under the given paths; one file's failure does not stop the others."""
    total = IngestReport()
    for path in iter_input_files(paths):
        try:
            if max_bytes is not None and path.stat().st_size > max_bytes:
                raise InputTooLarge(str(path), path.stat().st_size, max_bytes)
            data = path.read_bytes()
            total.merge(
                ingest_bytes(
                    data, source_name=str(path), unit_of_work=unit_of_work, blobs=blobs, max_bytes=max_bytes
                )
            )
        except InputTooLarge as exc:
            total.errors.append(str(exc))
        if on_file is not None:
            on_file(path)
    return total
