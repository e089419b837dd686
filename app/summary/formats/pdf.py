"""PDF, rendered by WeasyPrint from the print HTML (system Noto fonts for Arabic and Hebrew)."""

from __future__ import annotations

import logging

from app.summary.formats import html
from app.summary.present import SummaryExport


def render(summary: SummaryExport) -> bytes:
    from weasyprint import HTML

    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    document = HTML(string=html.render(summary), base_url=None)
    data: bytes = document.write_pdf()
    return data
