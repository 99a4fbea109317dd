"""The floor the ingest benchmark compares against: the very rows an ingest stored, inserted raw.

:func:`table_rows` reads every row of every table from a database that an ingest filled;
:func:`bulk_raw_insert` writes them into an empty database with one driver-level ``executemany`` per table,
in dependency order, in one transaction: no parsing, no validation, no look-ups, no idempotency checks.
The ratio of the ingest's time to this one is what the benchmark reports.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from cargoscreen.store.database import Database
from cargoscreen.store.tables.base import Base

TableRows = list[tuple[str, list[str], list[tuple[Any, ...]]]]


def table_rows(db: Database) -> TableRows:
    """Every table's column names and rows, parents before children (read outside the timed part)."""
    out: TableRows = []
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            columns = [c.name for c in table.columns]
            rows = [tuple(row) for row in conn.execute(select(table)).all()]
            out.append((table.name, columns, rows))
    return out


def bulk_raw_insert(db: Database, tables: TableRows) -> int:
    """Insert the rows with one raw executemany per table, committed once; return how many rows."""
    total = 0
    with db.engine.begin() as conn:
        marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        for name, columns, rows in tables:
            if not rows or name == "alembic_version":
                continue
            sql = f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({', '.join([marker] * len(columns))})"
            conn.exec_driver_sql(sql, rows)
            total += len(rows)
    return total
