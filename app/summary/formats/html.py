"""Print-ready HTML: one self-contained page with print CSS (also the source of the PDF), in the
export's language (rendered under `i18n.using`), each paragraph with its own direction."""

from __future__ import annotations

from markupsafe import Markup

from app import i18n
from app.i18n import gettext
from app.summary.formats import text
from app.summary.present import SummaryExport
from app.templating import render_text


def css_string(value: str) -> Markup:
    """A CSS string literal for @page content: quotes, backslashes and "<" escaped (a <style>
    is raw text, where HTML entities such as &#39; would print as they are)."""
    escaped = "".join(f"\\{ord(c):x} " if c in '\\"<>&\n' else c for c in value)
    return Markup(f'"{escaped}"')  # noqa: S704 (escaped for CSS just above)


def render(summary: SummaryExport) -> str:
    locale = i18n.current_locale.get()
    return render_text(
        "summary/print.html",
        {
            "s": summary,
            "lang": locale,
            "dir": i18n.direction(locale),
            "dir_of": text.direction,
            "meta": text.meta(summary),
            "session_heading": text.session_heading,
            "support_line": text.support_line,
            "method_lines": text.method_lines(summary),
            "off_record_note": text.label(text.OFF_RECORD_NOTE),
            "page_header": css_string(
                f"{gettext('Non-attributed summary')} · {text.label(text.CONFIDENTIAL)}"
            ),
            "isolate": text.isolate,
            "join_runs": text.join_runs,
        },
    )


def render_bytes(summary: SummaryExport) -> bytes:
    return render(summary).encode("utf-8")
