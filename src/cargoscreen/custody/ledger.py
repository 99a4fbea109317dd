"""The custody ledger: append-only, hash-chained and signed, so that any edited, removed, inserted or
reordered event is found.

Each entry holds its sequence number (1, 2, …), the previous entry's hash (64 zeros for the first), the event
as canonical JSON (keys sorted, no blanks, UTF-8) and its own hash::

    hash = HMAC-SHA256(key, prev_hash as 64 ASCII hex || seq as 8 bytes big-endian || payload UTF-8)

The key comes from the caller (the settings hold it); without it nobody can write an entry that verifies.
Cutting entries off the *end* leaves a valid shorter chain: keep the head (:class:`Anchor`, the last seq and
hash) somewhere else — a second store, the daily report to the prosecutor — and pass it to :func:`verify`.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any

from pydantic import Field

from cargoscreen.custody.errors import LedgerError
from cargoscreen.custody.events import EVENT_ADAPTER, CustodyEvent
from cargoscreen.domain.records import Record

GENESIS = "0" * 64
MIN_KEY_BYTES = 16
_HEX = r"^[0-9a-f]{64}$"


class LedgerEntry(Record):
    """One signed link of the chain."""

    seq: int = Field(ge=1)
    prev_hash: str = Field(pattern=_HEX)
    payload: str = Field(min_length=2, description="the event as canonical JSON")
    hash: str = Field(pattern=_HEX)

    def event(self) -> CustodyEvent:
        """The custody event the entry holds."""
        return EVENT_ADAPTER.validate_json(self.payload)


class Anchor(Record):
    """The head of a ledger, kept apart from it so that truncation can be found."""

    seq: int = Field(ge=0)
    hash: str = Field(pattern=_HEX)


class Problem(StrEnum):
    """What :func:`verify` found first."""

    EDITED = "edited"
    REMOVED = "removed"
    REORDERED = "reordered"
    INSERTED = "inserted"
    TRUNCATED = "truncated"
    WRONG_KEY = "wrong_key"


class VerifyReport(Record):
    """The outcome of a verification: ``ok``, or the first bad sequence number and what is wrong there."""

    ok: bool
    checked: int = Field(ge=0)
    head: Anchor
    first_bad_seq: int | None = None
    problem: Problem | None = None
    detail: str = ""


def canonical_json(value: Mapping[str, Any]) -> str:
    """Sorted keys, no blanks, non-ASCII kept as UTF-8: the same value always gives the same text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def event_payload(event: CustodyEvent) -> str:
    """The canonical JSON of a custody event."""
    return canonical_json(event.model_dump(mode="json"))


def _message(prev_hash: str, seq: int, payload: str) -> bytes:
    return prev_hash.encode("ascii") + seq.to_bytes(8, "big") + payload.encode("utf-8")


def chain_hash(key: bytes, prev_hash: str, seq: int, payload: str) -> str:
    """The entry hash (see the module text)."""
    return hmac.digest(key, _message(prev_hash, seq, payload), hashlib.sha256).hex()


def _checked_key(key: bytes) -> bytes:
    if len(key) < MIN_KEY_BYTES:
        raise LedgerError(f"the ledger key must be at least {MIN_KEY_BYTES} bytes, got {len(key)}")
    return key


def link(previous: LedgerEntry | None, event: CustodyEvent, *, key: bytes) -> LedgerEntry:
    """The entry that follows ``previous`` (or starts a ledger) with ``event``."""
    seq = previous.seq + 1 if previous else 1
    prev_hash = previous.hash if previous else GENESIS
    payload = event_payload(event)
    return LedgerEntry(
        seq=seq,
        prev_hash=prev_hash,
        payload=payload,
        hash=chain_hash(_checked_key(key), prev_hash, seq, payload),
    )


class Ledger:
    """An in-memory ledger (the store persists the same entries; only appending is offered)."""

    def __init__(self, key: bytes, entries: Sequence[LedgerEntry] = ()) -> None:
        self._key = _checked_key(key)
        self._entries = list(entries)

    @property
    def entries(self) -> tuple[LedgerEntry, ...]:
        """Every entry, in order."""
        return tuple(self._entries)

    @property
    def head(self) -> Anchor:
        """The last sequence number and hash."""
        last = self._entries[-1] if self._entries else None
        return Anchor(seq=last.seq, hash=last.hash) if last else Anchor(seq=0, hash=GENESIS)

    def append(self, event: CustodyEvent) -> LedgerEntry:
        """Sign and add an event."""
        entry = link(self._entries[-1] if self._entries else None, event, key=self._key)
        self._entries.append(entry)
        return entry

    def verify(self, anchor: Anchor | None = None) -> VerifyReport:
        """:func:`verify` of this ledger."""
        return verify(self._entries, self._key, anchor=anchor)


