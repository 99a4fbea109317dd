"""Analysts' decisions on selected containers: release, or physical inspection, always with a reason."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, Connection, func, select

from cargoscreen.domain.ids import parse_container_number
from cargoscreen.store.repositories._sql import AnyRow, chunked, insert_returning_ids
from cargoscreen.store.tables import AnalystDecisionRow, OutcomePhotoRow

_D = AnalystDecisionRow


class Verdict(StrEnum):
    """What the analyst decided for the container."""

    RELEASE = "RELEASE"
    PHYSICAL_INSPECTION = "PHYSICAL_INSPECTION"


@dataclass(frozen=True, slots=True)
class AnalystDecision:
    """One decision; the latest of a container is the one in force."""

    id: int
    container_number: str
    imo_number: str | None
    voyage_number: str | None
    decision: Verdict
    reason: str
    decided_by: str
    decided_at: datetime


class DecisionRepository:
    """Decisions of one unit of work; appended, never changed (a new decision supersedes the last)."""

    def __init__(self, connection: Connection, clock: Callable[[], datetime]) -> None:
        self._conn = connection
        self._clock = clock

    def add(
        self,
        container_number: str,
        decision: Verdict | str,
        *,
        reason: str,
        decided_by: str,
        vessel_call: tuple[str, str] | None = None,
    ) -> AnalystDecision:
        """Record a decision (``ValueError`` without a reason) and return it as stored."""
        text = reason.strip()
        if not text:
            raise ValueError("a decision needs a reason")
        row = {
            "container_number": parse_container_number(container_number),
            "imo_number": vessel_call[0] if vessel_call else None,
            "voyage_number": vessel_call[1] if vessel_call else None,
            "decision": str(Verdict(decision)),
            "reason": text[:2000],
            "decided_by": decided_by[:80],
            "decided_at": self._clock(),
        }
        (decision_id,) = insert_returning_ids(self._conn, _D, [row])
        return self._select(_D.id == decision_id)[0]

    def get(self, decision_id: int) -> AnalystDecision | None:
        """One decision by id, or None."""
        found = self._select(_D.id == decision_id)
        return found[0] if found else None

    def for_container(self, container_number: str) -> builtins.list[AnalystDecision]:
        """Every decision on a container, newest first."""
        return self._select(_D.container_number == parse_container_number(container_number), newest=True)

    def latest_by_container(self, numbers: Sequence[str]) -> dict[str, AnalystDecision]:
        """The decision in force for each of the containers that has one."""
        found: dict[str, AnalystDecision] = {}
        for chunk in chunked(list(numbers)):
            for decision in self._select(_D.container_number.in_(chunk)):
                found[decision.container_number] = decision  # ascending ids: the last one wins
        return found

    def list(self, *, before_id: int | None = None, limit: int = 100) -> builtins.list[AnalystDecision]:
        """Decisions newest first, older than the cursor ``before_id``."""
        where = [] if before_id is None else [_D.id < before_id]
        return self._select(*where, newest=True, limit=limit)

    def count(self) -> int:
        """How many decisions are stored."""
        return int(self._conn.execute(select(func.count()).select_from(_D)).scalar_one())

    def _select(
        self, *where: ColumnElement[bool], newest: bool = False, limit: int | None = None
    ) -> builtins.list[AnalystDecision]:
        stmt = select(_D).where(*where).order_by(_D.id.desc() if newest else _D.id)
        if limit is not None:
            stmt = stmt.limit(limit)
        return [_decision(row) for row in self._conn.execute(stmt)]


@dataclass(frozen=True, slots=True)
class OutcomePhoto:
    """A photo of an inspection, stored as a blob."""

    container_number: str
    voyage_number: str
    filename: str
    media_type: str
    sha256: str
    added_by: str
    added_at: datetime


class PhotoRepository:
    """Inspection photos of one unit of work (rows point at blobs)."""

    def __init__(self, connection: Connection, clock: Callable[[], datetime]) -> None:
        self._conn = connection
        self._clock = clock

    def add(self, photo: OutcomePhoto) -> None:
        """Record a photo (its blob is stored by the caller)."""
        row = {
            "container_number": photo.container_number,
            "voyage_number": photo.voyage_number,
            "filename": photo.filename[:200],
            "media_type": photo.media_type[:64],
            "sha256": photo.sha256,
            "added_by": photo.added_by[:80],
            "added_at": photo.added_at,
        }
        insert_returning_ids(self._conn, OutcomePhotoRow, [row])

    def for_container(self, container_number: str) -> builtins.list[OutcomePhoto]:
        """The container's photos, oldest first."""
        stmt = (
            select(OutcomePhotoRow)
            .where(OutcomePhotoRow.container_number == parse_container_number(container_number))
            .order_by(OutcomePhotoRow.id)
        )
        return [
            OutcomePhoto(
                container_number=row.container_number,
                voyage_number=row.voyage_number,
                filename=row.filename,
                media_type=row.media_type,
                sha256=row.sha256,
                added_by=row.added_by,
                added_at=row.added_at,
            )
            for row in self._conn.execute(stmt)
        ]


def _decision(row: AnyRow) -> AnalystDecision:
    return AnalystDecision(
        id=row.id,
        container_number=row.container_number,
        imo_number=row.imo_number,
        voyage_number=row.voyage_number,
        decision=Verdict(row.decision),
        reason=row.reason,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
    )
