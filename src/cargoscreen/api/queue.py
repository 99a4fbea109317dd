"""Filtering and sorting of the queue (shared by the API and the queue page)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cargoscreen.domain.targeting import Channel
from cargoscreen.store.repositories.worklist import QueueItem, QueueStatus

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
