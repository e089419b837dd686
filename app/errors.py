"""Domain errors and the one handler that renders them as a page, a fragment or JSON."""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from app.i18n import N_, gettext
from app.security.redirects import here, safe_next, with_next
from app.templating import render, render_error

log = logging.getLogger("tracktwo.errors")
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


class DomainError(Exception):
    """An error a user can act on; its message is safe to show.

    The message is an English msgid (extracted by app/i18n_extract.py) translated here, in the
    request's locale; titles are N_()-marked and translated where the error is rendered.
    """

    status_code = 400
    title = N_("Something is not right")

    def __init__(self, message: str = "", *, field: str | None = None) -> None:
        text = gettext(message or self.title)
        super().__init__(text)
        self.message = text
        self.field = field


class NotFound(DomainError):
    """Also the answer to a refused access: a confidential object is as invisible as none."""

    status_code = 404
    title = N_("Not found")


class Archived(NotFound):
    """A workshop that was archived, asked for by someone who is not its staff (its
    participants' sessions are gone with it): a page that says so, instead of a bare 404."""

    status_code = 410
    title = N_("This workshop is archived")

    def __init__(self) -> None:
        super().__init__(
            N_("Its keys were destroyed: nothing of its content can be shown any more.")
        )


class Gone(DomainError):
    """A single-use link that was used, withdrawn or has expired (staff invitations, resets)."""

    status_code = 410
    title = N_("This link is no longer valid")


class Invalid(DomainError):
    status_code = 422
    title = N_("Please check the form")

    def __init__(
        self, message: str = "", *, field: str | None = None, errors: dict[str, str] | None = None
    ) -> None:
        super().__init__(message or N_("Please correct the fields marked below."), field=field)
        given = {name: gettext(text) for name, text in (errors or {}).items()}
        self.errors = given or ({field: self.message} if field else {})


class Inconsistent(Invalid):
    """A value valid on its own but not with the rest: the other fields, or what is stored
    (a name already taken, an end before the start, a reference to nothing of this workshop).
    409, with the message by field like any Invalid: no schema can say it beforehand."""

    status_code = 409


class TooManyTries(Invalid):
    """A form refused because too many answers to it failed (a password asked again): 429,
    with the message on its field, so the form is shown again and nothing typed is lost."""

    status_code = 429


class Conflict(DomainError):
    status_code = 409
    title = N_("Not possible right now")


class TooMany(DomainError):
    status_code = 429
    title = N_("Too many attempts")


class CsrfFailed(DomainError):
    status_code = 403
    title = N_("This form has expired")


class TwoStepRequired(DomainError):
    """A staff member of a workshop that requires two-step sign-in, whose account has none:
    403 (they are its staff, so nothing is confirmed that they do not know), with the way on."""

    status_code = 403
    title = N_("This workshop requires two-step sign-in")

    def __init__(self, workshop_id: str) -> None:
        super().__init__(
            N_(
                "Its organizer asks every staff member to use two-step sign-in. Set it up on "
                "your account page (/account), then come back."
            )
        )
        self.workshop_id = workshop_id


class NotSignedIn(DomainError):
    status_code = 401
    title = N_("Please sign in")


class SessionExpired(NotSignedIn):
    """A staff session ran out (idle or absolute limit); with the form it interrupted."""

    def __init__(self, *, action: str = "", fields: dict[str, str] | None = None) -> None:
        super().__init__(N_("Your session has expired. Sign in again to continue."))
        self.action = action
        self.fields = fields or {}


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _render_page(request: Request, status: int, title: str, message: str) -> Response:
    return render_error(request, status=status, title=title, message=message)


