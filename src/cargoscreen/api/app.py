"""The application factory: REST API under /api/v1 and the analyst workstation's pages, one FastAPI app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from cargoscreen import __version__
from cargoscreen.api import problems
from cargoscreen.api.middleware import BodyLimitMiddleware, RequestIdMiddleware
from cargoscreen.api.routes import ROUTERS
from cargoscreen.api.security import SessionCodec, api_routes, guard_of
from cargoscreen.api.services import WEB_DIR, Services
from cargoscreen.settings import Settings
from cargoscreen.store import BlobStore, Database

#: Paths that take files (partner scans, inspection photos) get ``max_upload_mb``; the rest this much.
SMALL_BODY = 1 << 20
#: Threads for blocking handlers (anyio's default is 40). Handlers are short and hold the GIL or a database
#: connection; as many threads as the store's connection pool keeps (5) avoid reconnecting under load.
HANDLER_THREADS = 5
_UPLOAD_PATHS = ("/api/v1/partner/", "/containers/")

DESCRIPTION = """REST API of cargoscreen's analyst workstation.

Authenticate with `Authorization: Bearer <token>` (tokens: `cargoscreen users token`) or a session cookie
from `/login` (state-changing requests then carry the `X-CSRF-Token` header). Lists are cursor-paginated:
pass a page's `next_cursor` as `cursor`. Errors are `application/problem+json`.
"""


def create_app(
    settings: Settings, *, database: Database | None = None, blobs: BlobStore | None = None
) -> FastAPI:
    """Build the app; the database (migrated by the caller) and blob store default to the settings'."""
    if database is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        database = Database(settings.resolved_database_url)
    services = Services(
        settings=settings,
        database=database,
        blobs=blobs or BlobStore(settings.resolved_blob_url),
        sessions=SessionCodec(
            settings.secret_key.get_secret_value(), lifetime_s=settings.web.session_hours * 3600
        ),
    )
    app = FastAPI(
        title="cargoscreen",
        version=__version__,
        description=DESCRIPTION,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.state.services = services
    problems.install(app)
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    upload_limit = settings.max_upload_mb << 20
    app.add_middleware(
        BodyLimitMiddleware,
        limit_for=lambda path: upload_limit if path.startswith(_UPLOAD_PATHS) else SMALL_BODY,
    )
    app.add_middleware(RequestIdMiddleware)
    _refuse_unguarded(app)
    return app


@asynccontextmanager
async def _lifespan(_: FastAPI) -> AsyncIterator[None]:
    anyio.to_thread.current_default_thread_limiter().total_tokens = HANDLER_THREADS
    yield


def create_app_from_environment() -> FastAPI:
    """The app of the settings in the environment, its database migrated (``uvicorn --factory`` target)."""
    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    database = Database(settings.resolved_database_url)
    database.upgrade()
    return create_app(settings, database=database)


def _refuse_unguarded(app: FastAPI) -> None:
    """Deny by default: every route must declare who may call it."""
    missing = [
        f"{sorted(route.methods or ())} {route.path}"
        for route in api_routes(app.routes)
        if guard_of(route) is None
    ]
    if missing:
        raise RuntimeError(f"routes without a role guard: {', '.join(missing)}")
