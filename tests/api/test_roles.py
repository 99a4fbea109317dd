"""Deny by default: every route of the app declares its roles, and each is checked here with no
credentials (401), a role it refuses (403) and a role it admits (neither)."""

from __future__ import annotations

import re

import pytest
from api_world import INCINERATOR, PERSONS, SCAN_BOX, STORE_NAME, ClientFactory, World
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from cargoscreen.api.security import RoleGuard, api_routes, guard_of
from cargoscreen.custody.redaction import WITHHELD
from cargoscreen.store.repositories.users import Role

#: The only routes anyone may call: logging in, and liveness.
PUBLIC = {("GET", "/login"), ("POST", "/login"), ("GET", "/api/v1/health")}
TOKENS = {Role.PARTNER_PORT: "ECGYE", Role.DEVICE: "device"}
USERS = {role: name for name, role in PERSONS.items()}


def routes(app: FastAPI) -> list[tuple[str, APIRoute, RoleGuard]]:
    found = []
    for route in api_routes(app.routes):
        guard = guard_of(route)
        assert guard is not None, f"{route.path} has no guard"
        found.extend((method, route, guard) for method in sorted(route.methods - {"HEAD"}))
    return found


def concrete(path: str, world: World, role: Role | None) -> str:
    scan = world.partner_scan if role is Role.PARTNER_PORT else world.arrival_scan
    values = {
        "number": SCAN_BOX,
        "scan_id": scan,
        "name": "thumbnail",
        "upload_id": "0" * 32,
        "sha256": "0" * 64,
        "case_number": world.case_number,
    }
    return re.sub(r"\{(\w+)(?::path)?\}", lambda m: values[m.group(1)], path)


def test_every_route_is_guarded_and_only_the_login_and_health_are_public(app: FastAPI) -> None:
    found = routes(app)
    assert len(found) > 30
    public = {(method, route.path) for method, route, guard in found if guard.public}
    assert public == PUBLIC
    assert all(guard.roles for _, _, guard in found if not guard.public)


def test_an_app_with_an_unguarded_route_is_refused(world: World) -> None:
    from cargoscreen.api import app as app_module
    from cargoscreen.api.routes import meta

    @meta.router.get("/api/v1/oops")
    def oops() -> dict[str, str]:
        return {}

    try:
        with pytest.raises(RuntimeError, match=r"routes without a role guard.*/api/v1/oops"):
            app_module.create_app(world.settings, database=world.database, blobs=world.blobs)
    finally:
        meta.router.routes.pop()


def test_role_matrix(app: FastAPI, world: World, anonymous: TestClient, client_for: ClientFactory) -> None:
    clients: dict[Role, TestClient] = {}

    def as_role(role: Role) -> TestClient:
        if role not in clients:
            clients[role] = client_for(token=TOKENS[role]) if role in TOKENS else client_for(USERS[role])
        return clients[role]

    checked = 0
    for method, route, guard in routes(app):
        if guard.public:
            continue
        allowed = sorted(guard.roles)[0]
        refused = sorted(set(Role) - guard.roles)
        path = concrete(route.path, world, None)
        none = anonymous.request(method, path, follow_redirects=False)
        assert none.status_code == 401, f"{method} {path} without credentials: {none.status_code}"
        if refused:
            wrong = as_role(refused[0]).request(method, path, follow_redirects=False)
            assert wrong.status_code == 403, f"{method} {path} as {refused[0]}: {wrong.status_code}"
        client = client_for(USERS[allowed]) if route.path == "/logout" else as_role(allowed)
        right = client.request(method, concrete(route.path, world, allowed), follow_redirects=False)
        assert right.status_code not in (401, 403), f"{method} {path} as {allowed}: {right.text[:200]}"
        checked += 1
    assert checked >= 30


def test_need_to_know_matrix_over_every_custody_route(
    app: FastAPI, world: World, client_for: ClientFactory
) -> None:
    """Storage places and incinerator appointments reach custody officers only, on every custody page."""
    secrets = (STORE_NAME, INCINERATOR, "INC1-")
    pages = [
        (route.path, guard)
        for method, route, guard in routes(app)
        if method == "GET" and route.path.startswith(("/custody", "/api/v1/custody"))
    ]
    assert {path for path, _ in pages} >= {"/custody", "/custody/{case_number}"}
    for path, guard in pages:
        for role in sorted(guard.roles):
            body = client_for(USERS[role]).get(concrete(path, world, role)).text
            shown = [secret for secret in secrets if secret in body]
            if role is Role.CUSTODY_OFFICER:
                assert shown == list(secrets), f"{path}: a custody officer misses {set(secrets) - set(shown)}"
            else:
                assert not shown and WITHHELD in body, f"{path} as {role} shows {shown}"
