"""Filtering and sorting of the queue (shared by the API and the queue page)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from cargoscreen.domain.targeting import Channel
from cargoscreen.store.repositories.worklist import Queue, QueueItem, QueueStatus

SORTS = {
    "rank": lambda item: (item.rank,),
    "score": lambda item: (item.score if item.score is not None else -1.0, -item.rank),
    "container": lambda item: (item.container_number,),
}


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """Which items to show and in what order (``-`` before the sort key: descending)."""

    channel: Channel | None = None
    status: QueueStatus | None = None
    text: str | None = None
    sort: str = "rank"


def filtered(items: Iterable[QueueItem], wanted: QueueFilter) -> list[QueueItem]:
    """The items matching the filter, sorted."""
    text = (wanted.text or "").strip().upper()
    kept = [
        item
        for item in items
        if (wanted.channel is None or item.channel == wanted.channel)
        and (wanted.status is None or item.status == wanted.status)
        and (not text or text in item.container_number or text in item.vessel_name.upper())
    ]
    key = wanted.sort.lstrip("-")
    return sorted(kept, key=SORTS.get(key, SORTS["rank"]), reverse=wanted.sort.startswith("-"))


class QueueViews:
    """The filtered, sorted lists and rendered table fragments of one cached queue (thread-safe).

    Everything here is derived from the :class:`Queue` object the store's cache hands out; when the store
    builds a new one (its version changed or its time ran out), what was derived from the old one is
    dropped.
    """

    def __init__(self, limit: int = 256) -> None:
        self._lock = threading.Lock()
        self._queue: Queue | None = None
        self._views: dict[Any, Any] = {}
        self._limit = limit

    def get(self, queue: Queue | None, key: Any, make: Callable[[], Any]) -> Any:
        """The value derived from ``queue`` under ``key``, made once by ``make``."""
        with self._lock:
            if queue is not self._queue:
                self._queue, self._views = queue, {}
            if key in self._views:
                return self._views[key]
        value = make()
        with self._lock:
            if queue is self._queue and len(self._views) < self._limit:
                self._views[key] = value
        return value
