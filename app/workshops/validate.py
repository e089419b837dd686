"""Field checks shared by the workshop-design forms and API bodies (built on app/forms.py).

`Checks` runs each cleaner and collects every refusal, so a form shows all its messages at
once, each next to its field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.errors import Inconsistent, Invalid
from app.forms import clean_choice, clean_int, clean_text, clean_time
from app.i18n import gettext, translate
from app.policy import LEVELS

LEVEL_CHOICES = {level: level for level in LEVELS}
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class Checks:
    """Collect cleaned values and refusals; `done()` raises one Invalid naming every field
    (Inconsistent when only `fail`, a check across fields or against what is stored, refused)."""

    def __init__(self, data: Mapping[str, Any], *, partial: bool = False) -> None:
        self.data = data
        self.partial = partial
        self.out: dict[str, Any] = {}
        self.errors: dict[str, str] = {}
        self.inconsistent = False

    def field(self, name: str, cleaner: Callable[..., Any], **kwargs: Any) -> None:
        if self.partial and name not in self.data:
            return
        try:
            self.out[name] = cleaner(self.data.get(name), field=name, **kwargs)
        except Invalid as exc:
            self.errors[exc.field or name] = exc.message

    def fail(self, name: str, message: str) -> None:
        self.inconsistent = self.inconsistent or not self.errors
        self.errors.setdefault(name, message)

    def done(self) -> dict[str, Any]:
        if self.errors and self.inconsistent:
            raise Inconsistent(errors=dict(self.errors))
        if self.errors:
            raise Invalid(errors=dict(self.errors))
        return self.out


def clean_level(value: object, *, field: str, label: str = "Confidentiality level") -> str:
    return clean_choice(value, field=field, label=label, choices=LEVEL_CHOICES)


def clean_timezone(value: object, *, field: str, label: str = "Time zone") -> str:
    name = clean_text(value, field=field, label=label, max_length=64)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(
            translate(
                "%(label)s must be a time zone name such as Europe/Geneva.", label=gettext(label)
            ),
            field=field,
        ) from None
    return name


def clean_languages(value: object, *, field: str, label: str = "Languages") -> str:
    """A comma-separated list of language codes (en, ar, he, fr-CH), at most 12."""
    text = clean_text(value, field=field, label=label, max_length=200)
    codes: list[str] = []
    for part in text.replace(";", ",").split(","):
        code = part.strip()
        if not code:
            continue
        if not _LANGUAGE.match(code):
            raise Invalid(
                translate(
                    "%(label)s: %(code)s is not a language code such as en, ar or fr-CH.",
                    label=gettext(label),
                    code=repr(code[:20]),
                ),
                field=field,
            )
        if code not in codes:
            codes.append(code)
    if not codes:
        raise Invalid(translate("%(label)s is required.", label=gettext(label)), field=field)
    if len(codes) > 12:
        raise Invalid(
            translate("%(label)s: at most 12 languages.", label=gettext(label)), field=field
        )
    return ",".join(codes)


def clean_optional_int(
    value: object, *, field: str, label: str, minimum: int, maximum: int
) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return clean_int(value, field=field, label=label, minimum=minimum, maximum=maximum)


def clean_direction(value: object, *, field: str = "direction") -> str:
    return clean_choice(value, field=field, label="Direction", choices=("up", "down"))


def clean_clock(value: object, *, field: str, label: str) -> time | None:
    """A wall-clock time (HH:MM) in the workshop's time zone: no offset, no seconds."""
    if value is not None and not isinstance(value, str | time):
        raise Invalid(
            translate("%(label)s must be a time (HH:MM).", label=gettext(label)), field=field
        )
    result = clean_time(value, field=field, label=label)
    if result is None:
        return None
    if result.tzinfo is not None:
        raise Invalid(
            translate(
                "%(label)s must be a time (HH:MM) without a time-zone offset.",
                label=gettext(label),
            ),
            field=field,
        )
    return result.replace(second=0, microsecond=0)


FLAG_VALUES = {True: True, False: False, "on": True, "1": True, "true": True, "": False, "0": False}
FLAG_VALUES.update({"false": False, "off": False})


def clean_flag(value: object, *, field: str, label: str) -> bool:
    """A checkbox (present: on; absent: off) or a JSON boolean."""
    if value is None:
        return False
    key = value.strip().lower() if isinstance(value, str) else value
    if isinstance(key, bool | str) and key in FLAG_VALUES:
        return FLAG_VALUES[key]
    raise Invalid(translate("%(label)s must be on or off.", label=gettext(label)), field=field)
