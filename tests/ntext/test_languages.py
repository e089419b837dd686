"""A negotiating text in several of the workshop's languages: paragraphs aligned by number (a
language of another count is refused, nothing typed lost), read in the reader's language or
the original marked, the diff in the language read, marks on the paragraph whatever the
language, every language in the JSON API and the export's language in the summary."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import select

from app import i18n
from app.ntext import page, service
from app.ntext.models import TextParagraph
from app.policy import Viewer
from app.summary import service as summary
from app.summary.localize import localize
from app.translations.service import language_name
from tests.factories import Browser, World
from tests.ntext.helpers import mark, start, text_world, viewers
from tests.room.conftest import accept_rules
from tests.room.helpers import tx

LANGUAGES = "en,he,ar"
EN = "The water is shared.\n\nA joint board decides.\n\nDisputes go to arbitration."
HE = "המים יחולקו בין הצדדים.\n\nועדה משותפת תחליט.\n\nמחלוקות יובאו לבוררות."
HE_2 = "המים יחולקו בשוויון בין הצדדים.\n\nועדה משותפת תחליט.\n\nמחלוקות יובאו לבוררות."
AR = "تقسم المياه بين الطرفين.\n\nتقرر لجنة مشتركة.\n\nتحال النزاعات إلى التحكيم."
AR_2 = "تقسم المياه بين الطرفين.\n\nتقرر لجنة مشتركة.\n\nتحال النزاعات إلى الوساطة."
HE_TWO = "המים יחולקו בין הצדדים.\n\nועדה משותפת תחליט."


@contextmanager
def locale(code: str) -> Iterator[None]:
    token = i18n.current_locale.set(code)
    try:
        yield
    finally:
        i18n.current_locale.reset(token)


def publish(world: World, item_id: str, text: str, texts: dict[str, str]) -> list[str]:
    """Draft and publish the next version in these languages; its paragraph ids in order."""
    fac = world.viewer("facilitator")
    with tx(world, fac) as (db, workshop):
        item = service.text_item(db, viewer=fac, workshop=workshop, item_id=item_id)
        service.save_draft(
            db, viewer=fac, workshop=workshop, item=item, text=text, lang="", texts=texts
        )
        version = service.publish_version(db, viewer=fac, workshop=workshop, item=item)
        rows = db.exec(select(TextParagraph).where(TextParagraph.version_id == version.id))
        return [row.id for row in sorted(rows, key=lambda r: r.number)]


def read_in(world: World, viewer: Viewer, item_id: str, code: str) -> page.TextPage:
    with locale(code), tx(world, viewer) as (db, workshop):
        item = service.text_item(db, viewer=viewer, workshop=workshop, item_id=item_id)
        return page.text_page(db, world.settings, viewer=viewer, workshop=workshop, item=item)


def browser(app: object, cookie_lang: str = "") -> Browser:
    b = Browser(TestClient(app, base_url="http://testserver"))  # type: ignore[arg-type]
    if cookie_lang:
        b.client.cookies.set("tt_lang", cookie_lang)
    return b


def test_a_reader_gets_their_language_or_the_original_marked(settings, database) -> None:  # type: ignore[no-untyped-def]
    world, item_id = text_world(settings, database, languages=LANGUAGES)
    start(world, item_id)
    ids = publish(world, item_id, EN, {"he": HE})  # no Arabic version
    person = viewers(world)[0]
    mark(world, person, ids[0], "agree")

    hebrew = read_in(world, person, item_id, "he").current
    assert hebrew is not None and hebrew.lang == "he" and hebrew.original_name == ""
    assert [p.text for p in hebrew.paragraphs] == HE.split("\n\n")
    assert {(p.lang, p.dir) for p in hebrew.paragraphs} == {("he", "rtl")}

    arabic = read_in(world, person, item_id, "ar").current
    assert arabic is not None and arabic.lang == "en"
    assert arabic.original_name == language_name("en", "ar") != ""  # the visible fallback
    assert [p.text for p in arabic.paragraphs] == EN.split("\n\n")
    assert {(p.lang, p.dir) for p in arabic.paragraphs} == {("en", "ltr")}

    english = read_in(world, person, item_id, "en").current
    assert english is not None and english.original_name == ""
    # one paragraph whatever the language: the same ids, the same mark
    for shown in (hebrew, arabic, english):
        assert [p.id for p in shown.paragraphs] == ids
    assert [p.my_mark for p in read_in(world, person, item_id, "he").current.paragraphs] == [  # type: ignore[union-attr]
        "agree",
        None,
        None,
    ]
    assert [(t.lang, t.original) for t in english.paragraphs[0].languages] == [
        ("en", True),
        ("he", False),
    ]


def test_the_page_sets_lang_and_dir_and_marks_the_fallback(app, settings, database) -> None:  # type: ignore[no-untyped-def]
    world, item_id = text_world(settings, database, languages=LANGUAGES)
    start(world, item_id)
    publish(world, item_id, EN, {"he": HE})
    url = f"/w/{world.workshop.id}/text/{item_id}"
    pages = {}
    for index, code in enumerate(("he", "ar")):
        person = browser(app, code)
        person.join(world.invitations[index])
        accept_rules(world, index)
        pages[code] = person.get(url).text
    assert 'dir="rtl" lang="he" hx-disable>המים יחולקו בין הצדדים.' in pages["he"]
    assert "original-language" not in pages["he"]
    assert 'dir="ltr" lang="en" hx-disable>The water is shared.' in pages["ar"]
    assert "original-language" in pages["ar"] and language_name("en", "ar") in pages["ar"]
    assert "המים" not in pages["ar"]


def test_the_diff_is_shown_in_the_language_read(settings, database) -> None:  # type: ignore[no-untyped-def]
    world, item_id = text_world(settings, database, languages=LANGUAGES)
    start(world, item_id)
    first = publish(world, item_id, EN, {"he": HE, "ar": AR})
    person = viewers(world)[0]
    mark(world, person, first[0], "agree")
    second = publish(world, item_id, EN, {"he": HE_2, "ar": AR_2})  # English unchanged
    assert set(first).isdisjoint(second)  # a change in any language is a new version

    def changes(code: str) -> list[list[tuple[str, str]]]:
        current = read_in(world, person, item_id, code).current
        assert current is not None and current.number == 2
        assert [p.my_mark for p in current.paragraphs] == [None] * 3  # marks start again
        return [[(s.op, s.text) for s in p.changes] for p in current.paragraphs]

    hebrew = changes("he")
    assert hebrew[0] == [("equal", "המים יחולקו"), ("ins", " בשוויון"), ("equal", " בין הצדדים.")]
    assert [op for op, _ in hebrew[1]] == ["equal"] and [op for op, _ in hebrew[2]] == ["equal"]
    arabic = changes("ar")
    assert arabic[2] == [
        ("equal", "تحال النزاعات إلى "),
        ("del", "التحكيم"),
        ("ins", "الوساطة"),
        ("equal", "."),
    ]
    assert [op for op, _ in arabic[0]] == ["equal"]
    for code in ("en", "fr"):  # the original (fr has no version): nothing changed in it
        assert all(op == "equal" for p in changes(code) for op, _ in p)


def test_a_language_of_another_paragraph_count_is_refused(app, settings, database) -> None:  # type: ignore[no-untyped-def]
    world, item_id = text_world(settings, database, languages=LANGUAGES)
    start(world, item_id)
    url = f"/w/{world.workshop.id}/text/{item_id}"
    fac = browser(app)
    fac.login(world.users["facilitator"])
    typed = {"text": EN, "lang": "en", "text__he": HE_TWO, "text__ar": AR}
    refused = fac.post(url + "/draft", typed)
    assert refused.status_code == 409
    assert "as many paragraphs as the original" in refused.text
    assert 'aria-describedby="draft-text-he-error"' in refused.text
    for kept in ("A joint board decides.", "ועדה משותפת תחליט.", "تحال النزاعات إلى التحكيم."):
        assert kept in refused.text  # nothing of what was typed is lost
    unknown = fac.post(url + "/draft", {"text": EN, "lang": "en", "text__fr": EN})
    assert unknown.status_code == 409
    assert service.split_languages({"he": "  "}, codes=("en", "he"), original="en", count=3) == {}

    api = f"/api/v1/workshops/{world.workshop.id}/texts/{item_id}/draft"
    headers = {"X-CSRF-Token": fac.ensure_token()}
    body = {"text": EN, "texts": {"he": HE_TWO}}
    assert fac.client.put(api, json=body, headers=headers).status_code == 409
    fac_viewer = world.viewer("facilitator")
    with tx(world, fac_viewer) as (db, workshop):
        item = service.text_item(db, viewer=fac_viewer, workshop=workshop, item_id=item_id)
        assert service.draft_text(db, viewer=fac_viewer, item=item) is None  # nothing saved

    saved = fac.post(url + "/draft", {"text": EN, "lang": "en", "text__he": HE, "text__ar": ""})
    assert saved.status_code == 303
    form = fac.get(url).text
    assert "ועדה משותפת תחליט." in form and 'name="text__ar"' in form


def test_the_api_shows_every_language(app, settings, database) -> None:  # type: ignore[no-untyped-def]
    world, item_id = text_world(settings, database, languages=LANGUAGES)
    start(world, item_id)
    api = f"/api/v1/workshops/{world.workshop.id}/texts/{item_id}"
    fac = browser(app)
    fac.login(world.users["facilitator"])
    headers = {"X-CSRF-Token": fac.ensure_token()}
    put = fac.client.put(
        api + "/draft", json={"text": EN, "texts": {"he": HE, "ar": AR}}, headers=headers
    )
    assert put.status_code == 200, put.text
    assert fac.client.post(api + "/publish", headers=headers).status_code == 200
    person = browser(app, "ar")
    person.join(world.invitations[0])
    accept_rules(world, 0)
    version = person.client.get(api).json()["versions"][0]
    assert version["lang"] == "ar" and version["original_name"] == ""
    first = version["paragraphs"][0]
    assert (first["lang"], first["dir"], first["text"]) == ("ar", "rtl", AR.split("\n\n")[0])
    assert first["languages"] == [
        {"lang": "en", "dir": "ltr", "text": "The water is shared.", "original": True},
        {"lang": "he", "dir": "rtl", "text": "המים יחולקו בין הצדדים.", "original": False},
        {"lang": "ar", "dir": "rtl", "text": "تقسم المياه بين الطرفين.", "original": False},
    ]


def test_a_drafts_other_languages_are_the_facilitators_only(settings, database) -> None:  # type: ignore[no-untyped-def]
    world, item_id = text_world(settings, database, languages=LANGUAGES)
    start(world, item_id)
    fac = world.viewer("facilitator")
    with tx(world, fac) as (db, workshop):
        item = service.text_item(db, viewer=fac, workshop=workshop, item_id=item_id)
        draft = service.save_draft(
            db, viewer=fac, workshop=workshop, item=item, text=EN, lang="", texts={"he": HE}
        )
        rows = db.exec(select(TextParagraph).where(TextParagraph.version_id == draft.id))
        ids = [row.id for row in rows]
        assert all(service.paragraph_texts(db, viewer=fac, paragraph_ids=ids).values())
    person = viewers(world)[0]
    with tx(world, person) as (db, _workshop):
        assert service.paragraph_texts(db, viewer=person, paragraph_ids=ids) == {
            pid: {} for pid in ids
        }


def test_the_summary_gives_the_text_in_the_exports_language(settings, database) -> None:  # type: ignore[no-untyped-def]
    world, item_id = text_world(settings, database, languages=LANGUAGES)
    start(world, item_id)
    publish(world, item_id, EN, {"he": HE})
    organizer = world.viewer("organizer")
    with tx(world, organizer) as (db, workshop):
        model = summary.draft(db, world.settings, workshop, viewer=organizer)

    def text(code: str) -> list[tuple[str, str]]:
        (item,) = [i for s in localize(model, code).sessions for i in s.items]
        return [(p.lang, p.text) for p in item.text]

    assert text("he") == [("he", t) for t in HE.split("\n\n")]
    assert text("en") == [("en", t) for t in EN.split("\n\n")]
    assert text("ar") == [("en", t) for t in EN.split("\n\n")]  # no Arabic: the original


def test_archive_deletes_the_other_languages(settings, database) -> None:  # type: ignore[no-untyped-def]
    world, item_id = text_world(settings, database, languages=LANGUAGES)
    start(world, item_id)
    publish(world, item_id, EN, {"he": HE, "ar": AR})

    def stored() -> int:
        with database.session() as db:
            rows = db.connection().execute(
                text("SELECT count(*) FROM ntext_paragraph_text WHERE workshop_id = :w"),
                {"w": world.workshop.id},
            )
            return int(rows.scalar() or 0)

    assert stored() == 6
    world.archive()
    assert stored() == 0  # ciphertext under the destroyed key, deleted with it
