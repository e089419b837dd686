"""The export formats by name, each rendered from the one export model (app/summary/present.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app import i18n
from app.errors import Invalid
from app.summary.formats import docx, html, json, markdown, pdf
from app.summary.localize import localize
from app.summary.present import SummaryExport


@dataclass(frozen=True)
class Format:
    suffix: str
    media_type: str
    render: Callable[[SummaryExport], bytes]
    localized: bool = True  # JSON: every language's version as the model holds them

    def file(self, summary: SummaryExport, lang: str) -> bytes:
        """The file of this format in `lang` (the caller runs it under `i18n.using(lang)`):
        the staff-written texts in that language's version. The JSON keeps the whole model,
        so that it hashes to the fingerprint it states."""
        return self.render(localize(summary, lang) if self.localized else summary)


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
        "json": Format("json", "application/json", json.render, localized=False),
    }


FORMATS = ("md", "html", "pdf", "docx", "json")


BILINGUAL = ("md", "html", "pdf", "docx")


def export_language(lang: str | None) -> str:
    """The language asked for the export, else the request's; 422 if it is not shipped."""
    if not lang:
        return i18n.current_locale.get()
    if lang not in i18n.SHIPPED:
        raise Invalid("Choose one of the offered languages.", field="lang")
    return lang


def second_language(fmt: str, lang: str, lang2: str | None) -> str | None:
    """The other language of a bilingual export, if one was asked for (not JSON)."""
    if not lang2 or lang2 == lang:
        return None
    if lang2 not in i18n.SHIPPED:
        raise Invalid("Choose one of the offered languages.", field="lang2")
    if fmt not in BILINGUAL:
        raise Invalid(
            "A bilingual export is available in Markdown, HTML, PDF and DOCX.", field="lang2"
        )
    return lang2


def render(fmt: str, summary: SummaryExport, lang: str, lang2: str | None = None) -> bytes:
    """The file in the export's language, whatever the request's (labels, dates, numbers, and
    the version of the staff-written texts in that language); with lang2, in two languages:
    side by side (HTML, PDF, DOCX) or one after the other (Markdown)."""
    with i18n.using(lang):
        if lang2 is None:
            return registry()[fmt].file(summary, lang)
        if fmt == "md":
            first = markdown.render(localize(summary, lang))
            with i18n.using(lang2):
                second = markdown.render(localize(summary, lang2))
                return (first + "\n\n---\n\n" + second).encode("utf-8")
        if fmt == "docx":
            return docx.render_bilingual(summary, lang2)
        page = html.render_bilingual(summary, lang2)
        return pdf.from_html(page) if fmt == "pdf" else page.encode("utf-8")
