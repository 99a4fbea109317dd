"""Alembic environment: runs on the connection the store hands over (``config.attributes["connection"]``).

Developers may also run the ``alembic`` command with ``-x url=...`` (or ``sqlalchemy.url`` in an ini file).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from cargoscreen.store.tables import Base

config = context.config
target_metadata = Base.metadata


def run_migrations(connection: Connection) -> None:
    """Migrate on an open connection; batch mode so ALTERs work on SQLite."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run() -> None:
    """Use the handed-over connection, else connect to the URL given on the command line or in the ini."""
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database: pass -x url=<sqlalchemy url>")
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            run_migrations(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("offline (--sql) migrations are not supported; run them against a database")
run()
