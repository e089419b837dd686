"""DOCX with python-docx, a document an office files: A4, a header with the workshop title and
the confidentiality marking, page numbers in the footer, every label in the export's language,
right-to-left paragraphs and list items set as such, and core properties without an author."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.shared import Cm, Pt, RGBColor

from app import i18n
from app.i18n import gettext as _
from app.summary.blocks import Block
from app.summary.formats import text
from app.summary.localize import localize
from app.summary.present import SummaryExport
from app.translations import service as translations

FONT = "Noto Sans"
RTL_FONT = {"ur": "Noto Nastaliq Urdu"}
GREY = RGBColor(0x44, 0x44, 0x44)
# w:pPr children that come after w:bidi in the schema (CT_PPrBase order).
_AFTER_BIDI = (
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
    "w:pPrChange",
)  # fmt: skip


def is_rtl(value: str) -> bool:
    """The first strong character decides, as dir="auto" does in HTML."""
    return text.strong_direction(value) == "rtl"


def _set_bidi(paragraph: Any) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    if ppr.find(qn("w:bidi")) is not None:
        return
    bidi = OxmlElement("w:bidi")  # starts at the right, bullet and number included
    following = next((c for c in ppr if c.tag in {qn(t) for t in _AFTER_BIDI}), None)
    if following is not None:
        following.addprevious(bidi)
    else:
        ppr.append(bidi)


def _rtl(paragraph: Any, value: str, lang: str = "") -> None:
    """Direction from the content, else from its language or the export's; runs w:rtl, and
    w:lang after it (the schema's order) for a text in another language than the export's."""
    rtl = text.direction(value, lang) == "rtl"
    if rtl:
        _set_bidi(paragraph)
    for run in paragraph.runs:
        if rtl:
            if run.bold:
                run.font.cs_bold = True  # an RTL run is bold by w:bCs, not w:b
            rpr = run._r.get_or_add_rPr()
            if rpr.find(qn("w:rtl")) is None:
                rpr.append(OxmlElement("w:rtl"))
        if text.foreign(lang):
            _run_lang(run, lang)


def _run_lang(run: Any, lang: str) -> None:
    """A run in another language than the document's: w:lang (and w:bidi for RTL)."""
    rpr = run._r.get_or_add_rPr()
    mark = OxmlElement("w:lang")
    mark.set(qn("w:val"), lang)
    if translations.direction(lang) == "rtl":
        mark.set(qn("w:bidi"), lang)
    rpr.append(mark)


def _marked(doc: Any, lang: str) -> None:
    """The mark of a text shown in its original language, as its own paragraph."""
    mark = text.original_marker(lang)
    if mark:
        _para(doc, mark, grey=True)


def _para(
    doc: Any,
    value: str,
    *,
    style: str | None = None,
    bold: str = "",
    grey: bool = False,
    sub: bool = False,
    lang: str = "",
) -> Any:
    paragraph = doc.add_paragraph(style=style)
    if sub or style == "List Bullet":
        paragraph.paragraph_format.space_after = Pt(1)
        paragraph.paragraph_format.space_before = Pt(0)
    if sub:
        paragraph.paragraph_format.left_indent = Cm(0.63)  # the start side once bidi is set
    if bold:
        paragraph.add_run(bold).bold = True
    run = paragraph.add_run(value)
    if grey:
        run.font.color.rgb = GREY
        run.font.size = Pt(9.5)
    _rtl(paragraph, bold + value, lang)
    return paragraph


def _heading(box: Any, value: str, level: int, lang: str = "") -> None:
    """A heading in the document or in a table cell (which has no add_heading)."""
    heading = box.add_paragraph(value, style="Title" if level == 0 else f"Heading {level}")
    _rtl(heading, value, lang)


def _blocks(doc: Any, blocks: tuple[Block, ...]) -> None:
    for block in blocks:
        if block.kind == "li":
            _para(doc, block.text, style="List Bullet", lang=block.lang)
        elif block.kind == "h":
            _para(doc, "", bold=block.text, lang=block.lang)
        else:
            _para(doc, block.text, lang=block.lang)


def _fonts(doc: Any, locale: str) -> None:
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(10.5)
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        rfonts.set(qn(attr), FONT)
    rfonts.set(qn("w:cs"), RTL_FONT.get(locale, FONT))
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), locale)
    lang.set(qn("w:bidi"), locale if locale in i18n.RTL else "ar")
    rpr.append(lang)


def _field(paragraph: Any, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES), updated by the reader."""
    for kind, body in (("begin", None), (None, instruction), ("end", None)):
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        else:
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = f" {body} "
            run._r.append(code)


def _page(doc: Any, summary: SummaryExport) -> None:
    """A4 with margins like the PDF's; header: title and marking; footer: page n / total."""
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2.2)
    section.left_margin = section.right_margin = Cm(1.8)
    header = section.header.paragraphs[0]
    marking = text.label(text.CONFIDENTIAL)
    header.add_run(f"{text.isolate(summary.title)} · {marking}").font.size = Pt(8.5)
    _rtl(header, marking)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(footer, "PAGE")
    footer.add_run(" / ")
    _field(footer, "NUMPAGES")


def _properties(doc: Any, summary: SummaryExport, locale: str) -> None:
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    props = doc.core_properties
    props.title = summary.title
    props.language = locale
    props.author = ""
    props.last_modified_by = ""
    props.comments = _("Non-attributed summary")
    props.created = props.modified = now
    for stale in [el for el in props._element if el.tag.endswith("}lastPrinted")]:
        props._element.remove(stale)  # the template's 2013 date
    props.revision = 1


