"""The export formats by name, each rendered from the one export model (app/summary/present.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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
