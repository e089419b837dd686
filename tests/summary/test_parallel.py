"""Exports use the parallel content: the purpose, the ground rules and the agenda items in the
export's language, the original (its language marked) where a text has no version there; a
version in any language is part of the draft's fingerprint and goes through the attribution
check; the release keeps the versions it used."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from docx import Document
from sqlmodel import select

from app import i18n, policy
from app.l10n import gettext_in
from app.notes.models import Note
from app.room.models import Proposal
from app.rules.models import GroundRule
from app.summary import fingerprint, released
from app.summary import service as summary
from app.summary.formats.json import _adapter
from app.summary.formats.registry import FORMATS
from app.summary.parallel import TextOut
from app.translations import service as translations
from app.translations import texts
from app.translations.models import ContentTranslation, TextTranslation
from app.workshops import service as workshops
from app.workshops.models import Workshop
from tests.summary.helpers import EXTRACT
from tests.summary.helpers import flat as _flat
from tests.summary.seed import NAMES, Seeded, seed
from tests.summary.test_export import open_hits, resolve_all, staff, workspace
from tests.summary.test_fingerprint import _current, _sign_everyone
from tests.summary.test_review import open_review, participant, state

PURPOSE_AR = "استكشاف سبل تقاسم المياه في سنة الجفاف"
RULE_TITLE_AR = "قاعدة تشاتام هاوس"
RULE_BODY_AR = "استخدم ما تسمعه ولا تقل من قاله"
ITEM_TITLE_AR = "الاحتياجات والمخاوف لدى كل طرف"
ITEM_BODY_AR = "يسمي كل طرف احتياجاته ومخاوفه"
UNTRANSLATED_RULE = "Everyone speaks in a private capacity."
UNTRANSLATED_ITEM = "Options for a drought year"


def flat(text: str) -> str:
    """The helpers' flat form, with the hamza alefs plain (pdftotext gives the lam-alef
    ligatures back with the alef first)."""
    return _flat(text.translate(str.maketrans("أإآ", "ااا")))


def _write(s: Seeded, kind: str, object_id: str, lang: str, title: str, body: str) -> None:
    """A version of one text, through the translations' write path."""
    with s.world.database.transaction() as db:
        workshop = db.get(Workshop, s.world.workshop.id)
        current = translations.load(
            db,
            viewer=s.world.viewer("organizer"),
            workshop=workshop,
            kind=kind,
            object_ids=[object_id],
        )[object_id]
        translations.save(
            db,
            workshop=workshop,
            kind=kind,
            object_id=object_id,
            texts={lang: {"title": title, "body": body}},
            current=current,
        )


def _rule_id(s: Seeded, title: str) -> str:
    with s.world.database.session() as db:
        rows = db.exec(select(GroundRule).where(GroundRule.workshop_id == s.world.workshop.id))
        return next(r.id for r in rows if r.body == title)


def _translated(settings, database) -> Seeded:  # type: ignore[no-untyped-def]
    s = seed(settings, database, leak_names=False, languages="en,ar")
    _write(s, "purpose", s.world.workshop.id, "ar", "", PURPOSE_AR)
    rule = _rule_id(s, "Use what you hear; never say who said it.")
    _write(s, "rule", rule, "ar", RULE_TITLE_AR, RULE_BODY_AR)
    _write(s, "item", s.items["needs"].id, "ar", ITEM_TITLE_AR, ITEM_BODY_AR)
    _write(s, "item", s.items["secret"].id, "ar", "بند سري", "OFFREC-TRANSLATION-CANARY")
    return s


@pytest.fixture
def translated(client, settings, database):  # type: ignore[no-untyped-def]
    s = _translated(settings, database)
    organizer = staff(client, s.world)
    resolve_all(organizer, database, settings, s.world)
    return s, organizer


def _export(organizer, wid: str, fmt: str, lang: str, lang2: str = "") -> str:  # type: ignore[no-untyped-def]
    workspace(organizer, wid)
    answer = organizer.post(f"/w/{wid}/summary/export.{fmt}", {"lang": lang, "lang2": lang2})
    assert answer.status_code == 200, answer.text[:300]
    return EXTRACT[fmt](answer.content)


