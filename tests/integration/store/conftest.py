"""Store fixtures: every test runs on SQLite, and on PostgreSQL when CARGOSCREEN_TEST_POSTGRES_URL is set.

The database of a test session is built by running the migrations: a temporary SQLite file, or a fresh
PostgreSQL schema (``test_<random>``, reached through ``search_path``) that is dropped at the end. Rows are
deleted after each test so tests exercise the real commit and rollback of the unit of work.
Records come from store_samples.Samples (synthetic).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, delete
from sqlalchemy.engine import make_url
from store_samples import Samples, UrlFactory

from cargoscreen.store import Database
from cargoscreen.store.tables import Base

POSTGRES_ENV = "CARGOSCREEN_TEST_POSTGRES_URL"


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def new_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[UrlFactory]:
    """Makes URLs of new, empty databases on the backend of the parameter."""
    if request.param == "sqlite":
        folder = tmp_path_factory.mktemp("store")
        yield lambda: f"sqlite:///{folder / f'{uuid.uuid4().hex}.db'}"
        return
    base_url = os.environ.get(POSTGRES_ENV)
    if not base_url:
        pytest.skip(
            f"PostgreSQL store tests need {POSTGRES_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)"
        )
    schemas: list[str] = []
    admin = create_engine(base_url)

    def new_schema() -> str:
        schema = f"test_{uuid.uuid4().hex[:12]}"
        with admin.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        schemas.append(schema)
        url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    yield new_schema
    with admin.begin() as connection:
        for schema in schemas:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    admin.dispose()


@pytest.fixture(scope="session")
def migrated(new_database_url: UrlFactory) -> Iterator[Database]:
    """The session's database, built by running the migrations."""
    database = Database(new_database_url())
    database.upgrade()
    yield database
    database.dispose()


@pytest.fixture
def db(migrated: Database) -> Iterator[Database]:
    """The migrated database, emptied after the test."""
    yield migrated
    with migrated.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(delete(table))


@pytest.fixture
def samples() -> Samples:
    return Samples()
