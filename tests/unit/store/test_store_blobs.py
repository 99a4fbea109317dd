"""The content-addressed blob store: round trip, sharding, idempotency, verification, partial writes."""

from __future__ import annotations

import hashlib
import io
import uuid
from pathlib import Path

import pytest

from cargoscreen.domain.errors import NotFound
from cargoscreen.store import BlobCorrupted, BlobNotFound, BlobStore


@pytest.fixture(params=["local", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    if request.param == "local":
        return BlobStore(str(tmp_path / "blobs"))
    return BlobStore(f"memory://blobs-{uuid.uuid4().hex}")


class FailingStream(io.RawIOBase):
    """A stream that delivers some bytes and then fails, as a dropped upload would."""

    def __init__(self, good: bytes) -> None:
        self._good = io.BytesIO(good)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self._good.read(size)
        if not chunk:
            raise OSError("connection reset while reading the upload")
        return chunk


def _files(store: BlobStore) -> list[str]:
    root = store.path("0" * 64).rsplit("/", 3)[0]
    return [path for path in store._fs.find(root) if not path.endswith("/")]


def test_put_get_round_trip_with_sharded_address(store: BlobStore) -> None:
    data = b"UNB+UNOC:3+SYNTHLINE+BECUSTOMS'  (synthetic)"
    digest = store.put(data)
    assert digest == hashlib.sha256(data).hexdigest()
    assert store.exists(digest)
    assert store.get(digest) == data
    assert store.path(digest).endswith(f"/{digest[:2]}/{digest[2:4]}/{digest}")


def test_put_is_idempotent(store: BlobStore) -> None:
    first = store.put(b"same bytes")
    second = store.put(b"same bytes")
    assert first == second
    assert _files(store) == [store.path(first)]


def test_missing_blob_is_a_clear_not_found(store: BlobStore) -> None:
    missing = hashlib.sha256(b"never stored").hexdigest()
    assert not store.exists(missing)
    with pytest.raises(BlobNotFound, match=missing) as caught:
        store.get(missing)
    assert isinstance(caught.value, NotFound)


def test_corruption_is_detected_on_read(store: BlobStore) -> None:
    digest = store.put(b"original scan bytes")
    with store._fs.open(store.path(digest), "wb") as blob:
        blob.write(b"tampered scan bytes")
    with pytest.raises(BlobCorrupted, match=f"blob {digest} .* corrupted"):
        store.get(digest)


def test_malformed_hashes_are_refused(store: BlobStore) -> None:
    with pytest.raises(ValueError, match="not a SHA-256"):
        store.get("../../etc/passwd")


def test_put_file_streams_large_files(store: BlobStore, tmp_path: Path) -> None:
    payload = bytes(range(256)) * (3 * 4096 + 7)  # about 3 MiB: several chunks
    source = tmp_path / "scan.npz"
    source.write_bytes(payload)
    digest = store.put_file(source)
    assert digest == hashlib.sha256(payload).hexdigest()
    assert store.get(digest) == payload
    assert store.put_file(source) == digest
    assert _files(store) == [store.path(digest)]


def test_a_failed_write_leaves_no_blob_and_no_temporary_file(store: BlobStore) -> None:
    good = b"x" * 5000
    with pytest.raises(OSError, match="connection reset"):
        store.put_stream(FailingStream(good))  # type: ignore[arg-type]
    assert not store.exists(hashlib.sha256(good).hexdigest())
    assert _files(store) == []
