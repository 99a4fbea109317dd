"""Workstation pages: log in, log out, the home page."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from cargoscreen.api.pages import render
from cargoscreen.api.security import (
    EVERYONE,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    AuthProblem,
    Principal,
    allow,
    public,
    set_cookie,
)
from cargoscreen.api.services import Services, services_of
from cargoscreen.store.repositories.users import User

router = APIRouter(include_in_schema=False)


@router.get("/login")
def login_page(request: Request, next: str = "/", _: Principal | None = public()) -> Response:
    return _login_form(request, next, error=None, status=200)


@router.post("/login")
async def login(
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
    _: Principal | None = public(),
) -> Response:
    services = services_of(request)
    payload = services.sessions.read(request.cookies.get(LOGIN_COOKIE, ""))
    if payload is None or not hmac.compare_digest(str(payload.get("login", "")), csrf_token):
        raise AuthProblem(403, "the login form expired or was not sent by this site: reload it")
    user = await run_in_threadpool(_authenticate, services, request, username, password)
    if user is None:
        return _login_form(request, next, error="Unknown user or wrong password.", status=401)
    cookie, _csrf = services.sessions.issue(user.id, user.username)
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_cookie(response, SESSION_COOKIE, cookie, services.settings, max_age=int(services.sessions.lifetime_s))
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(request: Request, principal: Principal = allow(EVERYONE)) -> Response:
    services_of(request).audit(request, principal, "logout", "user", principal.name)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/")
def home(request: Request, principal: Principal = allow(EVERYONE)) -> Response:
    return render(request, principal, "home.html")


def _authenticate(services: Services, request: Request, username: str, password: str) -> User | None:
    from cargoscreen.api.services import request_id

    with services.unit_of_work() as uow:
        user = uow.users.authenticate(username, password)
        uow.audit.record(
            actor=f"user:{username.strip().lower()[:60]}",
            action="login" if user else "login_failed",
            object_kind="user",
            object_id=username.strip().lower()[:60],
            detail={"client": request.client.host if request.client else ""},
            request_id=request_id(request),
        )
    return user


def _login_form(request: Request, next_path: str, *, error: str | None, status: int) -> Response:
    services = services_of(request)
    cookie, token = services.sessions.login_token()
    context = {"next": _safe_next(next_path), "error": error, "login_token": token}
    response: Response = services.templates.TemplateResponse(
        request, "login.html", context, status_code=status
    )
    set_cookie(response, LOGIN_COOKIE, cookie, services.settings, max_age=3600)
    return response


def _safe_next(value: str) -> str:
    """Only paths of this site (no scheme, no //host) are followed after logging in."""
    if not value.startswith("/") or value.startswith("//") or "\\" in value or value.startswith("/login"):
        return "/"
    return value
