"""Ingest stage: read files of any supported format, keep the raw bytes, store records, quarantine the rest.

Persistence comes in through the ports of :mod:`cargoscreen.domain.ports`; the caller (CLI, API, worker) owns
the database and passes a unit-of-work factory. Each manifest message is stored in a transaction of its own,
so a message is either stored whole or not at all. Parsing is pure and may run in worker processes while the
calling process stores what is already parsed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from cargoscreen.domain.batch import ParseResult
from cargoscreen.domain.errors import InputTooLarge, ParseError, UnknownFormat
from cargoscreen.domain.ports import BlobStore, UnitOfWorkFactory
from cargoscreen.domain.quarantine import Rejection

log = logging.getLogger(__name__)


@dataclass(slots=True)
class IngestReport:
    """What one ingest run did."""

    files: int = 0
    files_already_seen: int = 0
    manifests_new: int = 0
    manifests_duplicate: int = 0
    containers_new: int = 0
    events_new: int = 0
    rejected: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ParsedInput:
    """One input after the parse stage: its records, or why it could not be read at all."""

    source_name: str
    data: bytes
    result: ParseResult | None = None
    error: ParseError | UnknownFormat | None = None


def parse_input(data: bytes, source_name: str) -> ParsedInput:
    """Detect the format and parse; a file that cannot be read is returned with its error, not raised."""
    from cargoscreen.ingest.detect import parse_any

    try:
        return ParsedInput(source_name, data, result=parse_any(data, source_name=source_name))
    except (ParseError, UnknownFormat) as exc:
        return ParsedInput(source_name, data, error=exc)


def store_parsed(
    parsed: ParsedInput, *, unit_of_work: UnitOfWorkFactory, blobs: BlobStore, report: IngestReport
) -> None:
    """Keep the raw bytes (content-addressed), then store the records; each message in its own transaction."""
    report.files += 1
    sha256 = blobs.put(parsed.data)
    if parsed.result is None:
        assert parsed.error is not None
        _quarantine_file(parsed.source_name, sha256, parsed.error, unit_of_work)
        report.rejected += 1
        report.errors.append(str(parsed.error))
        return
    result = parsed.result
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
            uow.sources.add(result.source_name, result.source_format, sha256, len(parsed.data))


def ingest_bytes(
    data: bytes,
    *,
    source_name: str,
    unit_of_work: UnitOfWorkFactory,
    blobs: BlobStore,
    max_bytes: int | None = None,
) -> IngestReport:
    """Parse one input of any supported format and store it; rejected records go to the quarantine."""
    if max_bytes is not None and len(data) > max_bytes:
        raise InputTooLarge(source_name, len(data), max_bytes)
    report = IngestReport()
    store_parsed(parse_input(data, source_name), unit_of_work=unit_of_work, blobs=blobs, report=report)
    return report


def _quarantine_file(source_name: str, sha256: str, exc: Exception, unit_of_work: UnitOfWorkFactory) -> None:
    rejection = Rejection(
        source_name=source_name,
        source_format="unknown" if isinstance(exc, UnknownFormat) else "unreadable",
        scope="file",
        locator=getattr(exc, "locator", "") or "file",
        reason=str(exc),
        raw=f"sha256:{sha256}",
    )
    with unit_of_work() as uow:
        uow.quarantine.add_many([rejection])
    log.warning("rejected file %s: %s", source_name, exc)


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


def _read_and_parse(path: Path, max_bytes: int | None) -> ParsedInput | InputTooLarge:
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        return InputTooLarge(str(path), size, max_bytes)
    return parse_input(path.read_bytes(), str(path))


def _parsed_files(
    files: list[Path], max_bytes: int | None, workers: int
) -> Iterator[ParsedInput | InputTooLarge]:
    if workers <= 1 or len(files) < 2:
        yield from (_read_and_parse(path, max_bytes) for path in files)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_read_and_parse, files, [max_bytes] * len(files))


def ingest_paths(
    paths: Iterable[Path],
    *,
    unit_of_work: UnitOfWorkFactory,
    blobs: BlobStore,
    max_bytes: int | None = None,
    workers: int = 1,
    on_file: Callable[[Path], None] | None = None,
) -> IngestReport:
    """Ingest every file under the given paths; one file's failure does not stop the others.

    With ``workers > 1`` files are parsed in that many processes while this one stores them, in file order.
    """
    files = iter_input_files(paths)
    report = IngestReport()
    for path, parsed in zip(files, _parsed_files(files, max_bytes, workers), strict=True):
        if isinstance(parsed, InputTooLarge):
            report.errors.append(str(parsed))
        else:
            store_parsed(parsed, unit_of_work=unit_of_work, blobs=blobs, report=report)
        if on_file is not None:
            on_file(path)
    return report
