"""Print-ready HTML: one self-contained page with print CSS (also the source of the PDF), in the
export's language (rendered under `i18n.using`), each paragraph with its own direction."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from app import i18n
from app.i18n import gettext
from app.summary.formats import text
from app.summary.localize import localize
from app.summary.present import SummaryExport
from app.templating import render_text


def css_string(value: str) -> Markup:
    """A CSS string literal for @page content: quotes, backslashes and "<" escaped (a <style>
    is raw text, where HTML entities such as &#39; would print as they are)."""
    escaped = "".join(f"\\{ord(c):x} " if c in '\\"<>&\n' else c for c in value)
    return Markup(f'"{escaped}"')  # noqa: S704  # nosec B704 (escaped for CSS just above)


def _lang_attribute(code: str) -> Markup:
    """` lang="xx"` on an element whose text is in another language than the page's."""
    if not text.foreign(code):
        return Markup("")
    return Markup(' lang="{}"').format(code)


def _context(summary: SummaryExport, parts: tuple[str, ...] | None = None) -> dict[str, Any]:
    locale = i18n.current_locale.get()
    return {
        "s": summary,
        "lang": locale,
        "dir": i18n.direction(locale),
        "dir_of": text.direction,
        "lang_of": _lang_attribute,
        "marker": text.original_marker,
        "meta": text.meta(summary),
        "session_heading": text.session_heading,
        "support_line": text.support_line,
        "signoff_line": text.signoff_line,
        "method_lines": text.method_lines(summary),
        "off_record_note": text.label(text.OFF_RECORD_NOTE),
        "page_header": css_string(
            f"{gettext('Non-attributed summary')} · {text.label(text.CONFIDENTIAL)}"
        ),
        "isolate": text.isolate,
        "join_runs": text.join_runs,
        "parts": parts,
        "pairs": None,
    }


def render(summary: SummaryExport) -> str:
    return render_text("summary/print.html", _context(summary))


def _cell(summary: SummaryExport, part: str) -> Markup:
    page = render_text("summary/print.html", _context(summary, (part,)))
    inner = page.split("<body>", 1)[1].rsplit("</body>", 1)[0]
    return Markup(inner)  # noqa: S704  # nosec B704 (our own autoescaped template's output)


def render_bilingual(summary: SummaryExport, second: str) -> str:
    """Two languages side by side, part by part (the top, each session, the method), in the
    request's export language first; each cell with its own lang and dir."""
    first = i18n.current_locale.get()
    names = ["top", *(f"session-{i}" for i in range(len(summary.sessions))), "method"]
    rows = []
    for name in names:
        row = []
        for code in (first, second):
            with i18n.using(code):
                row.append((code, i18n.direction(code), _cell(localize(summary, code), name)))
        rows.append(row)
    return render_text("summary/print.html", {**_context(summary), "pairs": rows})


def render_bytes(summary: SummaryExport) -> bytes:
    return render(summary).encode("utf-8")
