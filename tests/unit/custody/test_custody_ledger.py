"""The hash-chained ledger: any edited, removed, reordered or inserted entry is found, with its number."""

from __future__ import annotations

import json

import pytest
from custody_samples import KEY, lifecycle

from cargoscreen.custody.errors import LedgerError
from cargoscreen.custody.ledger import GENESIS, Anchor, Ledger, LedgerEntry, Problem, chain_hash, verify
from cargoscreen.custody.service import cases_from_ledger, record
from cargoscreen.custody.state import CaseFile

ROWS = 16


def ledger() -> Ledger:
    """Two cases' lifecycles, interleaved: 16 entries."""
    book = Ledger(KEY)
    cases: dict[str, CaseFile] = {}
    for first, second in zip(lifecycle("CASE-2026-001"), lifecycle("CASE-2026-002"), strict=True):
        record(book, cases, first)
        record(book, cases, second)
    return book


def edited(entry: LedgerEntry) -> LedgerEntry:
    payload = json.loads(entry.payload)
    payload["recorded_by"] = "someone.else"
    return entry.model_copy(update={"payload": json.dumps(payload, sort_keys=True, separators=(",", ":"))})


def test_an_untouched_ledger_verifies() -> None:
    book = ledger()
    report = book.verify(anchor=book.head)
    assert report.ok and report.checked == ROWS and report.problem is None
    assert report.head == book.head and book.head.seq == ROWS
    assert book.entries[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(book.entries, book.entries[1:], strict=False))
    assert book.entries[3].event() == lifecycle("CASE-2026-002")[1]
    assert verify([], KEY).ok


@pytest.mark.parametrize("row", range(ROWS))
def test_an_edited_entry_is_found(row: int) -> None:
    rows = list(ledger().entries)
    rows[row] = edited(rows[row])
    report = verify(rows, KEY)
    assert not report.ok and report.problem is Problem.EDITED and report.first_bad_seq == row + 1
    assert report.head.seq == row and report.checked == row


@pytest.mark.parametrize("row", range(ROWS - 1))
def test_a_removed_entry_is_found(row: int) -> None:
    rows = list(ledger().entries)
    del rows[row]
    report = verify(rows, KEY)
    assert report.problem is Problem.REMOVED and report.first_bad_seq == row + 1


@pytest.mark.parametrize("row", range(ROWS - 1))
def test_a_removed_entry_is_found_even_when_the_rest_is_renumbered(row: int) -> None:
    rows = list(ledger().entries)
    del rows[row]
    rows = [r.model_copy(update={"seq": k + 1}) for k, r in enumerate(rows)]
    report = verify(rows, KEY)
    assert not report.ok and report.first_bad_seq == row + 1
    assert report.problem is Problem.REMOVED


def test_cutting_the_tail_is_found_against_the_anchor() -> None:
    book = ledger()
    rows = list(book.entries)[:-3]
    assert verify(rows, KEY).ok, "a shorter chain is still a chain: that is what the anchor is for"
    report = verify(rows, KEY, anchor=book.head)
    assert report.problem is Problem.TRUNCATED and report.first_bad_seq == ROWS - 2


@pytest.mark.parametrize("row", range(ROWS - 1))
def test_reordered_entries_are_found(row: int) -> None:
    rows = list(ledger().entries)
    rows[row], rows[row + 1] = rows[row + 1], rows[row]
    report = verify(rows, KEY)
    assert report.problem is Problem.REORDERED and report.first_bad_seq == row + 1


def test_an_entry_moved_far_away_is_found() -> None:
    rows = list(ledger().entries)
    moved = rows.pop(2)
    rows.insert(12, moved)
    report = verify(rows, KEY)
    assert report.problem is Problem.REORDERED and report.first_bad_seq == 3


@pytest.mark.parametrize("row", range(ROWS + 1))
def test_an_inserted_entry_is_found(row: int) -> None:
    rows = list(ledger().entries)
    prev_hash = rows[row - 1].hash if row else GENESIS
    forged = LedgerEntry(seq=row + 1, prev_hash=prev_hash, payload=rows[0].payload, hash="f" * 64)
    rows.insert(row, forged)
    report = verify(rows, KEY)
    # a forged entry appended at the end cannot be told from an edited last entry: both are caught
    assert report.problem in ({Problem.INSERTED} if row < ROWS else {Problem.INSERTED, Problem.EDITED})
    assert report.first_bad_seq == row + 1


def test_a_replayed_copy_of_an_entry_is_found() -> None:
    rows = list(ledger().entries)
    rows.insert(9, rows[4])
    report = verify(rows, KEY)
    assert report.problem is Problem.INSERTED and report.first_bad_seq == 5


def test_a_forgery_signed_with_another_key_is_found() -> None:
    rows = list(ledger().entries)
    payload = edited(rows[6]).payload
    forged = rows[6].model_copy(
        update={
            "payload": payload,
            "hash": chain_hash(b"another-key-of-32-bytes-00000000", rows[6].prev_hash, 7, payload),
        }
    )
    rows[6] = forged
    assert verify(rows, KEY).first_bad_seq == 7


def test_the_wrong_key_is_named() -> None:
    report = verify(ledger().entries, b"not-the-ledger-key-0123456789abc")
    assert report.problem is Problem.WRONG_KEY and report.first_bad_seq == 1


def test_a_short_key_is_refused() -> None:
    with pytest.raises(LedgerError, match="at least 16 bytes"):
        Ledger(b"short")


def test_cases_are_rebuilt_from_a_verified_ledger_only() -> None:
    book = ledger()
    cases = cases_from_ledger(book.entries, KEY, anchor=book.head)
    assert {c.state.value for c in cases.values()} == {"DESTROYED"}
    rows = list(book.entries)
    rows[3] = edited(rows[3])
    with pytest.raises(LedgerError, match=r"entry 4 \(edited\)"):
        cases_from_ledger(rows, KEY)
    with pytest.raises(LedgerError, match="truncated"):
        cases_from_ledger(book.entries[:-1], KEY, anchor=Anchor(seq=ROWS, hash=book.head.hash))


def test_a_refused_event_is_not_written() -> None:
    book = Ledger(KEY)
    cases: dict[str, CaseFile] = {}
    events = lifecycle()
    record(book, cases, events[0])
    with pytest.raises(Exception, match="AUTHORISED needs state SAMPLED"):
        record(book, cases, events[5])
    assert len(book.entries) == 1
