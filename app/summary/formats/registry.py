"""The export formats by name, each rendered from the one export model (app/summary/present.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app import i18n
from app.errors import Invalid
from app.summary.formats import docx, html, json, markdown, pdf
from app.summary.present import SummaryExport


@dataclass(frozen=True)
class Format:
    suffix: str
    media_type: str
    render: Callable[[SummaryExport], bytes]


def registry() -> dict[str, Format]:
    return {
        "md": Format("md", "text/markdown; charset=utf-8", markdown.render_bytes),
        "html": Format("html", "text/html; charset=utf-8", html.render_bytes),
        "pdf": Format("pdf", "application/pdf", pdf.render),
        "docx": Format(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            docx.render,
        ),
        "json": Format("json", "application/json", json.render),
    }


FORMATS = ("md", "html", "pdf", "docx", "json")


def export_language(lang: str | None) -> str:
    """The language asked for the export, else the request's; 422 if it is not shipped."""
    if not lang:
        return i18n.current_locale.get()
    if lang not in i18n.SHIPPED:
        raise Invalid("Choose one of the offered languages.", field="lang")
    return lang


def render(fmt: str, summary: SummaryExport, lang: str) -> bytes:
    """The file in the export's language, whatever the request's (labels, dates, numbers)."""
    with i18n.using(lang):
        return registry()[fmt].render(summary)
