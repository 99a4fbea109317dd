"""Audit entries of concurrent requests share transactions, and none is lost or acknowledged unstored."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from api_world import World

from cargoscreen.api.audit_batch import AuditBatcher
from cargoscreen.store import UnitOfWork


def test_concurrent_entries_are_all_committed_in_fewer_transactions(world: World) -> None:
    batcher = AuditBatcher(world.database.unit_of_work)
    with world.database.unit_of_work() as uow:
        before = uow.audit.count()
    start = threading.Barrier(16)

    def write(n: int) -> None:
        start.wait()
        for i in range(5):
            batcher.write(actor=f"test:batch{n}", action="read", object_kind="test", object_id=str(i))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with world.database.unit_of_work() as uow:
        assert uow.audit.count() == before + 80
        assert len(uow.audit.list(actor="test:batch7", limit=10)) == 5
    assert 1 <= batcher.batches <= 80


def test_a_failed_commit_is_raised_to_the_writer(world: World) -> None:
    @contextmanager
    def broken() -> Iterator[UnitOfWork]:
        raise OSError("disk full")
        yield  # pragma: no cover

    batcher = AuditBatcher(broken)
    with pytest.raises(OSError, match="disk full"):
        batcher.write(actor="test:x", action="read", object_kind="test", object_id="1")
