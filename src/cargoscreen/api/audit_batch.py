"""Group commit of audit entries: the reads of concurrent requests are audited in shared transactions.

A request hands its entry to :meth:`AuditBatcher.write` and gets its answer only once the entry is
committed, as before; but while one thread commits, the entries of the others queue up, and the next
thread to commit takes them all in one transaction. Under load this turns one write transaction per page
into one per batch (SQLite serialises writers), without delaying anything when the site is quiet.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from cargoscreen.store import UnitOfWork


@dataclass(slots=True)
class _Ticket:
    entry: dict[str, Any]
    done: bool = False
    error: BaseException | None = None


@dataclass
class AuditBatcher:
    """Writes audit entries (keyword arguments of ``uow.audit.record``) in batches; see the module text."""

    unit_of_work: Callable[[], AbstractContextManager[UnitOfWork]]
    _pending: list[_Ticket] = field(default_factory=list)
    _queue_lock: threading.Lock = field(default_factory=threading.Lock)
    _commit_lock: threading.Lock = field(default_factory=threading.Lock)
    batches: int = 0

    def write(self, **entry: Any) -> None:
        """Store one entry; returns once it is committed (raises what the commit raised)."""
        ticket = _Ticket(entry)
        with self._queue_lock:
            self._pending.append(ticket)
        with self._commit_lock:
            if not ticket.done:
                self._commit()
        if ticket.error is not None:
            raise ticket.error

    def _commit(self) -> None:
        with self._queue_lock:
            batch, self._pending = self._pending, []
        try:
            with self.unit_of_work() as uow:
                for ticket in batch:
                    uow.audit.record(**ticket.entry)
            self.batches += 1
        except BaseException as exc:  # every writer of the batch learns that its entry was not stored
            for ticket in batch:
                ticket.error = exc
            raise
        finally:
            for ticket in batch:
                ticket.done = True
