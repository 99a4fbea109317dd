"""Column, constraint and index builders shared by the migrations in ``versions/``.

They spell out, once, the pieces every migration writes: the integer ``id`` key, ``NOT NULL`` by default,
timestamps as ``DateTime(timezone=True)`` (the models' ``UtcDateTime``), and constraint and index names that
follow the models' naming convention, passed through ``op.f`` / ``batch.f`` so they are used as written.
Indexes are created inside ``batch_alter_table`` so the same code runs on SQLite and PostgreSQL.

Migrations describe the schema as it was at their revision, so they do not import the models. For the same
reason these builders must keep producing exactly what they produce now: changing one changes every
migration already written with it. A new migration that needs something else gets a new builder.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op


def id_column() -> sa.Column[int]:
    """The autoincrementing integer ``id`` (its key is :func:`pk`)."""
    return sa.Column("id", sa.Integer(), autoincrement=True, nullable=False)


def column(name: str, kind: sa.types.TypeEngine[Any], *, nullable: bool = False) -> sa.Column[Any]:
    """A column of ``kind``, ``NOT NULL`` unless ``nullable``."""
    return sa.Column(name, kind, nullable=nullable)


def string(name: str, length: int | None = None, *, nullable: bool = False) -> sa.Column[str]:
    """A ``VARCHAR(length)`` column, without a length when None (``TEXT`` is ``column(name, sa.Text())``)."""
    return sa.Column(name, sa.String(length=length), nullable=nullable)


def utc(name: str, *, nullable: bool = False) -> sa.Column[Any]:
    """A timestamp with time zone."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def pk(table: str, column: str = "id") -> sa.PrimaryKeyConstraint:
    """The primary key ``pk_<table>``."""
    return sa.PrimaryKeyConstraint(column, name=op.f(f"pk_{table}"))


def fk(column: str, table: str, target: str, *, cascade: bool = False) -> sa.ForeignKeyConstraint:
    """``fk_<table>_<column>_<target>`` from ``table.column`` to ``target.id``."""
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete="CASCADE" if cascade else None,
    )


def unique(table: str, *columns: str) -> sa.UniqueConstraint:
    """The unique constraint ``uq_<table>_<column>_<column>…``."""
    return sa.UniqueConstraint(*columns, name=op.f(f"uq_{table}_{'_'.join(columns)}"))


def indexes(table: str, *columns: str) -> None:
    """One non-unique index ``ix_<table>_<column>`` per column."""
    with op.batch_alter_table(table) as batch:
        for name in columns:
            batch.create_index(batch.f(f"ix_{table}_{name}"), [name], unique=False)
