"""DOCX with python-docx: headings, lists and right-to-left paragraphs where the text is."""

from __future__ import annotations

import io
import unicodedata
from typing import Any

from docx import Document
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.shared import Cm, Pt, RGBColor

from app.summary.formats import text
from app.summary.present import Block, SummaryExport

FONT = "Noto Sans"
GREY = RGBColor(0x44, 0x44, 0x44)


def is_rtl(value: str) -> bool:
    """The first strong character decides, as dir="auto" does in HTML."""
    for ch in value:
        bidi = unicodedata.bidirectional(ch)
        if bidi in {"R", "AL"}:
            return True
        if bidi == "L":
            return False
    return False


def _rtl(paragraph: Any, value: str) -> None:
    if not is_rtl(value):
        return
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(OxmlElement("w:bidi"))  # starts at the right; "right" would mean the end here
    for run in paragraph.runs:
        rpr = run._r.get_or_add_rPr()
        rpr.append(OxmlElement("w:rtl"))


def _para(
    doc: Any,
    value: str,
    *,
    style: str | None = None,
    bold: str = "",
    grey: bool = False,
    sub: bool = False,
) -> Any:
    paragraph = doc.add_paragraph(style=style)
    if sub or style == "List Bullet":
        paragraph.paragraph_format.space_after = Pt(1)
        paragraph.paragraph_format.space_before = Pt(0)
    if sub:
        paragraph.paragraph_format.left_indent = Cm(0.63)
    if bold:
        paragraph.add_run(bold).bold = True
    run = paragraph.add_run(value)
    if grey:
        run.font.color.rgb = GREY
        run.font.size = Pt(9.5)
    _rtl(paragraph, value)
    return paragraph


def _heading(doc: Any, value: str, level: int) -> None:
    heading = doc.add_heading(value, level=level)
    _rtl(heading, value)


def _blocks(doc: Any, blocks: tuple[Block, ...]) -> None:
    for block in blocks:
        if block.kind == "li":
            _para(doc, block.text, style="List Bullet")
        elif block.kind == "h":
            _para(doc, "", bold=block.text)
        else:
            _para(doc, block.text)


def _fonts(doc: Any) -> None:
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(10.5)
    rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), FONT)


def render(summary: SummaryExport) -> bytes:
    doc = Document()
    _fonts(doc)
    doc.core_properties.title = summary.title
    doc.core_properties.author = ""
    doc.core_properties.last_modified_by = ""
    doc.core_properties.comments = "Non-attributed summary"
    _heading(doc, summary.title, 0)
    meta = " · ".join(
        m for m in (summary.track, text.dates(summary), summary.status, text.version(summary)) if m
    )
    _para(doc, meta, grey=True)
    if summary.purpose:
        _heading(doc, "Purpose", 1)
        _para(doc, summary.purpose)
    if summary.rules:
        _heading(doc, "Ground rules", 1)
        for rule in summary.rules:
            paragraph = doc.add_paragraph(style="List Number")
            paragraph.add_run(rule.title).bold = True
            if rule.body:
                paragraph.add_run(": " + rule.body)
            _rtl(paragraph, rule.title)
    if summary.general:
        _heading(doc, "General synthesis", 1)
        _blocks(doc, summary.general)
    _heading(doc, "Agenda", 1)
    for session in summary.sessions:
        day = f" ({text.day(session.day)})" if session.day else ""
        _heading(doc, session.title + day, 2)
        for item in session.items:
            _heading(doc, item.title, 3)
            _para(doc, f"{item.level_label} · {item.kind_label}", grey=True)
            if item.off_record:
                _para(doc, text.OFF_RECORD_NOTE)
                continue
            if item.description:
                _para(doc, item.description)
            if item.synthesis:
                _para(doc, "", bold="Synthesis")
                _blocks(doc, item.synthesis)
            if item.themes:
                _para(doc, "; ".join(item.themes), bold="Themes: ")
            if item.proposals:
                _para(doc, "", bold="Proposals")
                for p in item.proposals:
                    _para(doc, p.text, style="List Bullet")
                    if p.theme:
                        _para(doc, p.theme, bold="Theme: ", grey=True, sub=True)
                    _para(doc, text.support_line(p), grey=True, sub=True)
                    if p.attribution:
                        _para(
                            doc,
                            p.attribution,
                            bold="Attributed, at the author's wish, to: ",
                            sub=True,
                        )
    _heading(doc, "Method", 1)
    for line in text.method_lines(summary.method):
        _para(doc, line, grey=True)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