def error_response(
    request: Request,
    status: int,
    title: str,
    message: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    response = _error_response(request, status, title, message, **extra)
    response.headers.update(headers or {})
    return response


def allowed_methods(request: Request) -> str:
    """The methods that the request's path answers (RFC 9110: a 405 says which). For the API,
    those its OpenAPI document gives the path's most literal template (POST .../rules/accept,
    not also the PATCH of .../rules/{rule_id}: no rule has that id)."""
    path = request.scope["path"]
    if wants_json(request):
        paths: dict[str, dict[str, Any]] = request.app.openapi().get("paths", {})
        matching = [t for t in paths if re.fullmatch(_template_regex(t), path)]
        if matching:
            operations = paths[min(matching, key=lambda t: t.count("{"))]
            return ", ".join(m.upper() for m in operations if m.upper() in METHODS)
    allowed = []
    for method in METHODS:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    return ", ".join(allowed)


def _template_regex(template: str) -> str:
    return re.sub(r"\\\{[^/]*?\\\}", "[^/]+", re.escape(template))


def _error_response(
    request: Request, status: int, title: str, message: str, **extra: Any
) -> Response:
    title, message = gettext(title), gettext(message)
    archived = getattr(request.state, "archived_workshop", None)
    if archived and status in (401, 404) and not wants_json(request):
        return render(request, "roster/archived.html", status=410)
    expired = getattr(request.state, "session_expired", False)
    if expired and status == 404 and not wants_json(request):
        return _to_sign_in(request, SessionExpired())  # not "nothing here": signed out
    if wants_json(request):
        body: dict[str, Any] = {"error": {"status": status, "title": title, "message": message}}
        body["error"].update(extra)
        return JSONResponse(body, status_code=status)
    return _render_page(request, status, title, message)


def _to_sign_in(request: Request, exc: NotSignedIn) -> Response:
    """To sign in, then back: a page by `next`; an interrupted form kept on the sign-in page."""
    expired = getattr(request.state, "session_expired", False)
    if expired and request.headers.get("HX-Request"):  # htmx: the whole page, back to it
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        back = current.path + (f"?{current.query}" if current.query else "")
        target = with_next("/login", safe_next(back)) + "&expired=1"
        return Response(status_code=200, headers={"HX-Redirect": target})
    if isinstance(exc, SessionExpired) and exc.action and exc.fields:
        context = {"values": {}, "errors": {}, "expired": True, "next": "/"}
        context["resume"] = {"action": exc.action, "fields": exc.fields}
        return render(request, "accounts/login.html", context, status=401)
    back = here(request) if request.method == "GET" else "/"
    flag = "&expired=1" if expired else ""
    return RedirectResponse(with_next("/login", back) + flag, status_code=303)


def install(app: FastAPI) -> None:
    """Register the handlers: domain errors, HTTP errors, validation errors, the unexpected."""

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        archived = getattr(request.state, "archived_workshop", None)
        if isinstance(exc, NotSignedIn) and not wants_json(request) and not archived:
            return _to_sign_in(request, exc)
        workshop_id = getattr(exc, "workshop_id", None)
        if exc.status_code == 409 and workshop_id and not wants_json(request):
            rules = f"/w/{workshop_id}/rules"
            if request.method == "GET" and not request.headers.get("HX-Request"):
                rules = with_next(rules, here(request))  # back where they were going
            return RedirectResponse(rules, status_code=303)
        if isinstance(exc, TwoStepRequired) and not wants_json(request):
            back = here(request) if request.method == "GET" else f"/w/{exc.workshop_id}"
            context = {"account": with_next("/account", back), "back": back}
            return render(request, "two_step/required.html", context, status=403)
        extra: dict[str, Any] = {}
        if isinstance(exc, Invalid) and exc.errors:
            extra["fields"] = exc.errors
        return error_response(request, exc.status_code, exc.title, exc.message, **extra)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        titles = {404: N_("Not found"), 405: N_("Method not allowed"), 413: N_("Too large")}
        title = titles.get(exc.status_code, N_("Request refused"))
        message = exc.detail if isinstance(exc.detail, str) else title
        if exc.status_code == 404:
            message = N_("There is nothing here, or you are not allowed to see it.")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = allowed_methods(request)
        return error_response(request, exc.status_code, title, message, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        fields: dict[str, str] = {}
        for err in exc.errors():
            loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "form")]
            fields[".".join(loc) or "request"] = str(err.get("msg", "invalid"))
        message = "; ".join(f"{k}: {v}" for k, v in fields.items()) or N_("Invalid request.")
        return error_response(request, 422, N_("Please check the form"), message, fields=fields)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.error("unhandled %s on %s", type(exc).__name__, _route_template(request))
        return error_response(
            request,
            500,
            N_("Something went wrong"),
            N_("The error has been logged. Nothing was lost."),
        )


def _route_template(request: Request) -> str:
    route = request.scope.get("route")
    return str(getattr(route, "path", "?"))
