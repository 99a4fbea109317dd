"""Input files of the scan readers, from disk or uploaded, and recognising their format by content.

A :class:`Source` reads lazily, so a folder of large scans is grouped from small heads first and each scan's
files are read only when that scan is assembled. Formats are recognised from the first bytes (``DICM`` at
offset 128, the TIFF and PNG signatures, a ZIP header for NPZ, ``{`` for a JSON sidecar); the file
extension is only a fallback so that a damaged file still reaches the reader that can say what is wrong.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from cargoscreen.ingest.images.result import ScanFileError

#: Bytes read to recognise a format and to find a DICOS file's series (its header precedes the pixels).
HEAD_BYTES = 1 << 20


class Kind(StrEnum):
    """The format a file was recognised as."""

    DICOS = "dicos"
    TIFF = "tiff"
    PNG = "png"
    NPZ = "npz"
    SIDECAR = "sidecar"
    UNKNOWN = "unknown"


_SUFFIXES = {
    ".dcm": Kind.DICOS,
    ".dcs": Kind.DICOS,
    ".dicos": Kind.DICOS,
    ".tif": Kind.TIFF,
    ".tiff": Kind.TIFF,
    ".png": Kind.PNG,
    ".npz": Kind.NPZ,
    ".json": Kind.SIDECAR,
}
_TIFF_MAGIC = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


@dataclass(frozen=True, slots=True)
class Source:
    """One input file: ``name`` is what messages show (the path as found, or the upload's name)."""

    name: str
    size: int
    path: Path | None = None
    data: bytes | None = None

    @property
    def basename(self) -> str:
        return self.path.name if self.path is not None else PurePosixPath(self.name).name

    @property
    def folder(self) -> str:
        """Where a sidecar looks for its channel files: the file's folder ('' for uploads)."""
        return str(self.path.parent) if self.path is not None else ""

    def read(self) -> bytes:
        return self.data if self.data is not None else self._path().read_bytes()

    def head(self, size: int = HEAD_BYTES) -> bytes:
        if self.data is not None:
            return self.data[:size]
        with self._path().open("rb") as handle:
            return handle.read(size)

    def stream(self) -> BinaryIO:
        """A binary stream of the whole file (the caller closes it)."""
        return io.BytesIO(self.data) if self.data is not None else self._path().open("rb")

    def _path(self) -> Path:
        assert self.path is not None  # a Source holds either data or a path
        return self.path


def from_uploads(files: Iterable[tuple[str, bytes]]) -> list[Source]:
    """Sources for uploaded files (name, content)."""
    return [Source(name=name, size=len(data), data=data) for name, data in files]


def from_paths(paths: Sequence[Path]) -> tuple[list[Source], list[ScanFileError]]:
    """Every file named or found (recursively) under the folders named, each once, in path order.

    Hidden files and folders (name starting with ``.``) inside a folder are skipped; a path that does not
    exist is an error.
    """
    found: dict[Path, Source] = {}
    errors: list[ScanFileError] = []
    for given in paths:
        if given.is_dir():
            files = [f for f in given.rglob("*") if f.is_file() and not _hidden(f.relative_to(given))]
        elif given.is_file():
            files = [given]
        else:
            errors.append(ScanFileError(source=str(given), reason="no such file or folder"))
            continue
        for file in files:
            found.setdefault(file.resolve(), Source(name=str(file), size=file.stat().st_size, path=file))
    return sorted(found.values(), key=lambda source: source.name), errors


def detect(source: Source) -> Kind:
    """The format of a file from its first bytes, else from its extension, else UNKNOWN."""
    head = source.head(1024)
    if head[128:132] == b"DICM":
        return Kind.DICOS
    if head[:4] in _TIFF_MAGIC:
        return Kind.TIFF
    if head.startswith(_PNG_MAGIC):
        return Kind.PNG
    if head[:4] in _ZIP_MAGIC:
        return Kind.NPZ
    if head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"{":
        return Kind.SIDECAR
    return _SUFFIXES.get(PurePosixPath(source.basename).suffix.lower(), Kind.UNKNOWN)


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)
