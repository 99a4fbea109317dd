"""The floor the ingest benchmark compares against: equipment rows in one raw executemany, no checks.

``manifests.add`` also looks up the message key, upserts the vessel call and parties, skips duplicates and
writes seals, consignments, goods items and placements; the ratio of its time to this one is what the
benchmark reports. The baseline commits placeholder vessel calls and messages: run it on a scratch database.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection

from cargoscreen.domain.records import Manifest
from cargoscreen.store.database import Database
from cargoscreen.store.repositories._sql import insert_returning_ids
from cargoscreen.store.tables import MessageRow, VesselCallRow

#: (manifest index, ordinal, container_number, size_type, full_empty, movement, gross_kg, reefer)
BaselineRow = tuple[int, int, str, str, str, str, float | None, bool]

_BLANK_CALL: dict[str, object] = {
    "vessel_name": "",
    "carrier": "",
    "previous_ports": "",
    "eta": None,
    "ata": None,
}
_BLANK_MESSAGE: dict[str, object] = {
    "sender": "baseline",
    "recipient": "",
    "message_ref": "1",
    "document_number": "",
    "document_time": None,
    "source_format": "baseline",
    "raw_sha256": None,
}
_COLUMNS = (
    "vessel_call_id, message_id, ordinal, container_number, size_type, full_empty, movement, gross_kg, reefer"
)


def baseline_rows(manifests: Sequence[Manifest]) -> list[BaselineRow]:
    """The equipment of each manifest as plain tuples (computed outside the timed part)."""
    return [
        (
            index,
            ordinal,
            e.container_number,
            e.size_type,
            str(e.full_empty),
            str(e.movement),
            e.gross_kg,
            e.reefer,
        )
        for index, manifest in enumerate(manifests)
        for ordinal, e in enumerate(manifest.equipment)
    ]


def bulk_raw_insert_baseline(db: Database, rows: Sequence[BaselineRow]) -> int:
    """Insert the rows into ``equipment_on_call`` with one driver-level executemany; return how many.

    Each manifest index gets one placeholder vessel call and message (a handful of statements), then every
    equipment row goes in a single ``executemany`` in the same transaction, committed once.
    """
    with db.engine.begin() as conn:
        owners = _placeholders(conn, sorted({row[0] for row in rows}))
        marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        sql = f"INSERT INTO equipment_on_call ({_COLUMNS}) VALUES ({', '.join([marker] * 9)})"
        params = [(*owners[row[0]], *row[1:]) for row in rows]
        if params:
            conn.exec_driver_sql(sql, params)
    return len(params)


def _placeholders(conn: Connection, indexes: list[int]) -> dict[int, tuple[int, int]]:
    """One placeholder vessel call and message per manifest index: (vessel_call_id, message_id)."""
    token = secrets.token_hex(4)
    voyages = [f"BL{token}{index:05d}" for index in indexes]
    calls = [
        {"imo_number": "0000000", "voyage_number": voyage, "port_of_call": "ZZBAS", **_BLANK_CALL}
        for voyage in voyages
    ]
    call_ids = insert_returning_ids(conn, VesselCallRow, calls)
    now = datetime.now(UTC)
    messages = [
        {"message_key": f"baseline/{voyage}", "interchange_ref": voyage, **_BLANK_MESSAGE}
        | {"vessel_call_id": call_id, "ingested_at": now}
        for voyage, call_id in zip(voyages, call_ids, strict=True)
    ]
    message_ids = insert_returning_ids(conn, MessageRow, messages)
    return dict(zip(indexes, zip(call_ids, message_ids, strict=True), strict=True))
