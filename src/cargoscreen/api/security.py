"""Who is asking: session cookies (people, signed with the secret key, CSRF-protected) or bearer tokens.

Every route declares the roles it admits with :func:`allow` (or :func:`public`); :func:`guard_of` finds that
declaration again, and ``create_app`` refuses to build an app with a route that has none: deny by default.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Request, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from cargoscreen.settings import Settings
from cargoscreen.store import UnitOfWork
from cargoscreen.store.repositories.users import Role

SESSION_COOKIE = "cargoscreen_session"
LOGIN_COOKIE = "cargoscreen_login"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

#: Everyone with a case to work on: they read containers, risk, scans and decisions.
CASE_READERS = frozenset(
    {Role.TARGETING_ANALYST, Role.IMAGE_ANALYST, Role.INSPECTION_OFFICER, Role.SUPERVISOR}
)
DECIDERS = frozenset({Role.TARGETING_ANALYST, Role.IMAGE_ANALYST, Role.SUPERVISOR})
RECORDERS = frozenset({Role.INSPECTION_OFFICER, Role.SUPERVISOR})
AUDITORS = frozenset({Role.SUPERVISOR, Role.ADMIN})
#: Security incidents (intrusions in custody zones) go to the custody team and its supervisors.
INCIDENT_READERS = frozenset({Role.CUSTODY_OFFICER, Role.SUPERVISOR})
#: Custody cases: the custody team, its supervisors and admins (only custody officers see locations).
CUSTODY_READERS = frozenset({Role.CUSTODY_OFFICER, Role.SUPERVISOR, Role.ADMIN})
#: The scan plan of the day: who targets, who supervises, who inspects.
PLAN_READERS = frozenset({Role.TARGETING_ANALYST, Role.SUPERVISOR, Role.INSPECTION_OFFICER})
EVERYONE = frozenset(Role)


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated person (session) or system (token)."""

    name: str
    roles: frozenset[Role]
    via: str  # "session" or "token"
    partner_port: str | None = None
    csrf: str = ""

    @property
    def actor(self) -> str:
        """How the audit log names this principal: ``user:<name>`` or ``token:<owner>``."""
        return f"{'user' if self.via == 'session' else 'token'}:{self.name}"

    @property
    def submitter(self) -> str:
        """The ``submitted_by`` of what this principal stores (partner scans: ``partner:<PORT>``)."""
        return f"partner:{self.partner_port}" if self.partner_port else self.actor

    def has_any(self, roles: Iterable[Role]) -> bool:
        return bool(self.roles & set(roles))


class AuthProblem(Exception):
    """401 (no or bad credentials) or 403 (a role that may not, or a missing CSRF token)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class SessionCodec:
    """Signed, expiring session payloads: ``base64url(json).base64url(hmac-sha256)``."""

    def __init__(self, secret: str, lifetime_s: float) -> None:
        self._key = hashlib.sha256(b"cargoscreen-session:" + secret.encode("utf-8")).digest()
        self.lifetime_s = lifetime_s

    def issue(self, user_id: int, username: str) -> tuple[str, str]:
        """A new session cookie value and its CSRF token."""
        csrf = secrets.token_urlsafe(24)
        payload = {"u": user_id, "n": username, "exp": int(time.time() + self.lifetime_s), "csrf": csrf}
        return self._sign(payload), csrf

    def read(self, value: str) -> dict[str, Any] | None:
        """The payload of a valid, unexpired cookie, else None."""
        body, _, signature = value.partition(".")
        if not body or not hmac.compare_digest(signature, self._mac(body)):
            return None
        try:
            payload: dict[str, Any] = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        except ValueError:
            return None
        return payload if payload.get("exp", 0) > time.time() else None

    def login_token(self) -> tuple[str, str]:
        """A cookie value and form token pair for the login form (double submit, signed)."""
        token = secrets.token_urlsafe(24)
        return self._sign({"login": token, "exp": int(time.time() + 3600)}), token

    def _sign(self, payload: dict[str, Any]) -> str:
        body = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()
        body = body.rstrip("=")
        return f"{body}.{self._mac(body)}"

    def _mac(self, body: str) -> str:
        digest = hmac.new(self._key, body.encode("ascii", "replace"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def authenticate(request: Request, uow: UnitOfWork, codec: SessionCodec) -> Principal | None:
    """The principal of a bearer token or a session cookie, or None."""
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret:
            return None
        token = uow.tokens.resolve(secret.strip())
        if token is None:
            return None
        return Principal(
            name=token.owner, roles=frozenset({token.role}), via="token", partner_port=token.partner_port
        )
    cookie = request.cookies.get(SESSION_COOKIE)
    payload = codec.read(cookie) if cookie else None
    if payload is None:
        return None
    user = uow.users.by_id(int(payload.get("u", 0)))
    if user is None or user.disabled or user.username != payload.get("n"):
        return None
    return Principal(
        name=user.username, roles=frozenset(user.roles), via="session", csrf=str(payload.get("csrf", ""))
    )


class RoleGuard:
    """The dependency every route declares: who may call it (``roles``), or ``public`` for anyone."""

    def __init__(self, roles: frozenset[Role], *, public: bool = False) -> None:
        self.roles = roles
        self.public = public

    async def __call__(self, request: Request) -> Principal | None:
        services = request.app.state.services
        principal = await run_in_threadpool(_authenticate_now, request, services)
        request.state.principal = principal
        if self.public:
            return principal
        if principal is None:
            raise AuthProblem(401, "log in, or send a bearer token")
        if not principal.roles & self.roles:
            raise AuthProblem(403, f"{principal.actor} may not {request.method} {request.url.path}")
        if principal.via == "session" and request.method not in SAFE_METHODS:
            await _check_csrf(request, principal)
        return principal


def _authenticate_now(request: Request, services: Any) -> Principal | None:
    with services.database.unit_of_work() as uow:
        found: Principal | None = authenticate(request, uow, services.sessions)
        return found


async def _check_csrf(request: Request, principal: Principal) -> None:
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else ""
    if not principal.csrf or not hmac.compare_digest(sent, principal.csrf):
        raise AuthProblem(403, "missing or wrong CSRF token")


def allow(*roles: Role | frozenset[Role]) -> Any:
    """``Depends`` on a guard admitting exactly these roles (sets of roles are flattened)."""
    flat: set[Role] = set()
    for item in roles:
        flat |= item if isinstance(item, frozenset) else {item}
    if not flat:
        raise ValueError("a route admits at least one role (use public() for open routes)")
    return Depends(RoleGuard(frozenset(flat)))


def public() -> Any:
    """``Depends`` on a guard that admits anyone (the login page, health): an explicit opening."""
    return Depends(RoleGuard(frozenset(), public=True))


def api_routes(routes: Iterable[Any]) -> Iterator[APIRoute]:
    """Every endpoint route, also those of included routers (FastAPI may keep them behind a wrapper)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from api_routes(included.routes)


def guard_of(route: APIRoute) -> RoleGuard | None:
    """The guard a route declared (searched through its dependencies), or None."""
    pending = list(route.dependant.dependencies)
    while pending:
        dependant = pending.pop()
        if isinstance(dependant.call, RoleGuard):
            return dependant.call
        pending.extend(dependant.dependencies)
    return None


def set_cookie(response: Response, name: str, value: str, settings: Settings, *, max_age: int) -> None:
    """A cookie the way the workstation sets them all: HttpOnly, SameSite=Strict, Secure unless disabled."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        secure=settings.web.cookie_secure,
        httponly=True,
        samesite="strict",
    )