ARABIC = (PURPOSE_AR, RULE_TITLE_AR, RULE_BODY_AR, ITEM_TITLE_AR, ITEM_BODY_AR)


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_in_arabic_uses_the_arabic_versions_and_marks_the_rest(
    translated, fmt: str
) -> None:
    s, organizer = translated
    seen = flat(_export(organizer, s.world.workshop.id, fmt, "ar"))
    for arabic in ARABIC:
        assert flat(arabic) in seen, (fmt, arabic)
    assert flat("Item description for needs.") not in seen or fmt == "json"
    assert flat(UNTRANSLATED_RULE) in seen and flat(UNTRANSLATED_ITEM) in seen
    english = translations.language_name("en", "ar")
    mark = gettext_in("ar", "(original language: %(name)s)") % {"name": english}
    if fmt != "json":  # JSON states each text's language instead
        assert flat(mark) in seen
    assert "offrectranslationcanary" not in seen  # off the record: its title only


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_in_english_keeps_the_originals_unmarked(translated, fmt: str) -> None:
    s, organizer = translated
    seen = flat(_export(organizer, s.world.workshop.id, fmt, "en"))
    assert flat("Item description for needs.") in seen
    assert flat(UNTRANSLATED_RULE) in seen
    assert flat("original language") not in seen
    for arabic in ARABIC:
        assert (flat(arabic) in seen) == (fmt == "json"), (fmt, arabic)  # JSON: all versions


def test_the_html_marks_each_text_with_its_language(translated) -> None:
    s, organizer = translated
    wid = s.world.workshop.id
    workspace(organizer, wid)
    page = organizer.post(f"/w/{wid}/summary/export.html", {"lang": "ar"}).text
    assert '<html lang="ar" dir="rtl">' in page
    assert f'<h4 dir="rtl">{ITEM_TITLE_AR}</h4>' in page  # in the page's language: no lang
    options = re.search(r"<h4 ([^>]*)>Options for a drought year</h4>", page)
    assert options and options.group(1) == 'dir="ltr" lang="en"'
    rule = re.search(r"<li ([^>]*)><strong>Speak for yourself</strong>", page)
    assert rule and rule.group(1) == 'dir="ltr" lang="en"'
    assert page.count('class="original"') == 4  # 1 rule and 3 items have no Arabic version

    english = organizer.post(f"/w/{wid}/summary/export.html", {"lang": "en"}).text
    assert 'class="original"' not in english and ' lang="en"' not in english.split("<body>")[1]


@pytest.mark.parametrize("fmt", ["html", "md", "docx"])
def test_a_bilingual_export_gives_each_side_its_own_version(translated, fmt: str) -> None:
    s, organizer = translated
    wid = s.world.workshop.id
    workspace(organizer, wid)
    answer = organizer.post(f"/w/{wid}/summary/export.{fmt}", {"lang": "ar", "lang2": "en"})
    if fmt == "docx":
        table = Document(io.BytesIO(answer.content)).tables[0]
        arabic = "".join(row.cells[0].text for row in table.rows)
        english = "".join(row.cells[1].text for row in table.rows)
    elif fmt == "md":
        arabic, english = answer.content.decode("utf-8").split("\n\n---\n\n")
    else:
        body = answer.content.decode("utf-8")
        cells = re.findall(r'<td lang="(\w+)" dir="\w+">(.*?)</td>', body, flags=re.S)
        arabic = "".join(c for code, c in cells if code == "ar")
        english = "".join(c for code, c in cells if code == "en")
    assert ITEM_TITLE_AR in arabic and ITEM_TITLE_AR not in english
    assert "Needs and fears" in english and "Needs and fears" not in arabic
    assert PURPOSE_AR in arabic and PURPOSE_AR not in english
    assert "original language" not in english
    assert gettext_in("ar", "(original language: %(name)s)").split("%")[0] in arabic


