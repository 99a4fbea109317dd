"""The custody ledger in the store: appended and read back as signed, refused by the database itself when
updated or deleted (SQLite and PostgreSQL), and tampering that bypasses the refusal is caught by verify.
Events are SYNTHETIC."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from cargoscreen.custody.events import CustodyEvent, Packaging, Seizure, Transfer
from cargoscreen.custody.ledger import Anchor, Ledger, LedgerEntry, Problem, verify
from cargoscreen.custody.models import EvidenceBag, SealCondition
from cargoscreen.store import Database
from cargoscreen.store.repositories.custody import LedgerConflict

KEY = b"store-test-ledger-key-0123456789"
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
LEDGER_TABLES = ("custody_ledger", "custody_anchor")


@contextmanager
def triggers_bypassed(db: Database, table: str) -> Iterator[None]:
    """What an intruder with the database owner's rights can do: switch the refusal off for a while."""
    with db.engine.begin() as connection:
        if db.engine.dialect.name == "postgresql":
            connection.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            saved = []
        else:
            saved = connection.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,)
            ).all()
            for name, _ in saved:
                connection.exec_driver_sql(f"DROP TRIGGER {name}")
    try:
        yield
    finally:
        with db.engine.begin() as connection:
            if db.engine.dialect.name == "postgresql":
                connection.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            for _, sql in saved:
                connection.exec_driver_sql(sql)


@pytest.fixture
def ledger_db(db: Database) -> Iterator[Database]:
    """The store; afterwards the ledger is emptied past its triggers (the ``db`` clean-up deletes rows)."""
    yield db
    for table in LEDGER_TABLES:
        with triggers_bypassed(db, table), db.engine.begin() as connection:
            connection.exec_driver_sql(f"DELETE FROM {table}")


def events(case: str = "AN-2026-0001") -> list[CustodyEvent]:
    common = {"case_number": case, "recorded_by": "officer.a"}
    return [
        Seizure(**common, occurred_at=T0, container_number="MSCU1234566", place="K1742 scanner lane",
                acting_officer="officer.a", witness_officer="officer.b", substance="cocaine",
                package_count=10, gross_kg=12.0),
        Packaging(**common, occurred_at=T0 + timedelta(hours=1), acting_officer="officer.a",
                  witness_officer="officer.b", bags=(EvidenceBag(bag_serial="BAG-0001", sealed_kg=12.0),)),
        Transfer(**common, occurred_at=T0 + timedelta(hours=2), bag_serials=("BAG-0001",),
                 released_by="officer.a", received_by="custodian.c", purpose="to the store",
                 seal_condition=SealCondition.INTACT),
    ]  # fmt: skip


def store_ledger(db: Database, case: str = "AN-2026-0001") -> Ledger:
    ledger = Ledger(KEY)
    with db.unit_of_work() as uow:
        for event in events(case):
            uow.custody.append(ledger.append(event))
    return ledger


def stored(db: Database) -> tuple[list[LedgerEntry], Anchor]:
    with db.unit_of_work() as uow:
        entries = [LedgerEntry(seq=e.seq, prev_hash=e.prev_hash, payload=e.payload, hash=e.hash)
                   for e in uow.custody.entries()]  # fmt: skip
        head = uow.custody.head
    return entries, Anchor(seq=head.seq, hash=head.hash)


def test_entries_are_read_back_as_signed_and_verify(ledger_db: Database) -> None:
    ledger = store_ledger(ledger_db)
    entries, anchor = stored(ledger_db)
    assert entries == list(ledger.entries) and anchor == ledger.head
    assert verify(entries, KEY, anchor=anchor).ok
    with ledger_db.unit_of_work() as uow:
        assert [e.seq for e in uow.custody.entries("AN-2026-0001")] == [1, 2, 3]
        assert uow.custody.entries("AN-2026-9999") == [] and uow.custody.index_mismatches() == []
        assert uow.custody.case_numbers() == ["AN-2026-0001"] and uow.custody.count() == 3
    with ledger_db.engine.connect() as connection:
        row = connection.execute(text("SELECT case_number, kind FROM custody_ledger WHERE seq = 2")).one()
    assert tuple(row) == ("AN-2026-0001", "PACKAGED")  # derived from the payload


