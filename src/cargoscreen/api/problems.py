"""Errors as RFC 9457 ``application/problem+json`` on the API; as HTML pages on the workstation."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from cargoscreen.api.security import LOGIN_COOKIE, AuthProblem, set_cookie
from cargoscreen.domain.errors import CargoscreenError

PROBLEM_JSON = "application/problem+json"


class Problem(Exception):
    """An error a handler raises on purpose: status, short title and a detail naming what and where."""

    def __init__(self, status: int, detail: str, *, title: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.title = title or HTTPStatus(status).phrase
        self.extra = extra


def problem_response(
    request: Request, status: int, detail: str, *, title: str | None = None, **extra: Any
) -> Response:
    """A problem document, or for a page of the workstation the HTML error page."""
    title = title or HTTPStatus(status).phrase
    if not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "*/*"):
        return _html(request, status, title, detail)
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    body["instance"] = request.url.path
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def _html(request: Request, status: int, title: str, detail: str) -> Response:
    services = request.app.state.services
    template = "login.html" if status == 401 else "error.html"
    context: dict[str, Any] = {"status": status, "title": title, "detail": detail, "next": request.url.path}
    principal = getattr(request.state, "principal", None)
    if principal is not None:  # a refused page still offers to log out
        context |= {"principal": principal, "csrf": principal.csrf, "may": {}}
    if status == 401:
        cookie, token = services.sessions.login_token()
        context["login_token"] = token
        response: Response = services.templates.TemplateResponse(
            request, template, context, status_code=status
        )
        set_cookie(response, LOGIN_COOKIE, cookie, services.settings, max_age=3600)
        return response
    page: Response = services.templates.TemplateResponse(request, template, context, status_code=status)
    return page


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into a problem (or an HTML page)."""

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> Response:
        return problem_response(request, exc.status, exc.detail, title=exc.title, **exc.extra)

    @app.exception_handler(AuthProblem)
    async def _auth(request: Request, exc: AuthProblem) -> Response:
        response = problem_response(request, exc.status, exc.detail)
        if exc.status == 401 and request.url.path.startswith("/api/"):
            response.headers["WWW-Authenticate"] = 'Bearer realm="cargoscreen"'
        return response

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        return problem_response(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"loc": [str(part) for part in error.get("loc", ())], "msg": str(error.get("msg", ""))}
            for error in exc.errors()
        ]
        where = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors)
        return problem_response(request, 422, f"invalid request: {where}", errors=errors)

    @app.exception_handler(CargoscreenError)
    async def _domain(request: Request, exc: CargoscreenError) -> Response:
        return problem_response(request, 422, str(exc))
