"""Print-ready HTML: one self-contained page with print CSS (also the source of the PDF)."""

from __future__ import annotations

from app.summary.formats import text
from app.summary.present import SummaryExport
from app.templating import render_text


def render(summary: SummaryExport) -> str:
    meta = " · ".join(
        m for m in (summary.track, text.dates(summary), summary.status, text.version(summary)) if m
    )
    return render_text(
        "summary/print.html",
        {
            "s": summary,
            "meta": meta,
            "support_line": text.support_line,
            "method_lines": text.method_lines(summary.method),
            "off_record_note": text.OFF_RECORD_NOTE,
        },
    )


def render_bytes(summary: SummaryExport) -> bytes:
    return render(summary).encode("utf-8")
