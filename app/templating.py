"""Jinja2 environment and rendering of whole pages or one named block (an htmx fragment)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    select_autoescape,
)
from markupsafe import Markup, escape

from app import i18n, l10n
from app.config import ROOT, get_settings
from app.ids import new_id

TEMPLATES_DIR = ROOT / "templates"


def _make_env(path: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(path)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        _escaped_gettext, _escaped_ngettext, newstyle=True
    )
    env.globals["gettext"] = env.globals["_"] = _formatted_gettext
    env.globals["idem"] = new_id  # a fresh idempotency key for each form (app.replay)
    env.filters.update(l10n.FILTERS)
    return env


def _formatted_gettext(message: str, **variables: Any) -> Markup:
    """`_(message, name=value)`; without parameters the text is not a format string, so a
    stray `%` (in a translation, or in text that should never have come here) cannot fail."""
    text = _escaped_gettext(message)  # escaped: a Markup already
    return text % variables if variables else text  # Markup's % escapes the parameters


def _escaped_gettext(message: str) -> Markup:
    """Translations are text, never markup: `_(message)` is safe whatever message holds."""
    return escape(i18n.gettext(message))


def _escaped_ngettext(singular: str, plural: str, n: int) -> Markup:
    return escape(i18n.ngettext(singular, plural, n))


env = _make_env(TEMPLATES_DIR)


def base_context(request: Request) -> dict[str, Any]:
    settings = getattr(request.app.state, "settings", None) or get_settings()
    locale = i18n.current_locale.get()
    state = request.state
    return {
        "request_path": request.url.path,
        "csrf_token": getattr(state, "csrf_token", ""),
        "me": getattr(state, "me", None),
        "lang": locale,
        "dir": i18n.direction(locale),
        "languages": i18n.LANGUAGE_NAMES,
        "htmx_url": settings.htmx_url,
        "htmx_sri": settings.htmx_sri if settings.htmx_source == "cdn" else "",
        "flash": getattr(state, "flash", None),
    }


def render_text(name: str, context: dict[str, Any], block: str | None = None) -> str:
    template = env.get_template(name)
    if block is None:
        return template.render(context)
    ctx = template.new_context(context)
    return "".join(template.blocks[block](ctx))


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    block: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    """Render a page; with block, or for an htmx request naming one, only that fragment."""
    full = {**base_context(request), **(context or {})}
    if (
        block is None
        and request.headers.get("HX-Request")
        and not request.headers.get("HX-Boosted")
    ):
        wanted = request.query_params.get("fragment")
        if wanted:
            block = wanted
    if block is not None and block not in env.get_template(name).blocks:
        block = None
    return HTMLResponse(render_text(name, full, block), status_code=status)


def render_error(request: Request, *, status: int, title: str, message: str) -> HTMLResponse:
    name = f"errors/{status}.html"
    try:
        env.get_template(name)
    except Exception:
        name = "errors/error.html"
    context = {**base_context(request), "status": status, "title": title, "message": message}
    return HTMLResponse(render_text(name, context), status_code=status)
