"""Bulk statement helpers shared by the repositories (SQLite and PostgreSQL)."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Connection, Executable, Insert, Integer, Row, Table, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from cargoscreen.domain.errors import CargoscreenError
from cargoscreen.store.tables import Base, table_of

T = TypeVar("T")
Values = Mapping[str, Any]
#: A result row of any shape.
AnyRow = Row[*tuple[Any, ...]]

#: Bound parameters per ``IN (...)`` list; far below SQLite's and PostgreSQL's limits.
CHUNK = 500


class UnsupportedBackend(CargoscreenError):
    """The database is neither SQLite nor PostgreSQL."""


def chunked(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector (restored after; nests).

    Bulk reads and writes allocate a few objects per row, none in reference cycles, yet each burst made
    the collector rescan the whole heap: at 33 000 containers that was two thirds of the time. Reference
    counting still frees everything.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def dict_rows(conn: Connection, stmt: Executable, *drop: str) -> list[dict[str, Any]]:
    """The rows of a query as dicts of their columns, without ``drop`` (faster than ``Row._mapping``)."""
    result = conn.execute(stmt)
    keys = list(result.keys())
    if not drop:
        return [dict(zip(keys, row, strict=True)) for row in result]
    kept = [n for n, key in enumerate(keys) if key not in drop]
    names = [keys[n] for n in kept]
    return [dict(zip(names, (row[n] for n in kept), strict=True)) for row in result]


def insert_many(conn: Connection, model: type[Base], rows: Sequence[Values]) -> None:
    """One Core ``INSERT`` executed for many rows (executemany)."""
    if rows:
        conn.execute(insert(table_of(model)), rows)


def insert_returning_ids(conn: Connection, model: type[Base], rows: Sequence[Values]) -> list[int]:
    """Insert many rows and return their new ids in the order of ``rows``.

    SQLite: ``INSERT … RETURNING id`` in multi-row batches, sorted by parameter order. PostgreSQL: the ids
    are drawn from the table's sequence first and the rows inserted with them by the driver's pipelined
    executemany, which is several times faster than multi-row ``VALUES`` for wide rows.
    """
    if not rows:
        return []
    table = table_of(model)
    if conn.dialect.name == "postgresql":
        ids = _next_ids(conn, table, len(rows))
        conn.execute(insert(table), [{**row, "id": row_id} for row, row_id in zip(rows, ids, strict=True)])
        return ids
    stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return [int(row_id) for row_id in conn.scalars(stmt, rows)]


def _next_ids(conn: Connection, table: Table, count: int) -> list[int]:
    sequence = func.pg_get_serial_sequence(table.name, "id")
    stmt = select(func.nextval(sequence, type_=Integer)).select_from(func.generate_series(1, count))
    ids: list[int] = list(conn.scalars(stmt))
    return ids


def insert_ignore(conn: Connection, model: type[Base], rows: Sequence[Values], keys: Sequence[str]) -> int:
    """Insert rows whose unique ``keys`` are not stored yet (``ON CONFLICT DO NOTHING``); return how many."""
    if not rows:
        return 0
    stmt = _conflict_free_insert(conn, model, keys)
    result = conn.execute(stmt, rows, execution_options={"preserve_rowcount": True})
    return int(result.rowcount)


def _conflict_free_insert(conn: Connection, model: type[Base], keys: Sequence[str]) -> Insert:
    table = table_of(model)
    dialect = conn.dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=list(keys))
    if dialect == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing(index_elements=list(keys))
    raise UnsupportedBackend(f"the store runs on SQLite or PostgreSQL, not {dialect}")
