"""The database: engine, migrations and units of work. Nothing connects until asked."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

from cargoscreen.store.uow import UnitOfWork

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class Database:
    """A SQLite or PostgreSQL database reached by SQLAlchemy URL.

    SQLite connections run with WAL journaling, foreign keys on, a 30 s busy timeout and a real
    ``BEGIN`` at the start of each transaction (so reads and writes of a unit of work share it).
    """

    def __init__(self, url: str, *, echo: bool = False, clock: Callable[[], datetime] = utc_now) -> None:
        self.url = make_url(url)
        self.engine = _create_engine(url, echo=echo)
        self._clock = clock

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        """A transaction: committed once on a clean exit, rolled back on an exception."""
        with self.engine.begin() as connection:
            yield UnitOfWork(connection, self._clock)

    def upgrade(self, revision: str = "head") -> None:
        """Run the Alembic migrations up to ``revision``."""
        with self.engine.begin() as connection:
            command.upgrade(_alembic_config(connection), revision)
        log.info("database migrated", extra={"revision": revision, "url": self.url.render_as_string()})

    def downgrade(self, revision: str) -> None:
        """Run the Alembic migrations down to ``revision`` (``"base"`` drops every table)."""
        with self.engine.begin() as connection:
            command.downgrade(_alembic_config(connection), revision)

    def current_revision(self) -> str | None:
        """The migration revision the database is at (``None`` before the first upgrade)."""
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def head_revision(self) -> str | None:
        """The newest migration revision shipped with this version."""
        return ScriptDirectory.from_config(_alembic_config(None)).get_current_head()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def _alembic_config(connection: Connection | None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _create_engine(url: str, *, echo: bool) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # executemany goes to the driver (psycopg pipelines it); ids come from sequences (repositories._sql)
        return create_engine(parsed, echo=echo, pool_pre_ping=True, use_insertmanyvalues=False)
    options: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
    if parsed.database in (None, "", ":memory:"):
        options["poolclass"] = StaticPool  # one shared connection, or every checkout sees an empty db
    engine = create_engine(parsed, echo=echo, **options)
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    dbapi_connection.isolation_level = None  # the driver's own BEGIN handling is off: see _sqlite_on_begin
    cursor = dbapi_connection.cursor()
    for pragma in ("foreign_keys=ON", "journal_mode=WAL", "synchronous=NORMAL"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_on_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")
