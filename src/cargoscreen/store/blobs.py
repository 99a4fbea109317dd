"""Content-addressed blob store over fsspec: raw messages, scans and images by SHA-256.

Blobs live at ``<root>/ab/cd/abcd…`` (the first two byte pairs of the hex digest shard the folders). A blob
is written under a temporary name in ``<root>/.tmp/`` and then moved to its address, so a reader never sees
a half-written blob; writing the same content twice is a no-op. Reads verify the hash.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from collections.abc import Callable
from typing import IO, Any

import fsspec

from cargoscreen.domain.errors import CargoscreenError, NotFound

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1 << 20


class BlobError(CargoscreenError):
    """A blob that cannot be stored or read back as it was written."""


class BlobNotFound(BlobError, NotFound):
    """No blob is stored under the hash."""


class BlobCorrupted(BlobError):
    """The bytes stored under a hash do not hash to it."""


class BlobStore:
    """Blobs by SHA-256 under an fsspec URL (a local folder, ``memory://…``, ``s3://bucket/prefix``, …)."""

    def __init__(self, url: str, **storage_options: Any) -> None:
        self.url = url
        fs, root = fsspec.core.url_to_fs(url, **storage_options)
        self._fs: Any = fs
        self._root: str = str(root).rstrip("/")

    def path(self, sha256: str) -> str:
        """Where the blob with this hash lives in the filesystem."""
        digest = _checked(sha256)
        return f"{self._root}/{digest[:2]}/{digest[2:4]}/{digest}"

    def exists(self, sha256: str) -> bool:
        """Whether a blob with this hash is stored."""
        return bool(self._fs.exists(self.path(sha256)))

    def put(self, data: bytes) -> str:
        """Store bytes; return their SHA-256 hex digest."""
        digest = hashlib.sha256(data).hexdigest()
        if not self.exists(digest):
            self._write(digest, lambda out: out.write(data))
        return digest

    def put_file(self, path: str | os.PathLike[str]) -> str:
        """Store a local file, streamed in 1 MiB chunks; return its SHA-256 hex digest."""
        with open(path, "rb") as source:
            return self.put_stream(source)

    def put_stream(self, source: IO[bytes]) -> str:
        """Store everything read from a binary stream; return its SHA-256 hex digest."""
        tmp = self._temp_path()
        try:
            digest = _copy_hashing(source, self._fs, tmp)
            if self.exists(digest):
                return digest
            self._move_into_place(tmp, digest)
            return digest
        finally:
            self._discard(tmp)

    def get(self, sha256: str) -> bytes:
        """The blob's bytes, after checking they hash to ``sha256``."""
        path = self.path(sha256)
        try:
            with self._fs.open(path, "rb") as blob:
                data: bytes = blob.read()
        except FileNotFoundError:
            raise BlobNotFound(f"no blob {sha256} in {self.url}") from None
        actual = hashlib.sha256(data).hexdigest()
        if actual != sha256:
            raise BlobCorrupted(f"blob {sha256} in {self.url} is corrupted: its bytes hash to {actual}")
        return data

    def _write(self, digest: str, write: Callable[[IO[bytes]], object]) -> None:
        tmp = self._temp_path()
        try:
            with self._fs.open(tmp, "wb") as out:
                write(out)
            self._move_into_place(tmp, digest)
        finally:
            self._discard(tmp)

    def _temp_path(self) -> str:
        folder = f"{self._root}/.tmp"
        self._fs.makedirs(folder, exist_ok=True)
        return f"{folder}/{uuid.uuid4().hex}"

    def _move_into_place(self, tmp: str, digest: str) -> None:
        target = self.path(digest)
        self._fs.makedirs(target.rsplit("/", 1)[0], exist_ok=True)
        self._fs.mv(tmp, target)

    def _discard(self, tmp: str) -> None:
        if self._fs.exists(tmp):
            self._fs.rm(tmp)


def _checked(sha256: str) -> str:
    if not _SHA256.match(sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return sha256


def _copy_hashing(source: IO[bytes], fs: Any, tmp: str) -> str:
    digest = hashlib.sha256()
    with fs.open(tmp, "wb") as out:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()
