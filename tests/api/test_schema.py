"""The OpenAPI document holds for generated requests (schemathesis, a few examples per operation).

Run as a supervisor's token against the test world: no request may end in a server error, and every
response's body must match what the document says of its status.
"""

from __future__ import annotations

import hypothesis
import pytest
import schemathesis
from api_world import World
from fastapi import FastAPI
from schemathesis.specs.openapi.checks import response_schema_conformance

from cargoscreen.store.repositories.users import Role

#: Operations that change state are left to the functional tests; schemathesis reads.
READ_ONLY = {"GET"}


@pytest.fixture(scope="module")
def supervisor_token(world: World) -> str:
    with world.database.unit_of_work() as uow:
        return uow.tokens.issue("schemathesis", Role.SUPERVISOR)[1]


def test_the_openapi_document_is_served_to_callers_and_describes_every_api_route(app: FastAPI) -> None:
    document = app.openapi()
    paths = set(document["paths"])
    assert {"/api/v1/queue", "/api/v1/containers/{number}", "/api/v1/partner/uploads/{upload_id}"} <= paths
    assert not any(path.startswith(("/queue", "/login", "/dashboard")) for path in paths)


def test_generated_requests_get_no_server_errors_and_conform(app: FastAPI, supervisor_token: str) -> None:
    schema = schemathesis.openapi.from_dict(app.openapi())
    schema.app = app  # type: ignore[attr-defined]
    failures: list[str] = []
    tested = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() not in READ_ONLY:
            continue
        tested += 1

        @hypothesis.settings(
            max_examples=8, deadline=None, database=None, suppress_health_check=list(hypothesis.HealthCheck)
        )
        @hypothesis.given(case=operation.as_strategy())
        def check(case: schemathesis.Case) -> None:
            response = case.call(app=app, headers={"Authorization": f"Bearer {supervisor_token}"})
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code}")
            else:
                case.validate_response(response, checks=[response_schema_conformance])

        check()
    assert tested >= 10
    assert not failures, failures