def verify(entries: Iterable[LedgerEntry], key: bytes, *, anchor: Anchor | None = None) -> VerifyReport:
    """Check every entry's signature, sequence and link, in the order given; report the first problem."""
    rows = list(entries)
    prev_hash, expected = GENESIS, 1
    for index, entry in enumerate(rows):
        mac_ok = hmac.compare_digest(chain_hash(key, entry.prev_hash, entry.seq, entry.payload), entry.hash)
        if entry.seq != expected or entry.prev_hash != prev_hash or not mac_ok:
            problem, bad, detail = _diagnose(rows, index, expected, prev_hash, mac_ok, key)
            return _report(rows[:index], problem=problem, first_bad_seq=bad, detail=detail, checked=index)
        prev_hash, expected = entry.hash, expected + 1
    found = _against_anchor(rows, anchor) if anchor is not None else None
    if found is not None:
        return _report(rows, problem=found[0], first_bad_seq=found[1], detail=found[2], checked=len(rows))
    return _report(rows, checked=len(rows))


def _report(
    good: Sequence[LedgerEntry],
    *,
    checked: int,
    problem: Problem | None = None,
    first_bad_seq: int | None = None,
    detail: str = "",
) -> VerifyReport:
    head = Anchor(seq=good[-1].seq, hash=good[-1].hash) if good else Anchor(seq=0, hash=GENESIS)
    return VerifyReport(
        ok=problem is None,
        checked=checked,
        head=head,
        first_bad_seq=first_bad_seq,
        problem=problem,
        detail=detail,
    )


def _diagnose(
    rows: Sequence[LedgerEntry], index: int, expected: int, prev_hash: str, mac_ok: bool, key: bytes
) -> tuple[Problem, int, str]:
    entry = rows[index]
    later = {row.seq for row in rows[index + 1 :]}
    if entry.seq != expected:
        if entry.seq < expected:
            return Problem.INSERTED, entry.seq, f"entry {entry.seq} appears again after entry {expected - 1}"
        if expected in later:
            return Problem.REORDERED, expected, f"entry {expected} comes after entry {entry.seq}"
        return Problem.REMOVED, expected, f"entries {expected}–{entry.seq - 1} are missing"
    after = rows[index + 1].prev_hash if index + 1 < len(rows) else None
    if entry.prev_hash != prev_hash:
        position = {row.hash: i for i, row in enumerate(rows)}.get(entry.prev_hash)
        if position is None or position < index - 1:
            return (
                Problem.REMOVED,
                expected,
                f"entry {expected} links to an entry that is no longer before it",
            )
        if position > index:
            return Problem.REORDERED, expected, f"entry {expected} links to an entry that comes after it"
    if after == prev_hash:
        return Problem.INSERTED, expected, f"entry {expected} is not part of the chain: the next one skips it"
    if index == 0 and not mac_ok and _every_signature_fails(rows, key):
        return (
            Problem.WRONG_KEY,
            expected,
            "no entry verifies with this key: wrong key (or every entry forged)",
        )
    what = (
        "its signature does not match its content"
        if not mac_ok
        else "its link to the previous entry is wrong"
    )
    return Problem.EDITED, expected, f"entry {expected} was altered: {what}"


def _every_signature_fails(rows: Sequence[LedgerEntry], key: bytes) -> bool:
    linked = all(b.prev_hash == a.hash and b.seq == a.seq + 1 for a, b in itertools.pairwise(rows))
    return linked and not any(
        hmac.compare_digest(chain_hash(key, r.prev_hash, r.seq, r.payload), r.hash) for r in rows
    )


def _against_anchor(rows: Sequence[LedgerEntry], anchor: Anchor) -> tuple[Problem, int, str] | None:
    last = rows[-1].seq if rows else 0
    if last < anchor.seq:
        return Problem.TRUNCATED, last + 1, f"the ledger ends at entry {last}; the anchor says {anchor.seq}"
    if anchor.seq and rows[anchor.seq - 1].hash != anchor.hash:
        return Problem.EDITED, anchor.seq, f"entry {anchor.seq} differs from the anchored one"
    return None