def test_a_version_is_part_of_the_fingerprint_and_makes_sign_offs_stale(
    client, settings, database
) -> None:
    s = _translated(settings, database)
    wid = s.world.workshop.id
    organizer = staff(client, s.world)
    resolve_all(organizer, database, settings, s.world)
    assert open_review(organizer, wid).status_code == 303
    _sign_everyone(client, s, wid)
    assert state(database, s.world, settings).rule_met
    before = _current(database, settings, s.world)
    english = _export(organizer, wid, "md", "en")
    _write(s, "item", s.items["needs"].id, "ar", ITEM_TITLE_AR, "نص آخر تماما")
    now = _export(organizer, wid, "md", "en")
    assert now.replace(after := _current(database, settings, s.world)[:8], "") == english.replace(
        before[:8], ""
    )  # the English text is unchanged but for the version it names
    assert after != before  # ... yet the draft's fingerprint moved: an Arabic reader's text did
    review = state(database, s.world, settings)
    assert not review.rule_met and review.signoffs == 0 and review.stale_signoffs == 2
    _write(s, "item", s.items["needs"].id, "ar", ITEM_TITLE_AR, ITEM_BODY_AR)
    assert _current(database, settings, s.world) == before  # the same text, the same print


def test_the_attribution_check_scans_the_versions(client, settings, database) -> None:
    s = _translated(settings, database)
    wid = s.world.workshop.id
    organizer = staff(client, s.world)
    resolve_all(organizer, database, settings, s.world)
    named = f"اقترح {NAMES[2]} لجنة مشتركة"
    _write(s, "item", s.items["options"].id, "ar", "خيارات لسنة الجفاف", named)
    hits = open_hits(database, settings, s.world)
    assert len(hits) == 1 and hits[0].match == NAMES[2]
    workspace(organizer, wid)
    blocked = organizer.post(f"/w/{wid}/summary/export.md", {"lang": "en"})
    assert blocked.status_code == 409  # blocked in every language: the check is of all
    resolve_all(organizer, database, settings, s.world)
    for lang in ("ar", "en"):
        for fmt in FORMATS:
            seen = flat(_export(organizer, wid, fmt, lang))
            assert flat(NAMES[2]) not in seen, (lang, fmt)
    assert flat("لجنة مشتركة") in flat(_export(organizer, wid, "md", "ar"))


def test_the_release_keeps_the_versions_it_used_past_archive(client, settings, database) -> None:
    s = _translated(settings, database)
    wid = s.world.workshop.id
    organizer = staff(client, s.world)
    resolve_all(organizer, database, settings, s.world)
    assert open_review(organizer, wid).status_code == 303
    viewer = s.world.viewer("organizer")
    with database.transaction() as db, i18n.using("ar"):
        workshop = workshops.get(db, wid, viewer=viewer)
        summary.release(db, settings, workshop, viewer=viewer, override="the parties agreed")

    def kept() -> dict[str, bytes]:
        with database.session() as db:
            workshop = db.get(Workshop, wid)
            return {
                fmt: released.read(db, workshop, viewer=viewer, fmt=fmt).body  # type: ignore[union-attr]
                for fmt in FORMATS
            }

    first = kept()
    for fmt in FORMATS:
        seen = flat(EXTRACT[fmt](first[fmt]))
        assert flat(ITEM_TITLE_AR) in seen and flat(PURPOSE_AR) in seen, fmt
    stored = json.loads(first["json"])
    assert [v["lang"] for v in stored["versions"]] == ["en", "ar"]

    _write(s, "item", s.items["needs"].id, "ar", "عنوان جديد", "وصف جديد")  # after release
    assert kept() == first
    with database.transaction() as db:
        workshop = workshops.get(db, wid, viewer=viewer)
        workshops.transition(db, viewer=viewer, workshop=workshop, to="closed")
    archive = f"/w/{wid}/manage/archive"
    organizer.get(archive)
    answer = organizer.post(archive, {"confirm_title": s.world.workshop.title})
    assert answer.status_code == 303
    assert kept() == first  # byte for byte
    with database.session() as db:  # the versions are kept as their originals are
        rows = db.exec(select(ContentTranslation).where(ContentTranslation.workshop_id == wid))
        assert {r.title for r in rows if r.kind == "item"} >= {"عنوان جديد"}


