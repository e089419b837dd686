"""Locale-aware formatting for templates: dates, times and numbers in the request's locale.

Registered as Jinja filters in app/templating.py:
`{{ d | date_format }}` (medium), `{{ d | date_format("full") }}`, `{{ t | time_format }}`,
`{{ n | number }}`, `{{ 0.4 | percent }}`, `{{ names | list_join }}` (the Arabic comma in ar,
fa, ur). Each accepts None (renders nothing) and ISO strings.
Times are shown as stored (an agenda slot), never finer.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal

from babel import dates, numbers

from app import i18n


def _locale() -> str:
    return i18n.current_locale.get()


def date_format(value: date | datetime | str | None, format: str = "medium") -> str:
    """A day in the locale's own form (e.g. 22 nov. 2026; Arabic puts RLM marks around the /)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.date()
    return dates.format_date(value, format=format, locale=_locale())


def time_format(value: time | datetime | str | None, format: str = "short") -> str:
    """A time of day in the locale's form (14:30, 2:30 PM)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = time.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.time()
    return dates.format_time(value, format=format, locale=_locale())


def date_range(start: date | None, end: date | None) -> str:
    """One day, or first and last day as the locale writes an interval."""
    if start is None:
        return ""
    if end is None or end == start:
        return date_format(start)
    return dates.format_interval(start, end, skeleton="yMMMd", locale=_locale())


def number(value: int | float | Decimal | None) -> str:
    """A number with the locale's digits and separators."""
    if value is None:
        return ""
    return numbers.format_decimal(value, locale=_locale())


def percent(value: float | Decimal | None) -> str:
    """A fraction (0.4) as the locale writes a percentage (40 %, ٪40)."""
    if value is None:
        return ""
    return numbers.format_percent(value, locale=_locale())


# Languages written in Arabic script use the Arabic comma and semicolon between list items.
_SEPARATORS = {",": "، ", ";": "؛ "}
ARABIC_SCRIPT = frozenset({"ar", "fa", "ur"})


def list_join(items: Iterable[str], separator: str = ",", locale: str | None = None) -> str:
    """Items joined with the locale's comma (or semicolon): "، " and "؛ " in Arabic script."""
    code = locale or _locale()
    if code in ARABIC_SCRIPT:
        return _SEPARATORS[separator].join(items)
    return f"{separator} ".join(items)


FILTERS = {
    "date_format": date_format,
    "time_format": time_format,
    "date_range": date_range,
    "number": number,
    "percent": percent,
    "list_join": list_join,
}


def content_locale(languages: str | list[str]) -> str:
    """The language for content written on someone's behalf (a workshop's starter rules): the
    first of its languages that ships a translation, else English."""
    codes = languages.split(",") if isinstance(languages, str) else languages
    for code in codes:
        code = code.strip().lower().split("-")[0]
        if code in i18n.SHIPPED:
            return code
    return "en"


def gettext_in(locale: str, message: str) -> str:
    """Translate into a given shipped locale, whatever the request's; paragraph by paragraph
    (blank-line separated), so a long text is translated as its marked paragraphs."""
    catalog = i18n.translations(locale if locale in i18n.SHIPPED else "en")
    return "\n\n".join(catalog.gettext(part) for part in message.split("\n\n"))
