"""Exports in the language chosen for them, with correct bidi, in every format.

Every format is rendered in every shipped language from one model with Arabic, Hebrew, Persian
and English content; a fixed English label left in a non-English export fails. The PDF is
checked through poppler (`pdftotext -layout`, `pdftoppm`), the DOCX through its XML.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from docx import Document
from weasyprint import HTML

from app.accounts.service import create_api_token
from app.errors import Invalid
from app.i18n import SHIPPED
from app.summary.formats import text
from app.summary.formats.registry import render, second_language
from tests.summary.language_model import ENGLISH, MIXED, PARENTHESIS, PERCENT, model
from tests.summary.seed import seed
from tests.summary.test_export import resolve_all, staff, workspace

FORMATS = ("md", "html", "pdf", "docx")
# The fixed labels the formats write; none may stay English in another language's export.
ENGLISH_LABELS = (
    "Purpose", "Ground rules", "General synthesis", "Agenda", "Synthesis", "Themes:",
    "Proposals", "Theme:", "Method", "Support:", "reacted", "broad support", "divided",
    "too few to show more", "Format:", "session(s)", "problem-solving", "Participants:",
    "Re-admissions", "Minimum group size", "Support is stated", "non-attributed",
    "Off the record", "Chatham House", "Contribution round", "Plenary discussion", "Track 2",
    "Draft, not yet released", "Broad support", "not for attribution", "Non-attributed",
    "Dec ",
)  # fmt: skip
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="poppler-utils (pdftotext, pdftoppm) not installed",
)


def as_text(fmt: str, data: bytes, tmp_path: Path) -> str:
    """What a reader sees of the file: PDF through pdftotext, DOCX with header and footer."""
    if fmt == "pdf":
        path = tmp_path / "out.pdf"
        path.write_bytes(data)
        run = ["pdftotext", "-layout", str(path), "-"]
        return subprocess.run(run, capture_output=True, text=True, check=True).stdout
    if fmt == "docx":
        doc = Document(io.BytesIO(data))
        section = doc.sections[0]
        parts = [p.text for p in doc.paragraphs]
        parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
        return "\n".join([*parts, doc.core_properties.comments or ""])
    body = data.decode("utf-8")
    return re.sub(
        r"<style>.*?</style>", lambda m: m.group(0).split("content:")[-1], body, flags=re.S
    )


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", [code for code in SHIPPED if code != "en"])
def test_no_english_label_in_an_export_in_another_language(lang, fmt, tmp_path) -> None:
    if fmt == "pdf" and shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed")
    seen = BIDI_CONTROLS.sub("", as_text(fmt, render(fmt, model(), lang), tmp_path))
    same = {"fr": {"Chatham House"}}.get(lang, set())  # « règle de Chatham House »
    left = [label for label in ENGLISH_LABELS if label in seen and label not in same]
    assert not left, f"English left in the {lang} {fmt}: {left}"
    if fmt != "pdf":  # the PDF's text layer is checked through pdftotext's own reading
        assert ENGLISH in seen and "Water Authority" in seen  # user text stays as written


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_english_export_has_its_labels(fmt, tmp_path) -> None:
    """The detector above sees the labels when they are there."""
    if fmt == "pdf" and shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed")
    seen = BIDI_CONTROLS.sub("", as_text(fmt, render(fmt, model(), "en"), tmp_path))
    for label in ("Purpose", "Agenda", "Method", "Support:", "not for attribution"):
        assert label in seen, label


def test_the_language_is_the_exports_not_the_requests() -> None:
    assert "## المنهجية" in render("md", model(), "ar").decode()
    assert "## Méthode" in render("md", model(), "fr").decode()
    assert "## Method" in render("md", model(), "en").decode()


def test_dates_and_numbers_follow_the_exports_locale() -> None:
    fa = render("md", model(), "fa").decode()
    ar = render("md", model(), "ar").decode()
    assert "دسامبر" in fa and "ديسمبر" in ar
    # the Arabic list comma between support parts, the Arabic semicolon between themes
    assert "؛" in ar and "، " in ar


def test_print_html_direction_per_paragraph_and_language() -> None:
    ar = render("html", model(), "ar").decode()
    en = render("html", model(), "en").decode()
    assert '<html lang="ar" dir="rtl">' in ar and '<html lang="en" dir="ltr">' in en
    assert 'dir="auto"' not in ar  # WeasyPrint ignores it: computed in Python instead
    for page in (ar, en):
        assert f'<li class="proposal" dir="ltr"><span class="text">{ENGLISH}' in page
        assert '<li class="proposal" dir="rtl"><span class="text">יש לשתף' in page
        assert re.search(r'<p dir="rtl">وافق المشاركون', page)
    assert "\u2068المياه\u2069" in ar  # themes isolated


def test_direction_from_the_first_strong_character_outside_isolates() -> None:
    assert text.strong_direction("(ראו סעיף 2).") == "rtl"
    assert text.strong_direction("75٪.") is None
    assert text.strong_direction("Water Authority في") == "ltr"
    assert text.strong_direction(text.isolate("المياه") + " Theme") == "ltr"


def _layout(pdf: bytes, tmp_path: Path, name: str) -> list[str]:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    run = ["pdftotext", "-layout", str(path), "-"]
    out = subprocess.run(run, capture_output=True, text=True, check=True).stdout
    return [BIDI_CONTROLS.sub("", line).strip() for line in out.splitlines() if line.strip()]


def _line(lines: list[str], word: str) -> str:
    found = [line for line in lines if word in line]
    assert found, f"{word!r} not in the PDF text"
    return found[0]


@needs_poppler
def test_pdf_keeps_rtl_paragraphs_in_order(tmp_path) -> None:
    """The cases of issue 18, read in visual order: the percent sign stays with its number
    and the period at the end of the line; the parenthesis and the period stay together;
    the English words stay inside the Arabic sentence. A left-to-right layout of the same
    paragraphs (the old template) fails the same checks."""
    lines = _layout(render("pdf", model(), "ar"), tmp_path, "ar")
    percent = _line(lines, "بنسبة")
    assert percent.startswith("وافق") and percent.endswith(".٪75")
    assert _line(lines, "סעיף").endswith("(ראו סעיף .)2")
    mixed = _line(lines, "Water Authority")
    assert re.search(r"تشارك\s+Water Authority\s*في", mixed) and mixed.endswith("البداية.")

    html = render("html", model(), "ar").decode()
    ltr = re.sub(r'dir="rtl"', 'dir="ltr"', html)
    old = _layout(HTML(string=ltr).write_pdf(), tmp_path, "ltr")
    assert not _line(old, "بنسبة").endswith(".٪75")
    assert not _line(old, "סעיף").endswith("(ראו סעיף .)2")


def inflated(pdf: bytes) -> list[bytes]:
    """The PDF's compressed streams (object streams hold the catalog's /Lang)."""
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, flags=re.S):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return out


@needs_poppler
def test_pdf_is_tagged_with_language_and_title_and_renders(tmp_path) -> None:
    pdf = render("pdf", model(), "he")
    path = tmp_path / "he.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "Tagged:          yes" in info
    assert "حوار المياه الإقليمي" in info  # the title
    assert "A4" in info
    objects = pdf + b"".join(inflated(pdf))
    assert b"/StructTreeRoot" in objects and b"/Lang (he)" in objects
    structure = subprocess.run(["pdfinfo", "-struct", str(path)], capture_output=True, text=True)
    assert "H1 (block)" in structure.stdout and "L (block)" in structure.stdout
    meta = subprocess.run(["pdfinfo", "-meta", str(path)], capture_output=True, text=True)
    assert 'pdfuaid:part="1"' in meta.stdout
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p-*.png"))
    assert pages and all(page.stat().st_size > 2000 for page in pages)


def test_docx_is_an_a4_document_with_header_footer_and_properties() -> None:
    data = render("docx", model(), "ar")
    doc = Document(io.BytesIO(data))
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    header = section.header.paragraphs[0].text
    assert "حوار المياه الإقليمي" in header and "قاعدة تشاتام هاوس" in header
    footer = "".join(p._p.xml for p in section.footer.paragraphs)
    assert "PAGE" in footer and "NUMPAGES" in footer
    props = doc.core_properties
    assert props.title == "حوار المياه الإقليمي" and props.language == "ar"
    assert props.author == "" and props.last_modified_by == ""
    assert props.created is not None and props.created.date() == datetime.now(UTC).date()
    assert props.last_printed is None


def test_docx_rtl_paragraphs_and_list_items_are_set_as_such() -> None:
    doc = Document(io.BytesIO(render("docx", model(), "en")))
    by_text = {p.text: p for p in doc.paragraphs}
    arabic_item, english_item = by_text[MIXED], by_text[ENGLISH]
    hebrew_item = by_text[PARENTHESIS]
    for rtl in (arabic_item, hebrew_item, by_text[PERCENT]):
        assert "<w:bidi/>" in rtl._p.xml and "<w:rtl/>" in rtl._p.xml
    assert arabic_item.style.name == "List Bullet" and hebrew_item.style.name == "List Bullet"
    assert "<w:bidi/>" not in english_item._p.xml
    method = [p for p in doc.paragraphs if p.text.startswith("Format:")]
    assert method and "<w:bidi/>" not in method[0]._p.xml
    ar = Document(io.BytesIO(render("docx", model(), "ar")))
    labels = [p for p in ar.paragraphs if p.text.startswith("التأييد")]
    assert labels and all("<w:bidi/>" in p._p.xml for p in labels)


def test_export_language_is_chosen_on_the_form_and_the_api(client, settings, database) -> None:  # type: ignore[no-untyped-def]
    s = seed(settings, database)
    wid = s.world.workshop.id
    browser = staff(client, s.world)
    resolve_all(browser, database, settings, s.world)
    workspace_page = workspace(browser, wid).text
    assert '<select id="export-lang" name="lang">' in workspace_page
    assert '<option value="fa" lang="fa">فارسی</option>' in workspace_page
    french = browser.post(f"/w/{wid}/summary/export.md", {"lang": "fr"})
    assert french.status_code == 200 and "## Méthode" in french.text
    persian = browser.post(f"/w/{wid}/summary/export.md", {"lang": "fa"})
    assert "## روش" in persian.text and "## Method" not in persian.text
    ui = browser.post(f"/w/{wid}/summary/export.md")  # no choice: the request's language
    assert "## Method" in ui.text
    wrong = browser.post(f"/w/{wid}/summary/export.md", {"lang": "xx"})
    assert wrong.status_code == 422
    with database.transaction() as db:
        token = create_api_token(db, viewer=s.world.viewer("organizer"), name="export")
    bearer = {"Authorization": f"Bearer {token}"}
    api = client.post(f"/api/v1/workshops/{wid}/summary/export.md?lang=he", headers=bearer)
    assert api.status_code == 200 and "## שיטה" in api.text
    bad = client.post(f"/api/v1/workshops/{wid}/summary/export.md?lang=de", headers=bearer)
    assert bad.status_code == 422
    both = client.post(
        f"/api/v1/workshops/{wid}/summary/export.md?lang=ar&lang2=en", headers=bearer
    )
    assert both.status_code == 200 and "## المنهجية" in both.text and "## Method" in both.text
    side = browser.post(f"/w/{wid}/summary/export.html", {"lang": "he", "lang2": "ar"})
    assert side.status_code == 200 and '<td lang="ar" dir="rtl">' in side.text
    assert browser.post(f"/w/{wid}/summary/export.json", {"lang2": "ar"}).status_code == 422
    docx_both = browser.post(f"/w/{wid}/summary/export.docx", {"lang": "ar", "lang2": "en"})
    assert docx_both.status_code == 200 and docx_both.content.startswith(b"PK")


def test_bilingual_markdown_is_in_sequence() -> None:
    page = render("md", model(), "ar", "en").decode()
    arabic, english = page.split("\n\n---\n\n")
    assert "## المنهجية" in arabic and "## Method" not in arabic
    assert "## Method" in english and "## المنهجية" not in english


def test_bilingual_html_is_side_by_side_each_cell_in_its_language() -> None:
    page = render("html", model(), "ar", "en").decode()
    assert '<html lang="ar" dir="rtl">' in page
    rows = re.findall(r"<tr>(.*?)</tr>", page, flags=re.S)
    assert len(rows) == 3  # the top, the one session, the method
    for row in rows:
        cells = re.findall(r'<td lang="(\w+)" dir="(\w+)">', row)
        assert cells == [("ar", "rtl"), ("en", "ltr")]
    top_ar, top_en = re.findall(r"<td[^>]*>(.*?)</td>", rows[0], flags=re.S)
    assert "الغرض" in top_ar and "Purpose" not in top_ar
    assert "Purpose" in top_en and "الغرض" not in top_en


@needs_poppler
def test_bilingual_pdf_shows_both_languages(tmp_path) -> None:
    lines = _layout(render("pdf", model(), "ar", "en"), tmp_path, "bi")
    both = _line(lines, "Purpose")
    assert "الغرض" in both  # the two headings side by side on one line


def test_bilingual_docx_is_side_by_side_each_cell_in_its_language() -> None:
    doc = Document(io.BytesIO(render("docx", model(), "ar", "en")))
    assert len(doc.tables) == 1 and not [p for p in doc.paragraphs if p.text.strip()]
    table = doc.tables[0]
    assert "<w:bidiVisual/>" in table._tbl.xml  # Arabic first: its column on the right
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    items = sum(len(session.items) for session in model().sessions)
    assert len(rows) == 3 + items  # the top, the one session's heading, each item, the method
    (top_ar, top_en), (method_ar, method_en) = rows[0], rows[-1]
    assert "الغرض" in top_ar and "Purpose" not in top_ar
    assert "Purpose" in top_en and "الغرض" not in top_en
    assert "المنهجية" in method_ar and "Method" in method_en
    ar_cell, en_cell = table.rows[0].cells
    headings = [p for p in ar_cell.paragraphs if p.text == "الغرض"]
    assert headings and "<w:bidi/>" in headings[0]._p.xml
    assert all("<w:bidi/>" not in p._p.xml for p in en_cell.paragraphs if p.text == "Purpose")
    numbered = [  # each cell's ground rules are numbered from 1, not on from the other cell's
        p._p.pPr.numPr.numId.val
        for cell in (ar_cell, en_cell)
        for p in cell.paragraphs
        if p.style.name == "List Number"
    ]
    assert len(numbered) == 2 and numbered[0] != numbered[1]
    english_first = Document(io.BytesIO(render("docx", model(), "en", "ar"))).tables[0]
    assert "<w:bidiVisual/>" not in english_first._tbl.xml
    assert "Purpose" in english_first.rows[0].cells[0].text


def test_a_second_language_is_checked() -> None:
    assert second_language("pdf", "ar", "en") == "en"
    assert second_language("pdf", "ar", "ar") is None and second_language("md", "ar", "") is None
    assert second_language("docx", "ar", "en") == "en"
    for fmt, lang2 in (("pdf", "xx"), ("docx", "xx"), ("json", "en")):
        with pytest.raises(Invalid):
            second_language(fmt, "ar", lang2)
