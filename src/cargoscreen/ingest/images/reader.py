"""Read scans from files, folders or uploads in any supported format, grouping channels into scans.

Grouping: DICOS files by SeriesInstanceUID, TIFF/PNG channel files by the JSON sidecar that names them,
one NPZ file = one scan. One bad file never stops the others, and a scan with any bad file is rejected
whole: every file of it gets an error naming the fault (or the sibling at fault). Files over ``max_bytes``
are refused unread (``InputTooLarge``); a DICOS series with a refused file is rejected as well.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from cargoscreen.domain.errors import InputTooLarge
from cargoscreen.domain.scans import Scan, ScanError
from cargoscreen.ingest.images.dicos import assemble_dicos, peek_series, read_dicos_channel
from cargoscreen.ingest.images.npz import read_npz
from cargoscreen.ingest.images.result import ChannelSource, ScanFileError, ScanReadResult
from cargoscreen.ingest.images.sidecar import Sidecar, assemble_sidecar, read_sidecar
from cargoscreen.ingest.images.sources import Kind, Source, detect, from_paths, from_uploads

log = logging.getLogger(__name__)
Built = tuple[Scan, tuple[ChannelSource, ...]]


class _BadFiles(Exception):
    """Several files of one group failed on their own (each error's ``where`` is its file)."""

    def __init__(self, errors: Sequence[ScanError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(str(error) for error in errors))


@dataclass(slots=True)
class _Group:
    """The files of one would-be scan and how to build it."""

    scan_id: str
    source_format: str
    files: list[str]
    build: Callable[[], Built]


@dataclass(slots=True)
class _Plan:
    max_bytes: int | None
    errors: list[ScanFileError] = field(default_factory=list)
    series: dict[str, list[Source]] = field(default_factory=lambda: defaultdict(list))
    refused: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    npz: list[Source] = field(default_factory=list)
    sidecars: list[Source] = field(default_factory=list)
    rasters: dict[tuple[str, str], Source] = field(default_factory=dict)
    refused_rasters: set[tuple[str, str]] = field(default_factory=set)
    given: set[Path] = field(default_factory=set)


def read_scans(paths: Sequence[Path], *, max_bytes: int | None = None) -> ScanReadResult:
    """Every scan in the files and folders (recursive) given, and an error for each file that gave none."""
    sources, errors = from_paths(paths)
    result = _read(sources, max_bytes)
    result.errors[:0] = errors
    return result


def read_scan_uploads(files: Sequence[tuple[str, bytes]], *, max_bytes: int | None = None) -> ScanReadResult:
    """Scans from uploaded (name, content) pairs; any upload over ``max_bytes`` raises InputTooLarge first."""
    for name, data in files:
        if max_bytes is not None and len(data) > max_bytes:
            raise InputTooLarge(name, len(data), max_bytes)
    return _read(from_uploads(files), None)


def read_scan_bytes(name: str, data: bytes, *, max_bytes: int | None = None) -> Scan:
    """One scan from one uploaded file (a single-channel DICOS file or an NPZ); ScanError if none."""
    result = read_scan_uploads([(name, data)], max_bytes=max_bytes)
    if result.errors:
        raise ScanError(result.errors[0].reason, where=name)
    return result.scans[0]


def _read(sources: Sequence[Source], max_bytes: int | None) -> ScanReadResult:
    plan = _Plan(max_bytes=max_bytes)
    for source in sources:
        _admit(plan, source)
    groups = [*_dicos_groups(plan), *_npz_groups(plan), *_sidecar_groups(plan)]
    result = ScanReadResult(errors=plan.errors)
    for group in sorted(groups, key=lambda g: g.files[0]):
        _run(group, result)
    return result


def _admit(plan: _Plan, source: Source) -> None:
    """Recognise one file and file it under its group (or record why it cannot be read)."""
    kind = detect(source)
    if source.path is not None:
        plan.given.add(source.path.resolve())
    if _too_large(plan, source, kind):
        return
    if kind is Kind.DICOS:
        try:
            plan.series[peek_series(source)].append(source)
        except ScanError as exc:
            plan.errors.append(_error(source.name, exc, kind.value))
    elif kind is Kind.NPZ:
        plan.npz.append(source)
    elif kind is Kind.SIDECAR:
        plan.sidecars.append(source)
    elif kind in (Kind.TIFF, Kind.PNG):
        plan.rasters[(source.folder, source.basename)] = source
    else:
        reason = "not a scan file (DICOS, 16-bit TIFF or PNG with a JSON sidecar, or NPZ)"
        plan.errors.append(ScanFileError(source=source.name, reason=reason, source_format=kind.value))


def _too_large(plan: _Plan, source: Source, kind: Kind) -> bool:
    if plan.max_bytes is None or source.size <= plan.max_bytes:
        return False
    series = ""
    if kind in (Kind.TIFF, Kind.PNG):
        plan.refused_rasters.add((source.folder, source.basename))
    if kind is Kind.DICOS:
        try:  # the header is small: find the series so that its other channels are not read half
            series = peek_series(source)
            plan.refused[series].append(source.name)
        except ScanError:
            pass
    error = InputTooLarge(source.name, source.size, plan.max_bytes)
    reason = str(error).removeprefix(f"{source.name}: ")
    plan.errors.append(ScanFileError(source.name, reason, kind.value, series, too_large=True))
    return True


def _dicos_groups(plan: _Plan) -> list[_Group]:
    groups = []
    for series, sources in plan.series.items():
        files = [source.name for source in sources]
        refused = plan.refused.get(series, [])
        groups.append(_Group(series, "dicos", files, _dicos_builder(series, sources, refused)))
    return groups


def _dicos_builder(series: str, sources: list[Source], refused: list[str]) -> Callable[[], Built]:
    def build() -> Built:
        if refused:
            raise ScanError(f"series {series} has a file refused for its size ({', '.join(refused)})")
        channels, failures = [], []
        for source in sources:
            try:
                channels.append(read_dicos_channel(source))
            except ScanError as exc:
                failures.append(exc)
        if failures:
            raise _BadFiles(failures)
        scan = assemble_dicos(channels, where=f"series {series}")
        return scan, tuple(ChannelSource(c.file, c.energy_kv, c.instance_uid) for c in channels)

    return build


def _npz_groups(plan: _Plan) -> list[_Group]:
    def builder(source: Source) -> Callable[[], Built]:
        def build() -> Built:
            scan = read_npz(source)
            return scan, tuple(ChannelSource(source.name, kv) for kv in scan.meta.energies_kv)

        return build

    return [
        _Group(PurePosixPath(source.basename).stem, "npz", [source.name], builder(source))
        for source in plan.npz
    ]


def _sidecar_groups(plan: _Plan) -> list[_Group]:
    sidecars = []
    for source in plan.sidecars:
        try:
            sidecars.append(read_sidecar(source))
        except ScanError as exc:
            plan.errors.append(_error(source.name, exc, Kind.SIDECAR.value))
    claimed = {(sidecar.source.folder, name) for sidecar in sidecars for _, name in sidecar.channels}
    loose = [raster for key, raster in plan.rasters.items() if key not in claimed]
    for sidecar in _sidecars_on_disk(loose, set(plan.given)):
        sidecars.append(sidecar)
        claimed.update((sidecar.source.folder, name) for _, name in sidecar.channels)
    for key, raster in plan.rasters.items():
        if key not in claimed:
            reason = "missing sidecar: no JSON sidecar (cargoscreen.scan/1) names this channel file"
            plan.errors.append(ScanFileError(raster.name, reason, detect(raster).value))
    return [_sidecar_group(plan, sidecar) for sidecar in sidecars]


def _sidecars_on_disk(loose: Sequence[Source], known: set[Path]) -> list[Sidecar]:
    """Sidecars not given but lying beside given channel files, that name one of them."""
    wanted = {(raster.folder, raster.basename) for raster in loose if raster.path is not None}
    found = []
    for folder in sorted({raster.path.parent for raster in loose if raster.path is not None}):
        for candidate in sorted(folder.glob("*.json")):
            if candidate.resolve() in known or not candidate.is_file():
                continue
            try:
                sidecar = read_sidecar(Source(str(candidate), candidate.stat().st_size, candidate))
            except ScanError:
                continue  # not given, and not a sidecar: not ours to report
            if any((sidecar.source.folder, name) in wanted for _, name in sidecar.channels):
                known.add(candidate.resolve())
                found.append(sidecar)
    return found


def _sidecar_group(plan: _Plan, sidecar: Sidecar) -> _Group:
    files: dict[str, Source] = {}
    refused: list[str] = []
    for _, name in sidecar.channels:
        key = (sidecar.source.folder, name)
        source = plan.rasters.get(key) or _beside(sidecar.source, name)
        if key in plan.refused_rasters or (source is not None and _too_large(plan, source, detect(source))):
            refused.append(name)
        elif source is not None:
            files[name] = source

    def build() -> Built:
        if refused:
            raise ScanError(
                f"channel file refused for its size: {', '.join(refused)}", where=sidecar.source.name
            )
        scan = assemble_sidecar(sidecar, files)
        return scan, tuple(ChannelSource(files[name].name, kv) for kv, name in sidecar.channels)

    names = [sidecar.source.name, *(source.name for source in files.values())]
    return _Group(sidecar.scan_id, "sidecar", names, build)


def _beside(sidecar: Source, name: str) -> Source | None:
    """A channel file on disk in the sidecar's folder (when the sidecar came from disk)."""
    if sidecar.path is None:
        return None
    path = sidecar.path.parent / name
    return Source(str(path), path.stat().st_size, path) if path.is_file() else None


def _run(group: _Group, result: ScanReadResult) -> None:
    """Build one group's scan, or record an error for every file of it."""
    try:
        scan, channels = group.build()
    except _BadFiles as exc:
        result.errors.extend(_group_errors(group, exc.errors))
        return
    except ScanError as exc:
        result.errors.extend(_group_errors(group, [exc]))
        return
    scan_id = scan.meta.scan_id
    if scan_id in result.sources:
        reason = f"duplicate scan id {scan_id} (already read from {result.sources[scan_id][0].file})"
        result.errors.extend(ScanFileError(f, reason, group.source_format, scan_id) for f in group.files)
        return
    result.scans.append(scan)
    result.sources[scan_id] = channels
    log.info("scan read", extra={"scan_id": scan_id, "files": group.files, "format": scan.meta.source_format})


def _group_errors(group: _Group, errors: Sequence[ScanError]) -> list[ScanFileError]:
    """Each failing file gets its own reason; the group's other files name the files at fault."""
    reasons: dict[str, str] = {}
    for error in errors:
        file = _file_of(error, group.files)
        for target in [file] if file is not None else group.files:
            reasons.setdefault(target, _reason(error, file))
    culprits = ", ".join(f for f in group.files if f in reasons)
    sibling = f"not read: another file of this scan is bad ({culprits})"
    return [
        ScanFileError(f, reasons.get(f, sibling), group.source_format, group.scan_id) for f in group.files
    ]


def _file_of(error: ScanError, files: Sequence[str]) -> str | None:
    """The group file an error's ``where`` names (it may add a detail: ``file, array kv6000``)."""
    matches = [f for f in files if error.where == f or error.where.startswith((f + ",", f + " ("))]
    return max(matches, key=len) if matches else None


def _reason(error: ScanError, file: str | None) -> str:
    text = str(error)
    return text[len(file) :].lstrip(" ,:") if file is not None and text.startswith(file) else text


def _error(source: str, error: ScanError, source_format: str) -> ScanFileError:
    return ScanFileError(source, _reason(error, source), source_format)
