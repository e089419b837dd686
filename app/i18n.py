"""Locales: negotiation from the person's choice or the browser, and gettext per request."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
SHIPPED = ("en", "fr", "ru", "ar", "he", "fa", "ur")
RTL = frozenset({"ar", "he", "fa", "ur"})
LANGUAGE_NAMES = {
    "en": "English",
    "fr": "Français",
    "ru": "Русский",
    "ar": "العربية",
    "he": "עברית",
    "fa": "فارسی",
    "ur": "اردو",
}

current_locale: ContextVar[str] = ContextVar("current_locale", default="en")


@lru_cache(maxsize=16)
def translations(locale: str) -> NullTranslations:
    if locale == "en":
        return NullTranslations()
    return Translations.load(str(LOCALES_DIR), [locale], domain="messages")


def gettext(message: str) -> str:
    return translations(current_locale.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_locale.get()).ngettext(singular, plural, n)


def negotiate(chosen: str | None, accept_language: str | None) -> str:
    """The person's choice if shipped, else the best of the browser's, else English."""
    if chosen in SHIPPED:
        return chosen
    if accept_language:
        weighted: list[tuple[float, str]] = []
        for part in accept_language.split(","):
            piece = part.strip()
            if not piece:
                continue
            lang, _, q = piece.partition(";q=")
            try:
                weight = float(q) if q else 1.0
            except ValueError:
                weight = 0.0
            weighted.append((weight, lang.strip().lower().split("-")[0]))
        for _, lang in sorted(weighted, key=lambda pair: -pair[0]):
            if lang in SHIPPED:
                return lang
    return "en"


@contextmanager
def using(locale: str) -> Iterator[str]:
    """Translate and format in this shipped locale for a while (an export in its own
    language, whatever the request's), then back to the request's."""
    token = current_locale.set(locale if locale in SHIPPED else "en")
    try:
        yield current_locale.get()
    finally:
        current_locale.reset(token)


def direction(locale: str) -> str:
    return "rtl" if locale in RTL else "ltr"


def N_(message: str) -> str:
    """Mark a fixed string for extraction; the place that shows it translates it."""
    return message


def translate(message: str, **params: object) -> str:
    """Translate now, in the request's locale, then fill its %(name)s parameters."""
    text = gettext(message)
    return text % params if params else text
