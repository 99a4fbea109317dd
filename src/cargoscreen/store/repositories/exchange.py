"""Partner-port exchange: chunked uploads (staged on disk by the caller) and ingested submissions.

Every read is scoped to one partner port: a partner can neither see nor touch another partner's uploads
or submissions. An upload is unique per (partner, SHA-256), a submission per (partner, checksum set), so a
repeated request finds what the first one made.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, select, update

from cargoscreen.store.repositories._sql import AnyRow, insert_returning_ids
from cargoscreen.store.tables import PartnerSubmissionRow, PartnerUploadRow

_U, _S = PartnerUploadRow, PartnerSubmissionRow


class UploadStatus(StrEnum):
    """Receiving chunks; complete and hash-verified; or consumed by a submission."""

    RECEIVING = "RECEIVING"
    VERIFIED = "VERIFIED"


@dataclass(frozen=True, slots=True)
class PartnerUpload:
    """A file being (or having been) uploaded by a partner port."""

    upload_id: str
    partner_port: str
    filename: str
    sha256: str
    size_bytes: int
    received: int
    status: UploadStatus
    created_at: datetime
    completed_at: datetime | None


@dataclass(frozen=True, slots=True)
class PartnerSubmission:
    """Files ingested together and what the ingest said."""

    id: int
    partner_port: str
    checksum_key: str
    files: tuple[Mapping[str, Any], ...]
    result: Mapping[str, Any]
    submitted_by: str
    submitted_at: datetime


class ExchangeRepository:
    """Uploads and submissions of one unit of work, always scoped to one partner port."""

    def __init__(self, connection: Connection, clock: Callable[[], datetime]) -> None:
        self._conn = connection
        self._clock = clock

    def upload_by_checksum(self, partner_port: str, sha256: str) -> PartnerUpload | None:
        """The partner's upload of this content, or None."""
        return self._one(_U.partner_port == partner_port, _U.sha256 == sha256)

    def upload(self, partner_port: str, upload_id: str) -> PartnerUpload | None:
        """The partner's upload with this id, or None (another partner's id is None too)."""
        return self._one(_U.partner_port == partner_port, _U.upload_id == upload_id)

    def create_upload(
        self, partner_port: str, *, filename: str, sha256: str, size_bytes: int
    ) -> PartnerUpload:
        """Start an upload session (the caller checked there is none for this checksum)."""
        upload_id = uuid.uuid4().hex
        row = {
            "upload_id": upload_id,
            "partner_port": partner_port,
            "filename": filename[:200],
            "sha256": sha256,
            "size_bytes": size_bytes,
            "received": 0,
            "status": str(UploadStatus.RECEIVING),
            "created_at": self._clock(),
            "completed_at": None,
        }
        insert_returning_ids(self._conn, _U, [row])
        found = self.upload(partner_port, upload_id)
        assert found is not None
        return found

    def set_received(self, partner_port: str, upload_id: str, received: int) -> None:
        """Record how many bytes are staged."""
        self._conn.execute(
            update(_U)
            .where(_U.partner_port == partner_port, _U.upload_id == upload_id)
            .values(received=received)
        )

    def mark_verified(self, partner_port: str, upload_id: str) -> None:
        """The staged bytes hash to the announced SHA-256."""
        self._conn.execute(
            update(_U)
            .where(_U.partner_port == partner_port, _U.upload_id == upload_id)
            .values(status=str(UploadStatus.VERIFIED), completed_at=self._clock())
        )

    def submission(self, partner_port: str, checksum_key: str) -> PartnerSubmission | None:
        """The partner's submission of this checksum set, or None."""
        stmt = select(_S).where(_S.partner_port == partner_port, _S.checksum_key == checksum_key)
        row = self._conn.execute(stmt).first()
        return None if row is None else _submission(row)

    def add_submission(
        self,
        partner_port: str,
        *,
        checksum_key: str,
        files: Sequence[Mapping[str, Any]],
        result: Mapping[str, Any],
        submitted_by: str,
    ) -> PartnerSubmission:
        """Record what one submission ingested."""
        row = {
            "partner_port": partner_port,
            "checksum_key": checksum_key,
            "files": [dict(f) for f in files],
            "result": dict(result),
            "submitted_by": submitted_by,
            "submitted_at": self._clock(),
        }
        insert_returning_ids(self._conn, _S, [row])
        found = self.submission(partner_port, checksum_key)
        assert found is not None
        return found

    def submissions(
        self, partner_port: str, *, before_id: int | None = None, limit: int = 100
    ) -> builtins.list[PartnerSubmission]:
        """The partner's submissions, newest first, older than the cursor ``before_id``."""
        stmt = select(_S).where(_S.partner_port == partner_port)
        if before_id is not None:
            stmt = stmt.where(_S.id < before_id)
        rows = self._conn.execute(stmt.order_by(_S.id.desc()).limit(limit))
        return [_submission(row) for row in rows]

    def _one(self, *where: Any) -> PartnerUpload | None:
        row = self._conn.execute(select(_U).where(*where)).first()
        return None if row is None else _upload(row)


def _upload(row: AnyRow) -> PartnerUpload:
    return PartnerUpload(
        upload_id=row.upload_id,
        partner_port=row.partner_port,
        filename=row.filename,
        sha256=row.sha256,
        size_bytes=row.size_bytes,
        received=row.received,
        status=UploadStatus(row.status),
        created_at=row.created_at,
        completed_at=row.completed_at,
    )


def _submission(row: AnyRow) -> PartnerSubmission:
    return PartnerSubmission(
        id=row.id,
        partner_port=row.partner_port,
        checksum_key=row.checksum_key,
        files=tuple(row.files),
        result=row.result,
        submitted_by=row.submitted_by,
        submitted_at=row.submitted_at,
    )
