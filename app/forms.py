"""Input cleaning shared by every form and API body: NFC, no control characters, lengths."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, time
from typing import Any, TypeVar
from urllib.parse import unquote_to_bytes

from sqlmodel import Session

from app import l10n
from app.errors import DomainError, Invalid
from app.i18n import N_, gettext, translate

R = TypeVar("R")

ALLOWED_CONTROLS = frozenset({"\n", "\t"})  # in multi-line text (app.apitext says so)
REFUSED_CATEGORIES = frozenset({"Cs", "Co", "Cn"})


def clean_text(
    value: object,
    *,
    field: str,
    label: str,
    max_length: int,
    required: bool = True,
    multiline: bool = False,
) -> str:
    """Normalise to NFC, strip, refuse control characters and out-of-range lengths."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid(translate("%(label)s must be text.", label=gettext(label)), field=field)
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    allowed = ALLOWED_CONTROLS if multiline else frozenset()
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cc" and ch not in allowed:
            raise Invalid(
                translate("%(label)s contains a control character.", label=gettext(label)),
                field=field,
            )
        if category in REFUSED_CATEGORIES:
            raise Invalid(
                translate("%(label)s contains an invalid character.", label=gettext(label)),
                field=field,
            )
    if required and not text:
        raise Invalid(translate("%(label)s is required.", label=gettext(label)), field=field)
    if len(text) > max_length:
        raise Invalid(
            translate(
                "%(label)s must be at most %(max)s characters.",
                label=gettext(label),
                max=max_length,
            ),
            field=field,
        )
    return text


def clean_choice(
    value: object, *, field: str, label: str, choices: dict[str, str] | tuple[str, ...]
) -> str:
    if not isinstance(value, str) or value not in choices:
        options = l10n.list_join(choices)
        raise Invalid(
            translate(
                "%(label)s must be one of: %(options)s.", label=gettext(label), options=options
            ),
            field=field,
        )
    return value


def clean_int(value: object, *, field: str, label: str, minimum: int, maximum: int) -> int:
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        raise Invalid(
            translate("%(label)s must be a whole number.", label=gettext(label)), field=field
        ) from None
    if isinstance(number, bool) or not minimum <= number <= maximum:
        raise Invalid(
            translate(
                "%(label)s must be between %(minimum)s and %(maximum)s.",
                label=gettext(label),
                minimum=minimum,
                maximum=maximum,
            ),
            field=field,
        )
    return number


def clean_date(value: object, *, field: str, label: str, required: bool = False) -> date | None:
    if value in (None, ""):
        if required:
            raise Invalid(translate("%(label)s is required.", label=gettext(label)), field=field)
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise Invalid(
            translate("%(label)s must be a date (YYYY-MM-DD).", label=gettext(label)), field=field
        ) from None


def clean_time(value: object, *, field: str, label: str) -> time | None:
    if value in (None, ""):
        return None
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(str(value).strip())
    except ValueError:
        raise Invalid(
            translate("%(label)s must be a time (HH:MM).", label=gettext(label)), field=field
        ) from None


def refused(
    db: Session, exc: DomainError, values: Mapping[str, Any], redraw: Callable[..., R]
) -> R:
    """Answer a form that a service refused: a 404 stays a 404 (nothing to show); otherwise
    roll back what the refused attempt wrote and draw the page again, with the status, what
    the person typed, the errors by field, or the message when no field is named."""
    if exc.status_code == 404 and not isinstance(exc, Invalid):
        raise exc
    db.rollback()
    errors = exc.errors if isinstance(exc, Invalid) else {}
    return redraw(
        status=exc.status_code,
        values=dict(values),
        errors=errors,
        message=None if errors else exc.message,
    )


IDEMPOTENCY_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
NOT_UTF8 = N_(
    "The request is not valid UTF-8 text, so nothing was saved. Send it encoded as UTF-8."
)


def is_utf8(body: bytes, content_type: str) -> bool:
    """Whether a request body is valid UTF-8 (a form's once its %-escapes are decoded), so
    that bad bytes are refused instead of replaced by the parser. Multipart is left alone."""
    kind = content_type.split(";", 1)[0].strip().lower()
    try:
        if kind == "application/x-www-form-urlencoded":
            for pair in body.split(b"&"):
                for part in pair.split(b"=", 1):
                    unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
        elif not kind.startswith("multipart/"):
            body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def clean_idempotency_key(value: object) -> str | None:
    """The hidden key of a form (or API body) that makes its submission idempotent; optional."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not IDEMPOTENCY_RE.match(value):
        raise Invalid("This form is missing its key. Reload the page and try again.", field="form")
    return value
