"""Partner-port exchange: resumable, checksum-verified uploads and idempotent submissions of scans.

Staged bytes live under ``<data_dir>/uploads/<PORT>/``: ``<upload_id>.part`` while chunks arrive, then
``verified/<sha256>/<filename>`` once the bytes hash to what the partner announced. A submission copies
its verified files into one folder (a TIFF beside its JSON sidecar) and hands them to the scan ingest.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cargoscreen.api.problems import Problem
from cargoscreen.api.security import Principal
from cargoscreen.api.services import Services
from cargoscreen.pipeline.scans import ScanIngestReport
from cargoscreen.store.repositories.exchange import PartnerSubmission, PartnerUpload, UploadStatus

if TYPE_CHECKING:
    from cargoscreen.pipeline.scans import ScanIngestReport

SCAN_SUFFIXES = (".dcm", ".dcs", ".tif", ".tiff", ".json", ".npz")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def checked_sha256(value: str) -> str:
    digest = value.strip().lower()
    if not _SHA256.match(digest):
        raise Problem(422, f"sha256 {value!r} is not a SHA-256 hex digest (64 hex characters)")
    return digest


def checked_filename(value: str) -> str:
    name = Path(value.replace("\\", "/")).name
    if not _NAME.match(name) or not name.lower().endswith(SCAN_SUFFIXES):
        raise Problem(
            422, f"filename {value!r}: letters, digits, '.', '_', '-' and one of {', '.join(SCAN_SUFFIXES)}"
        )
    return name


class Exchange:
    """The exchange of one partner port (the principal's)."""

    def __init__(self, services: Services, principal: Principal) -> None:
        if principal.partner_port is None:
            raise Problem(403, "only partner-port tokens exchange scans")
        self.services = services
        self.principal = principal
        self.port = principal.partner_port
        self.folder = services.staging / self.port

    def start(self, filename: str, size_bytes: int, sha256: str) -> tuple[PartnerUpload, bool]:
        """The upload of this content: the existing one (to resume or reuse) or a new one (True)."""
        name, digest = checked_filename(filename), checked_sha256(sha256)
        limit = self.services.settings.max_upload_mb << 20
        if size_bytes > limit:
            raise Problem(413, f"{name}: {size_bytes:,} bytes is above the limit of {limit:,}")
        with self.services.unit_of_work() as uow:
            found = uow.exchange.upload_by_checksum(self.port, digest)
            if found is not None:
                return found, False
            upload = uow.exchange.create_upload(
                self.port, filename=name, sha256=digest, size_bytes=size_bytes
            )
        return upload, True

    def get(self, upload_id: str) -> PartnerUpload:
        with self.services.unit_of_work() as uow:
            found = uow.exchange.upload(self.port, upload_id)
        if found is None:
            raise Problem(404, f"no upload {upload_id!r} of {self.port}")
        return found

    def put_chunk(self, upload_id: str, offset: int, chunk: bytes) -> PartnerUpload:
        """Append a chunk at ``offset`` (which must be where the staged bytes end: 409 otherwise)."""
        with _lock(upload_id):
            upload = self.get(upload_id)
            if upload.status is UploadStatus.VERIFIED:
                raise Problem(409, f"upload {upload_id} is complete", received=upload.received)
            if offset != upload.received:
                raise Problem(
                    409, f"chunk at offset {offset}, expected {upload.received}", received=upload.received
                )
            if offset + len(chunk) > upload.size_bytes:
                raise Problem(422, f"chunk ends at {offset + len(chunk)}, past the size {upload.size_bytes}")
            part = self._part(upload_id)
            part.parent.mkdir(parents=True, exist_ok=True)
            with part.open("r+b" if part.exists() else "wb") as out:
                out.truncate(offset)
                out.seek(offset)
                out.write(chunk)
            with self.services.unit_of_work() as uow:
                uow.exchange.set_received(self.port, upload_id, offset + len(chunk))
            return self.get(upload_id)

    def complete(self, upload_id: str) -> PartnerUpload:
        """Verify the staged bytes against the announced SHA-256; a mismatch discards them (422)."""
        with _lock(upload_id):
            upload = self.get(upload_id)
            if upload.status is UploadStatus.VERIFIED:
                return upload
            if upload.received != upload.size_bytes:
                raise Problem(
                    409, f"{upload.received} of {upload.size_bytes} bytes received", received=upload.received
                )
            part = self._part(upload_id)
            actual = _file_sha256(part)
            if actual != upload.sha256:
                part.unlink(missing_ok=True)
                with self.services.unit_of_work() as uow:
                    uow.exchange.set_received(self.port, upload_id, 0)
                raise Problem(
                    422,
                    f"checksum mismatch: announced {upload.sha256}, the bytes hash to {actual}; upload again",
                )
            target = self._verified(upload)
            target.parent.mkdir(parents=True, exist_ok=True)
            part.replace(target)
            with self.services.unit_of_work() as uow:
                uow.exchange.mark_verified(self.port, upload_id)
            return self.get(upload_id)

    def store_whole(self, filename: str, data: bytes, sha256: str) -> PartnerUpload:
        """A file sent in one request: verified and staged like a completed upload."""
        digest = checked_sha256(sha256)
        actual = hashlib.sha256(data).hexdigest()
        if actual != digest:
            raise Problem(
                422, f"{filename}: checksum mismatch: announced {digest}, the bytes hash to {actual}"
            )
        upload, _ = self.start(filename, len(data), digest)
        if upload.status is UploadStatus.VERIFIED:
            return upload
        self.put_chunk(upload.upload_id, upload.received, data[upload.received :])
        return self.complete(upload.upload_id)

    def submit(self, upload_ids: Sequence[str]) -> tuple[PartnerSubmission, bool]:
        """Ingest verified uploads together; the same set of checksums gives back the first result."""
        uploads = [self.get(upload_id) for upload_id in dict.fromkeys(upload_ids)]
        pending = [u.upload_id for u in uploads if u.status is not UploadStatus.VERIFIED]
        if not uploads or pending:
            raise Problem(
                409, f"uploads not complete: {', '.join(pending)}" if pending else "no uploads named"
            )
        key = hashlib.sha256(",".join(sorted(u.sha256 for u in uploads)).encode()).hexdigest()
        with self.services.unit_of_work() as uow:
            found = uow.exchange.submission(self.port, key)
        if found is not None:
            return found, False
        result = self._ingest(uploads)
        files = [{"filename": u.filename, "sha256": u.sha256, "size_bytes": u.size_bytes} for u in uploads]
        with self.services.unit_of_work() as uow:
            submission = uow.exchange.add_submission(
                self.port, checksum_key=key, files=files, result=result, submitted_by=self.principal.actor
            )
        return submission, True

    def submissions(self, before_id: int | None, limit: int) -> list[PartnerSubmission]:
        with self.services.unit_of_work() as uow:
            return uow.exchange.submissions(self.port, before_id=before_id, limit=limit)

    def _ingest(self, uploads: Sequence[PartnerUpload]) -> dict[str, Any]:
        try:
            from cargoscreen.pipeline.scans import ingest_scans
        except ImportError:
            raise Problem(
                503, "scan ingest is not available in this build (cargoscreen.pipeline.scans)"
            ) from None
        from cargoscreen.pipeline.scans import ingest_scans  # imaging runtime: loaded when first needed

        names = [u.filename for u in uploads]
        if len(set(names)) != len(names):
            raise Problem(422, f"two uploads share a filename: {sorted(names)}")
        with tempfile.TemporaryDirectory(prefix="partner-") as folder:
            for upload in uploads:
                shutil.copyfile(self._verified(upload), Path(folder) / upload.filename)
            report = ingest_scans(
                [Path(folder)],
                unit_of_work=self.services.database.unit_of_work,
                blobs=self.services.blobs,
                submitted_by=self.principal.submitter,
                origin_partner=self.port,
                max_bytes=self.services.settings.max_upload_mb << 20,
            )
        return report_json(report)

    def _part(self, upload_id: str) -> Path:
        return self.folder / f"{upload_id}.part"

    def _verified(self, upload: PartnerUpload) -> Path:
        return self.folder / "verified" / upload.sha256 / upload.filename


def report_json(report: ScanIngestReport) -> dict[str, Any]:
    """The ingest report as JSON: scan ids stored, already stored, flagged; files refused and why."""
    return {
        "stored": list(report.stored),
        "duplicates": list(report.duplicates),
        "flagged": list(report.flagged),
        "errors": [
            {"file": Path(e.source).name, "reason": e.reason, "scan_id": e.scan_id} for e in report.errors
        ],
    }


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _lock(upload_id: str) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(upload_id, threading.Lock())
