"""What past manifests show: party history before a moment, and the manifests of calls in a time window.

A vessel call's time is its actual arrival (ATA), else its estimated arrival (ETA); calls with neither are
in no window and in no history.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, or_, select, tuple_

from cargoscreen.domain.records import Manifest
from cargoscreen.store.repositories._sql import AnyRow, gc_paused
from cargoscreen.store.repositories.manifest_reader import read_manifests
from cargoscreen.store.tables import ConsignmentRow, MessageRow, PartyRow, VesselCallRow
from cargoscreen.store.views import PartyActivity, PartyHistory

_C, _M, _V = ConsignmentRow, MessageRow, VesselCallRow
#: Makes the history key of a party from its name and country.
PartyKey = Callable[[str, str], str]


def arrival() -> ColumnElement[datetime]:
    """A vessel call's time: ATA, else ETA."""
    return func.coalesce(_V.ata, _V.eta)


class HistoryRepository:
    """Read-only queries over stored manifests, in bulk (a port day of 33 000 containers in seconds)."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def party_history(self, before: datetime, *, key: PartyKey | None = None) -> PartyHistory:
        """Shippers, consignees and shipper-consignee pairs of the B/Ls of calls arriving before ``before``.

        Parties are grouped by their stored ``dedupe_key`` unless ``key(name, country)`` is given (for
        instance the risk engine's own name normalisation); a party's ``first_seen`` is the earliest call
        time and ``bills_of_lading`` the number of B/Ls naming it in that role.
        """
        earlier = arrival() < before
        stmt = (
            select(_C.consignor_id, _C.consignee_id, func.min(arrival()).label("first"), func.count())
            .join(_V, _V.id == _C.vessel_call_id)
            .where(earlier)
            .group_by(_C.consignor_id, _C.consignee_id)
        )
        with gc_paused():
            rows = self._conn.execute(stmt).all()
            keys = self._party_keys(earlier, key)
        shippers: dict[str, PartyActivity] = {}
        consignees: dict[str, PartyActivity] = {}
        pairs: set[tuple[str, str]] = set()
        for shipper_id, consignee_id, first, count in rows:
            shipper, consignee = _lookup(keys, shipper_id), _lookup(keys, consignee_id)
            if shipper is not None:
                _seen(shippers, shipper, first, count)
            if consignee is not None:
                _seen(consignees, consignee, first, count)
            if shipper is not None and consignee is not None:
                pairs.add((shipper, consignee))
        return PartyHistory(before=before, consignees=consignees, shippers=shippers, pairs=frozenset(pairs))

    def manifests_between(self, start: datetime, end: datetime) -> list[Manifest]:
        """Every stored message of the calls whose time is in [``start``, ``end``), in ingest order."""
        when = arrival()
        ids = select(_M.id).join(_V, _V.id == _M.vessel_call_id).where(when >= start, when < end)
        return read_manifests(self._conn, ids)

    def manifests_of_calls(self, calls: Collection[tuple[str, str]]) -> list[Manifest]:
        """Every stored message of the vessel calls given as (IMO number, voyage), in ingest order."""
        if not calls:
            return []
        wanted = tuple_(_V.imo_number, _V.voyage_number).in_(sorted(calls))
        ids = select(_M.id).join(_V, _V.id == _M.vessel_call_id).where(wanted)
        return read_manifests(self._conn, ids)

    def _party_keys(self, earlier: ColumnElement[bool], key: PartyKey | None) -> dict[int, str]:
        """History keys of the parties named by B/Ls of the earlier calls, by party row id."""
        named = select(_C.consignor_id, _C.consignee_id).join(_V, _V.id == _C.vessel_call_id).where(earlier)
        used = named.subquery()
        stmt = select(PartyRow.id, PartyRow.dedupe_key, PartyRow.name, PartyRow.country).where(
            or_(PartyRow.id.in_(select(used.c.consignor_id)), PartyRow.id.in_(select(used.c.consignee_id)))
        )
        return {row.id: _key(row, key) for row in self._conn.execute(stmt)}


def _lookup(keys: dict[int, str], party_id: int | None) -> str | None:
    return None if party_id is None else keys.get(party_id)


def _key(row: AnyRow, key: PartyKey | None) -> str:
    stored: str = row.dedupe_key
    return stored if key is None else key(row.name, row.country)


def _seen(found: dict[str, PartyActivity], party: str, first: datetime, count: Any) -> None:
    known = found.get(party)
    if known is None:
        found[party] = PartyActivity(first_seen=first, bills_of_lading=int(count))
    else:
        found[party] = PartyActivity(min(known.first_seen, first), known.bills_of_lading + int(count))