def _top(box: Any, summary: SummaryExport) -> None:
    """The title, the meta line, the purpose, the ground rules, the general synthesis and the
    agenda's heading."""
    _heading(box, summary.title, 0)
    _para(box, text.meta(summary), grey=True)
    if summary.purpose:
        _heading(box, _("Purpose"), 1)
        _para(box, summary.purpose, lang=summary.purpose_lang)
        _marked(box, summary.purpose_lang)
    if summary.rules:
        _heading(box, _("Ground rules"), 1)
        first: Any = None
        for rule in summary.rules:
            paragraph = box.add_paragraph(style="List Number")
            first = first or _numbered_from_one(paragraph)
            _number_with(paragraph, first)
            paragraph.add_run(rule.title).bold = True
            if rule.body:
                paragraph.add_run(": " + rule.body)
            mark = text.original_marker(rule.lang)
            _rtl(paragraph, rule.title, rule.lang)
            if mark:
                paragraph.add_run(" " + mark).font.color.rgb = GREY
    if summary.general:
        _heading(box, _("General synthesis"), 1)
        _blocks(box, summary.general)
    _heading(box, _("Agenda"), 1)


def _numbered_from_one(paragraph: Any) -> int:
    """A numbering of its own for a list, from 1: one list per table cell of a bilingual
    document, not one count running through both languages."""
    numbering = paragraph.part.numbering_part.element
    style_num = paragraph.style.element.pPr.numPr.numId.val
    num = numbering.add_num(numbering.num_having_numId(style_num).abstractNumId.val)
    num.add_lvlOverride(ilvl=0).add_startOverride(1)
    return int(num.numId)


def _number_with(paragraph: Any, num_id: int) -> None:
    paragraph._p.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = num_id


def _item(box: Any, item: Any) -> None:
    _heading(box, item.title, 3, item.lang)
    _marked(box, item.lang)
    kind = f"{text.label(item.level_label)} · {text.label(item.kind_label)}"
    _para(box, kind, grey=True)
    if item.off_record:
        _para(box, text.label(text.OFF_RECORD_NOTE))
        return
    if item.description:
        _para(box, item.description, lang=item.lang)
    if item.synthesis:
        _para(box, "", bold=_("Synthesis"))
        _blocks(box, item.synthesis)
    if item.themes:
        _para(box, text.join_runs(item.themes), bold=_("Themes:") + " ")
    if item.text:
        _para(box, "", bold=text.text_heading(item.text[0].version))
        _marked(box, item.text[0].lang)
        for para in item.text:
            _para(box, para.text, bold=f"{para.number}. ", lang=para.lang)
            if para.every_party:
                _para(box, _("Every party can live with it"), grey=True, sub=True)
        if item.signoff:
            _para(box, text.signoff_line(item.signoff), grey=True)
    if item.proposals:
        _para(box, "", bold=_("Proposals"))
        for p in item.proposals:
            _para(box, p.text, style="List Bullet")
            if p.theme:
                _para(box, text.isolate(p.theme), bold=_("Theme:") + " ", grey=True, sub=True)
            _para(box, text.support_line(p), grey=True, sub=True)
            if p.attribution:
                said = _("Attributed, at the author's wish, to:") + " "
                _para(box, text.isolate(p.attribution), bold=said, sub=True)


def _session(box: Any, summary: SummaryExport, index: int) -> None:
    session = summary.sessions[index]
    _heading(box, text.session_heading(session.title, session.day), 2)


def _session_item(box: Any, summary: SummaryExport, index: int, item: int) -> None:
    _item(box, summary.sessions[index].items[item])


def _method(box: Any, summary: SummaryExport) -> None:
    _heading(box, _("Method"), 1)
    for line in text.method_lines(summary):
        _para(box, line, grey=True)


def _parts(summary: SummaryExport) -> list[Callable[[Any, SummaryExport], None]]:
    """The document in parts (the top, each session's heading, each item, the method): the
    rows of a bilingual one, small enough to break across pages."""
    parts: list[Callable[[Any, SummaryExport], None]] = [_top]
    for i, session in enumerate(summary.sessions):
        parts.append(partial(_session, index=i))
        parts += [partial(_session_item, index=i, item=j) for j in range(len(session.items))]
    return [*parts, _method]


def _document(summary: SummaryExport) -> Any:
    locale = i18n.current_locale.get()
    doc = Document()
    _fonts(doc, locale)
    _page(doc, summary)
    _properties(doc, summary, locale)
    return doc


def _saved(doc: Any) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def render(summary: SummaryExport) -> bytes:
    doc = _document(summary)
    for part in _parts(summary):
        part(doc, summary)
    return _saved(doc)


def _right_to_left_columns(table: Any) -> None:
    """w:bidiVisual: the first column on the right, for a document whose first language is RTL."""
    tblpr = table._tbl.tblPr
    tblpr.insert(0, OxmlElement("w:bidiVisual"))


def render_bilingual(summary: SummaryExport, second: str) -> bytes:
    """Two languages side by side, part by part, in a two-column table: the export's language
    first (on the right when it is written right to left), each cell in its own language."""
    first = i18n.current_locale.get()
    doc = _document(summary)
    table = doc.add_table(rows=0, cols=2)
    if i18n.direction(first) == "rtl":
        _right_to_left_columns(table)
    versions = {}
    for code in (first, second):
        with i18n.using(code):
            versions[code] = localize(summary, code)
    for part in _parts(summary):
        cells = table.add_row().cells
        for cell, code in zip(cells, (first, second), strict=True):
            with i18n.using(code):
                part(cell, versions[code])
            empty = cell.paragraphs[0]
            if not empty.text and len(cell.paragraphs) > 1:
                empty._p.getparent().remove(empty._p)
    return _saved(doc)