def test_an_entry_that_does_not_continue_the_chain_is_refused_and_nothing_written(
    ledger_db: Database,
) -> None:
    ledger = store_ledger(ledger_db)
    stray = Ledger(KEY).append(events("AN-2026-0002")[0])  # seq 1 again
    with pytest.raises(LedgerConflict, match="head is entry 3"), ledger_db.unit_of_work() as uow:
        uow.custody.append(stray)
    assert stored(ledger_db) == (list(ledger.entries), ledger.head)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE custody_ledger SET payload = replace(payload, '12.0', '11.0') WHERE seq = 1",
        "UPDATE custody_ledger SET case_number = 'AN-2026-0009'",
        "DELETE FROM custody_ledger WHERE seq = 3",
        "DELETE FROM custody_ledger",
        "DELETE FROM custody_anchor",
        "UPDATE custody_anchor SET seq = 2, hash = (SELECT hash FROM custody_ledger WHERE seq = 2)",
    ],
)
def test_the_database_refuses_updates_and_deletes(ledger_db: Database, statement: str) -> None:
    ledger = store_ledger(ledger_db)
    with pytest.raises(DBAPIError, match=r"append-only|only moves forward"), ledger_db.engine.begin() as conn:
        conn.exec_driver_sql(statement)
    assert stored(ledger_db) == (list(ledger.entries), ledger.head)


def test_postgresql_refuses_truncate(ledger_db: Database) -> None:
    if ledger_db.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    store_ledger(ledger_db)
    with pytest.raises(DBAPIError, match="append-only"), ledger_db.engine.begin() as connection:
        connection.exec_driver_sql("TRUNCATE custody_ledger")


def test_an_edit_past_the_triggers_is_caught_by_verify(ledger_db: Database) -> None:
    store_ledger(ledger_db)
    with triggers_bypassed(ledger_db, "custody_ledger"), ledger_db.engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE custody_ledger SET payload = replace(payload, '\"gross_kg\":12.0', '\"gross_kg\":11.0') "
            "WHERE seq = 1"
        )
    entries, anchor = stored(ledger_db)
    report = verify(entries, KEY, anchor=anchor)
    assert not report.ok and report.first_bad_seq == 1 and report.problem is Problem.EDITED


def test_a_removed_entry_and_a_cut_off_end_are_caught_by_verify(ledger_db: Database) -> None:
    store_ledger(ledger_db)
    with triggers_bypassed(ledger_db, "custody_ledger"), ledger_db.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM custody_ledger WHERE seq = 2")
    entries, anchor = stored(ledger_db)
    report = verify(entries, KEY, anchor=anchor)
    assert (report.ok, report.first_bad_seq, report.problem) == (False, 2, Problem.REMOVED)
    with triggers_bypassed(ledger_db, "custody_ledger"), ledger_db.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM custody_ledger WHERE seq = 3")
    entries, anchor = stored(ledger_db)
    assert verify(entries, KEY).ok  # a shorter chain is valid by itself ...
    report = verify(entries, KEY, anchor=anchor)  # ... the anchor kept apart finds the cut
    assert (report.ok, report.first_bad_seq, report.problem) == (False, 2, Problem.TRUNCATED)


def test_query_columns_edited_apart_from_the_payload_are_reported(ledger_db: Database) -> None:
    store_ledger(ledger_db)
    with triggers_bypassed(ledger_db, "custody_ledger"), ledger_db.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE custody_ledger SET case_number = 'AN-2026-0009' WHERE seq = 2")
    with ledger_db.unit_of_work() as uow:
        assert uow.custody.index_mismatches() == [2]
