"""API test fixtures: one SYNTHETIC world per session (SQLite file + blob folder), a TestClient per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from api_world import ClientFactory, World, build_world, login
from fastapi.testclient import TestClient

from cargoscreen.api import create_app


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    built = build_world(tmp_path_factory.mktemp("api-world"))
    yield built
    built.database.dispose()


@pytest.fixture(scope="session")
def app(world: World):  # type: ignore[no-untyped-def]
    return create_app(world.settings, database=world.database, blobs=world.blobs)


@pytest.fixture
def anonymous(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, base_url="https://testserver") as client:
        yield client


@pytest.fixture
def client_for(app, world: World) -> Iterator[ClientFactory]:  # type: ignore[no-untyped-def]
    """Clients logged in as a user (session cookie + CSRF header) or carrying a token (``token=``)."""
    opened: list[TestClient] = []

    def make(user: str | None = None, *, token: str | None = None) -> TestClient:
        client = TestClient(app, base_url="https://testserver")
        opened.append(client)
        if token is not None:
            client.headers["Authorization"] = f"Bearer {world.tokens[token]}"
        elif user is not None:
            login(client, user)
        return client

    yield make
    for client in opened:
        client.close()
