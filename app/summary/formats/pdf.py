"""PDF, rendered by WeasyPrint from the print HTML (system Noto fonts for Arabic, Hebrew, Persian
and Urdu): tagged PDF/UA-1, with the document's language and title."""

from __future__ import annotations

import logging

from app.summary.formats import html
from app.summary.present import SummaryExport


def render(summary: SummaryExport) -> bytes:
    return from_html(html.render(summary))


def from_html(page: str) -> bytes:
    """The PDF of a print page (one language, or two side by side)."""
    from weasyprint import HTML

    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    document = HTML(string=page, base_url=None)
    data: bytes = document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
    return data
