"""What every JSON API operation can answer besides its success, declared once.

`ApiRoute` (every API router's route class) adds to each operation's OpenAPI `responses` the
error answers it can give, with the body that app.errors renders (`ErrorOut`); a route's own
description of one of them wins. `Body` is the base of request bodies: unknown fields are
refused, and the schema says so (`additionalProperties: false`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from zoneinfo import available_timezones

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


_DATE: dict[str, Any] = {"format": "date"}
_ZONES = available_timezones()


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _whole(value: object) -> object:
    """JSON's 5.0 is the integer 5 (so says JSON Schema); "5" and true are not numbers."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


WHOLE = BeforeValidator(_whole)  # after the bounds, so that the schema keeps them
Whole = Annotated[int, Field(strict=True), WHOLE]


async def no_json_null(request: Request) -> None:
    """An optional body is an object or nothing: a JSON null is neither (422)."""
    if (await request.body()).strip() == b"null":
        error = {"loc": ("body",), "msg": "Input should be an object", "type": "model_type"}
        raise RequestValidationError([error])


Id = Annotated[str, Field(max_length=64, description="An id (of this workshop)")]
IdempotencyKey = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{16,64}$")]
Day = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", json_schema_extra=_DATE)]
Clock = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="HH:MM")]
_CODE = r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*"
Languages = Annotated[
    str,
    Field(
        max_length=200,
        pattern=rf"^ *{_CODE}( *[,;] *{_CODE}){{0,11}} *$",
        description="Up to 12 language codes, separated by commas (en, ar, fr-CH)",
    ),
]
TimeZone = Annotated[
    str, Field(max_length=64), WithJsonSchema({"type": "string", "enum": sorted(_ZONES)})
]


class ErrorDetail(BaseModel):
    status: int
    title: str
    message: str
    fields: dict[str, str] | None = Field(
        default=None, description="A message per refused field (422)"
    )


class ErrorOut(BaseModel):
    """The body of every error answer of the API (app.errors.error_response)."""

    error: ErrorDetail


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorOut, "description": description}


UNSIGNED = _error("Not signed in, or an API token that is not valid")
MISSING = _error(
    "No such object, or not for this caller: a refusal answers 404 like an object that does "
    "not exist, so that nobody learns what exists that they may not see"
)
ARCHIVED = _error("The workshop is archived (its keys are destroyed), for a non-staff caller")
INVALID = _error("Invalid input, with a message per field; or an Idempotency-Key reused")
REFUSED = _error("Refused by a rule of the workshop (a value the service does not accept)")
CSRF = _error("A cookie session's state change without its CSRF token, or from another site")
CONFLICT = _error(
    "Not possible in the current state (closed, started, already done, the ground rules to "
    "accept anew...), or a value that does not fit the others or what is stored"
)
TOO_LARGE = _error("The request body is too large")


def error_responses(path: str, methods: set[str]) -> dict[int | str, dict[str, Any]]:
    """The error answers an operation can give: by its method and whether it names objects."""
    responses: dict[int | str, dict[str, Any]] = {401: UNSIGNED}
    writes = not methods <= SAFE
    if "{" in path or writes:
        responses |= {404: MISSING, 422: INVALID}
    if "{workshop_id}" in path:  # a participant reads nothing before accepting the new rules
        responses |= {409: CONFLICT, 410: ARCHIVED}
    if writes:
        responses |= {400: REFUSED, 403: CSRF, 409: CONFLICT, 413: TOO_LARGE}
    return responses


class ApiRoute(APIRoute):
    """An API route whose OpenAPI lists every error answer (see error_responses)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        methods = {m.upper() for m in kwargs.get("methods") or {"GET"}}
        responses = error_responses(path, methods)
        for status, given in (kwargs.get("responses") or {}).items():
            responses[status] = {**responses.get(status, {}), **given}
        kwargs["responses"] = responses
        super().__init__(path, endpoint, **kwargs)