def test_the_docx_sets_the_language_of_each_original_shown(translated) -> None:
    s, organizer = translated
    wid = s.world.workshop.id
    workspace(organizer, wid)
    data = organizer.post(f"/w/{wid}/summary/export.docx", {"lang": "ar"}).content
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        body = docx.read("word/document.xml").decode("utf-8")
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", body, flags=re.S)
    options = next(p for p in paragraphs if UNTRANSLATED_ITEM in p)
    assert '<w:lang w:val="en"/>' in options and "<w:bidi/>" not in options
    arabic = next(p for p in paragraphs if ITEM_TITLE_AR in p)
    assert "<w:lang " not in arabic and "<w:bidi/>" in arabic  # the document's language
    for run in re.findall(r"<w:rPr>.*?</w:rPr>", body, flags=re.S):
        if "<w:rtl/>" in run and "<w:lang " in run:
            assert run.index("<w:rtl/>") < run.index("<w:lang ")  # the schema's order


def test_the_json_holds_every_version_with_its_languages_and_its_fingerprint(translated) -> None:
    s, organizer = translated
    wid = s.world.workshop.id
    workspace(organizer, wid)
    body = organizer.post(f"/w/{wid}/summary/export.json", {"lang": "ar"}).content
    model = _adapter.validate_python(json.loads(body))
    assert model.fingerprint and fingerprint.of(model) == model.fingerprint
    english, arabic = model.versions
    assert (english.lang, arabic.lang) == ("en", "ar")
    assert arabic.purpose == TextOut("", PURPOSE_AR, "ar")
    langs = {t.body: t.lang for t in arabic.rules}
    assert langs[RULE_BODY_AR] == "ar" and langs[UNTRANSLATED_RULE] == "en"  # the fallback
    assert {t.lang for t in english.rules + english.items} == {"en"}


@pytest.mark.parametrize("reader", ["ar", "en"])
def test_a_participant_reviews_the_draft_in_their_language(
    client, settings, database, reader: str
) -> None:
    s = _translated(settings, database)
    wid = s.world.workshop.id
    organizer = staff(client, s.world)
    resolve_all(organizer, database, settings, s.world)
    assert open_review(organizer, wid).status_code == 303
    browser = participant(client, s.world.invitations[0])
    browser.client.cookies.set("tt_lang", reader)
    page = browser.get(f"/w/{wid}/summary/review").text
    draft = page[page.index('<article class="summary-draft"') :]
    assert (ITEM_TITLE_AR in draft) == (reader == "ar")
    assert ("Item description for needs." in draft) == (reader == "en")
    options = re.search(r"<h5 ([^>]*)>Options for a drought year</h5>(.{0,200})", draft)
    assert options
    if reader == "ar":  # the original, marked, in its own language
        assert options.group(1) == 'dir="auto" lang="en"'
        assert 'class="muted original-language" lang="ar"' in options.group(2)
    else:
        assert options.group(1) == 'dir="auto"' and "original-language" not in draft
    assert browser.post(f"/w/{wid}/summary/review/signoff").status_code == 303
    review = state(database, s.world, settings)
    assert review.signoffs == 1 and review.stale_signoffs == 0  # one text, in every language


SYNTHESIS_AR = "اتفقت المجموعة بأن تبادل البيانات يأتي قبل كل شيء"
GENERAL_AR = "وجد الطرفان أرضية مشتركة بشأن الرصد"


def _note_id(s: Seeded, body_start: str) -> str:
    with s.world.database.session() as db:
        rows = db.exec(select(Note).where(Note.workshop_id == s.world.workshop.id))
        return next(n.id for n in rows if n.body.startswith(body_start))


def _translate_note(s: Seeded, note_id: str, lang: str, text: str) -> None:
    """A note's translation through the translator's write path."""
    translator = s.world.viewer("translator")
    with s.world.database.transaction() as db:
        workshop = workshops.get(db, s.world.workshop.id, viewer=translator, action="translate")
        texts.save(
            db,
            viewer=translator,
            workshop=workshop,
            kind="note",
            object_id=note_id,
            lang=lang,
            text=text,
        )


