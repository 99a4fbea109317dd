"""The schema is built by the migrations, matches the models, and goes down cleanly."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from store_samples import UrlFactory

from cargoscreen.store import Database
from cargoscreen.store.tables import Base


def test_migrations_build_the_schema_of_the_models(new_database_url: UrlFactory) -> None:
    db = Database(new_database_url())
    try:
        assert db.current_revision() is None
        db.upgrade()
        assert db.current_revision() == db.head_revision() == "0006"
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
        db.upgrade()  # already at head: nothing to do
        db.downgrade("base")
        assert db.current_revision() is None
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    finally:
        db.dispose()


def test_sqlite_runs_with_wal_and_foreign_keys(migrated: Database) -> None:
    if migrated.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    with migrated.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_constructing_a_database_does_not_connect() -> None:
    db = Database("sqlite:////nonexistent-folder/never/created.db")
    assert db.url.database == "/nonexistent-folder/never/created.db"
    db.dispose()
