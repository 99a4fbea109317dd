"""Equipment events, quarantine and source files."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import select
from store_samples import Samples

from cargoscreen.domain.events import EquipmentEventType
from cargoscreen.domain.quarantine import Rejection
from cargoscreen.store import Database
from cargoscreen.store.tables import SourceFileRow


def _rejection(source: str, locator: str) -> Rejection:
    return Rejection(
        source_name=source,
        source_format="cuscar",
        scope="equipment",
        locator=locator,
        reason="container number 'MSCU1234567': wrong check digit (expected 6)",
        raw="EQD+CN+MSCU1234567+45G1:102:5+++5'",
    )


def test_events_are_stored_once_per_source_and_event_id(db: Database, samples: Samples) -> None:
    box = "MSCU1234566"
    late = samples.event(box, "evt-2", 90, EquipmentEventType.GATED_OUT)
    early = samples.event(box, "evt-1", 10)
    with db.unit_of_work() as uow:
        assert uow.events.add_many([late, early, early]) == 2
    with db.unit_of_work() as uow:
        assert uow.events.add_many([early, samples.event(box, "evt-3", 50)]) == 1
        assert uow.events.add_many([]) == 0
        stored = uow.events.for_container(box)
        assert uow.events.count() == 3
    assert [e.event_id for e in stored] == ["evt-1", "evt-3", "evt-2"]
    assert stored[0] == early and stored[2] == late
    assert stored[0].event_time.tzinfo == UTC


def test_quarantine_lists_newest_first_with_ids_and_times(db: Database) -> None:
    with db.unit_of_work() as uow:
        assert (
            uow.quarantine.add_many([_rejection("a.edi", "segment 1"), _rejection("b.edi", "segment 2")]) == 2
        )
    with db.unit_of_work() as uow:
        uow.quarantine.add_many([_rejection("a.edi", "segment 3")])
    with db.unit_of_work() as uow:
        newest = uow.quarantine.list()
        only_a = uow.quarantine.list(source_name="a.edi")
        one = uow.quarantine.list(limit=1)
        assert uow.quarantine.count() == 3
    assert [r.locator for r in newest] == ["segment 3", "segment 2", "segment 1"]
    assert [r.locator for r in only_a] == ["segment 3", "segment 1"]
    assert one == newest[:1]
    assert len({r.id for r in newest}) == 3
    assert all(r.created_at.tzinfo == UTC for r in newest)
    assert Rejection.model_validate(newest[0].model_dump(exclude={"id", "created_at"})) == _rejection(
        "a.edi", "segment 3"
    )


def test_source_files_are_recognised_by_content_hash(db: Database) -> None:
    digest = "0f" * 32
    with db.unit_of_work() as uow:
        assert not uow.sources.seen(digest)
        uow.sources.add("day1.edi", "cuscar", digest, 1234)
    with db.unit_of_work() as uow:
        assert uow.sources.seen(digest)
        uow.sources.add("copy-of-day1.edi", "cuscar", digest, 1234)  # same content: the first record stays
    with db.engine.connect() as connection:
        rows = connection.execute(select(SourceFileRow.name, SourceFileRow.size_bytes)).all()
    assert [tuple(row) for row in rows] == [("day1.edi", 1234)]