@pytest.fixture
def synthesis_translated(client, settings, database):  # type: ignore[no-untyped-def]
    s = _translated(settings, database)
    _translate_note(s, _note_id(s, "The group agreed"), "ar", SYNTHESIS_AR)
    _translate_note(s, _note_id(s, "Overall, the sides"), "ar", GENERAL_AR)
    _translate_note(s, _note_id(s, "ROOM-NOTE-CANARY"), "ar", "ROOM-TRANSLATION-CANARY")
    _translate_note(s, _note_id(s, "OFFREC-NOTE-CANARY"), "ar", "OFFNOTE-TRANSLATION-CANARY")
    organizer = staff(client, s.world)
    resolve_all(organizer, database, settings, s.world)
    return s, organizer


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_synthesis_is_exported_in_its_translation(synthesis_translated, fmt: str) -> None:
    s, organizer = synthesis_translated
    arabic = flat(_export(organizer, s.world.workshop.id, fmt, "ar"))
    english = flat(_export(organizer, s.world.workshop.id, fmt, "en"))
    for translated in (SYNTHESIS_AR, GENERAL_AR):
        assert flat(translated) in arabic, (fmt, translated)
        assert (flat(translated) in english) == (fmt == "json")  # JSON: every version
    for original in ("The group agreed that", "the sides found common ground"):
        assert flat(original) in english
        assert (flat(original) in arabic) == (fmt == "json")
    for seen in (arabic, english):  # neither a room note's nor an off-record note's version
        assert "roomtranslationcanary" not in seen and "offnotetranslationcanary" not in seen


def test_an_untranslated_synthesis_note_is_marked_with_its_language(translated) -> None:
    s, organizer = translated
    wid = s.world.workshop.id
    workspace(organizer, wid)
    page = organizer.post(f"/w/{wid}/summary/export.html", {"lang": "ar"}).text
    found = re.search(r"<p ([^>]*)>Overall, the sides found common ground", page)
    assert found and found.group(1) == 'dir="ltr" lang="en"'


def test_a_synthesis_translation_is_checked_and_fingerprinted(client, settings, database) -> None:  # type: ignore[no-untyped-def]
    s = _translated(settings, database)
    wid = s.world.workshop.id
    organizer = staff(client, s.world)
    resolve_all(organizer, database, settings, s.world)
    before = _current(database, settings, s.world)
    _translate_note(s, _note_id(s, "The group agreed"), "ar", SYNTHESIS_AR)
    assert _current(database, settings, s.world) != before  # an Arabic reader's text changed
    named = f"كما قال {NAMES[2]} فإن الثقة تتبع البيانات"
    _translate_note(s, _note_id(s, "Overall, the sides"), "ar", named)
    hits = open_hits(database, settings, s.world)
    assert len(hits) == 1 and hits[0].match == NAMES[2]
    resolve_all(organizer, database, settings, s.world)
    for fmt in FORMATS:
        assert flat(NAMES[2]) not in flat(_export(organizer, wid, fmt, "ar")), fmt


def test_the_export_audience_reads_a_translation_only_of_a_text_it_may_export(
    synthesis_translated,
) -> None:
    s, _organizer = synthesis_translated
    audience = policy.export_audience(s.world.workshop.id)
    with s.world.database.session() as db:
        every = db.exec(select(TextTranslation)).all()
        readable = db.exec(policy.visible(select(TextTranslation), audience, TextTranslation))
        notes = {n.id for n in db.exec(policy.visible(select(Note), audience, Note))}
        proposals = {p.id for p in db.exec(policy.visible(select(Proposal), audience, Proposal))}
        shown = {(t.kind, t.object_id) for t in readable}
    assert len(every) == 4 and len(shown) == 2  # of the four, the two cleared notes' only
    assert all(oid in (notes if kind == "note" else proposals) for kind, oid in shown)
