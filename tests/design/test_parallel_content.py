"""Parallel content: ground rules written in each of the workshop's languages, read in the
reader's language with a visible fallback to the original; the rules version covers every
language, so a change in any language asks everyone to accept again."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.i18n import SHIPPED
from app.l10n import gettext_in
from app.rules import service as rules
from app.rules.models import GroundRule
from app.translations.models import ContentTranslation
from app.workshops.models import Workshop
from tests.design.conftest import browser_for
from tests.factories import Browser, make_world

ARABIC_TITLE = "نستمع لنفهم"


@pytest.fixture
def world(settings, database):  # type: ignore[no-untyped-def]
    return make_world(settings, database, languages="en,ar,fr")


def _rules(world) -> list[GroundRule]:
    with world.database.session() as db:
        statement = (
            select(GroundRule)
            .where(GroundRule.workshop_id == world.workshop.id)
            .order_by(GroundRule.position)
        )
        return list(db.exec(statement))


def _versions(world) -> list[ContentTranslation]:
    with world.database.session() as db:
        statement = select(ContentTranslation).where(
            ContentTranslation.workshop_id == world.workshop.id
        )
        return list(db.exec(statement))


def _version(world) -> int:
    with world.database.session() as db:
        return db.get(Workshop, world.workshop.id).rules_version


def _participant(app, world, lang: str, index: int = 0) -> Browser:
    b = Browser(TestClient(app, base_url="http://testserver"))
    b.client.cookies.set("tt_lang", lang)
    b.join(world.invitations[index])
    return b


def _items(page: str) -> list[str]:
    section = page[page.index('<ol class="rules"') : page.index("</ol>")]
    return re.findall(r"<li([^>]*)>", section)


@pytest.mark.parametrize("languages", ["en", "en,ar", "ar,en,fr", "he,xx-YY,ru,fa,ur"])
def test_starter_rules_are_written_in_every_shipped_language_of_the_workshop(
    settings, database, languages: str
) -> None:
    world = make_world(settings, database, languages=languages)
    codes = languages.split(",")
    rows = _rules(world)
    shipped_others = [c for c in codes[1:] if c in SHIPPED]
    by_lang: dict[str, set[str]] = {}
    for version in _versions(world):
        by_lang.setdefault(version.lang, set()).add(version.object_id)
    assert set(by_lang) == set(shipped_others)
    for lang in shipped_others:
        assert by_lang[lang] == {r.id for r in rows}
    if "ar" in shipped_others:
        arabic = {v.title for v in _versions(world) if v.lang == "ar"}
        assert gettext_in("ar", "We listen to understand") in arabic
    assert rows[0].title == gettext_in(codes[0], "The Chatham House Rule")
    assert _version(world) == 1


@pytest.mark.parametrize(
    ("reader", "expect_lang", "marker"),
    [("ar", "ar", None), ("fr", "fr", None), ("en", "en", None), ("ru", "en", "английский")],
)
def test_a_reader_gets_their_language_or_the_original_marked(
    app, world, reader: str, expect_lang: str, marker: str | None
) -> None:
    wid = world.workshop.id
    p = _participant(app, world, reader)
    for url in (f"/w/{wid}/rules", f"/w/{wid}"):
        page = p.get(url).text
        items = _items(page)
        assert items and all(f'lang="{expect_lang}"' in li for li in items)
        direction = "rtl" if expect_lang == "ar" else "ltr"
        assert all(f'dir="{direction}"' in li for li in items)
        listen = gettext_in(expect_lang, "We listen to understand")
        assert listen in page
        if marker is None:
            assert "original-language" not in page
        else:
            assert page.count('class="muted original-language"') == len(items)
            assert marker in page  # "(original language: English)", in the reader's language


def test_partly_translated_rules_fall_back_one_by_one(app, world) -> None:
    wid = world.workshop.id
    facilitator = browser_for(app, world, "facilitator")
    first = _rules(world)[0]
    cleared = facilitator.post(
        f"/w/{wid}/manage/rules/{first.id}",
        {"title": first.title, "body": first.body, "title__ar": "", "body__ar": ""},
    )
    assert cleared.status_code == 303
    page = _participant(app, world, "ar").get(f"/w/{wid}/rules").text
    items = _items(page)
    assert 'lang="en"' in items[0] and 'dir="ltr"' in items[0]
    assert all('lang="ar"' in li for li in items[1:])
    assert page.count('class="muted original-language"') == 1
    assert gettext_in("ar", "(original language: %(name)s)") % {"name": "الإنجليزية"} in page


def test_the_editor_has_a_field_per_language_and_any_change_is_a_new_version(app, world) -> None:
    wid = world.workshop.id
    facilitator = browser_for(app, world, "facilitator")
    page = facilitator.get(f"/w/{wid}/manage/rules").text
    for name in ("title__ar", "body__ar", "title__fr", "body__fr"):
        assert f'name="{name}"' in page
    assert 'name="title__en"' not in page
    p = _participant(app, world, "ar")
    assert p.post(f"/w/{wid}/rules/accept", {"version": "1"}).status_code == 303
    assert "I accept" not in p.get(f"/w/{wid}/rules").text

    rule = _rules(world)[2]
    unchanged = facilitator.post(
        f"/w/{wid}/manage/rules/{rule.id}", {"title": rule.title, "body": rule.body}
    )
    assert unchanged.status_code == 303 and _version(world) == 1
    edited = facilitator.post(
        f"/w/{wid}/manage/rules/{rule.id}",
        {"title": rule.title, "body": rule.body, "title__ar": ARABIC_TITLE},
    )
    assert edited.status_code == 303 and _version(world) == 2  # only the Arabic changed
    page = p.get(f"/w/{wid}/rules").text
    assert ARABIC_TITLE in page
    assert 'name="version" value="2"' in page  # asked to accept the new version set
    assert p.post(f"/w/{wid}/rules/accept", {"version": "1"}).status_code == 409
    assert p.post(f"/w/{wid}/rules/accept", {"version": "2"}).status_code == 303

    french_only = facilitator.post(
        f"/w/{wid}/manage/rules/{rule.id}",
        {"title": rule.title, "body": rule.body, "body__fr": "Nouveau texte."},
    )
    assert french_only.status_code == 303 and _version(world) == 3
    with world.database.session() as db:
        workshop = db.get(Workshop, wid)
        viewer = world.viewer("organizer")
        accepted, active = rules.acceptance_count(db, workshop, viewer=viewer)
    assert (accepted, active) == (0, 1)


def test_a_new_rule_with_its_translation_and_a_refused_one_keeps_what_was_typed(app, world) -> None:
    wid = world.workshop.id
    facilitator = browser_for(app, world, "facilitator")
    refused = facilitator.post(
        f"/w/{wid}/manage/rules",
        {"title": "Phones off", "body__ar": "نص بلا عنوان", "body__fr": "Téléphones éteints."},
    )
    assert refused.status_code == 409  # valid alone, not without a title (Inconsistent)
    assert "Give the translation a title." in refused.text
    assert "نص بلا عنوان" in refused.text and "Téléphones éteints." in refused.text
    assert _version(world) == 1
    added = facilitator.post(
        f"/w/{wid}/manage/rules",
        {"title": "Phones off", "title__ar": "إغلاق الهواتف", "body__ar": "لا هواتف."},
    )
    assert added.status_code == 303 and _version(world) == 2
    new = _rules(world)[-1]
    langs = {v.lang: v.title for v in _versions(world) if v.object_id == new.id}
    assert langs == {"ar": "إغلاق الهواتف"}
    deleted = facilitator.post(f"/w/{wid}/manage/rules/{new.id}/delete")
    assert deleted.status_code == 303
    assert not [v for v in _versions(world) if v.object_id == new.id]


def test_a_language_outside_the_workshop_is_not_stored(app, world) -> None:
    wid = world.workshop.id
    facilitator = browser_for(app, world, "facilitator")
    rule = _rules(world)[1]
    saved = facilitator.post(
        f"/w/{wid}/manage/rules/{rule.id}",
        {"title": rule.title, "body": rule.body, "title__he": "כותרת"},
    )
    assert saved.status_code == 303 and _version(world) == 1
    assert not [v for v in _versions(world) if v.lang == "he"]


def test_the_purpose_in_each_language_with_a_visible_fallback(app, world) -> None:
    wid = world.workshop.id
    organizer = browser_for(app, world, "organizer")
    form = organizer.get(f"/w/{wid}/manage/settings").text
    assert 'name="purpose__ar"' in form and 'name="purpose__fr"' in form
    values = {
        "title": world.workshop.title,
        "purpose": "Water sharing in the valley.",
        "purpose__ar": "تقاسم المياه في الوادي.",
        "track": "track2",
        "timezone": "UTC",
        "languages": "en,ar,fr",
        "k_min": "5",
        "default_level": "chatham",
    }
    saved = organizer.post(f"/w/{wid}/manage/settings", values)
    assert saved.status_code == 303, saved.text
    assert "تقاسم المياه في الوادي." in organizer.get(f"/w/{wid}/manage/settings").text

    arabic = _participant(app, world, "ar", 0).get(f"/w/{wid}").text
    block = arabic[arabic.index('<div class="purpose"') :][:400]
    assert 'lang="ar" dir="rtl"' in block and "تقاسم المياه في الوادي." in block
    assert "original-language" not in block
    french = _participant(app, world, "fr", 1).get(f"/w/{wid}").text
    block = french[french.index('<div class="purpose"') :][:500]
    assert 'lang="en" dir="ltr"' in block and "Water sharing in the valley." in block
    assert "(langue d’origine : anglais)" in block  # the visible fallback, in French

    values["purpose__ar"] = "x" * 4001
    refused = organizer.post(f"/w/{wid}/manage/settings", values)
    assert refused.status_code == 422 and "x" * 4001 in refused.text
    assert "تقاسم المياه في الوادي." in organizer.get(f"/w/{wid}/manage/settings").text


def test_agenda_items_in_each_language_with_a_visible_fallback(app, world) -> None:
    wid = world.workshop.id
    facilitator = browser_for(app, world, "facilitator")
    made = facilitator.post(f"/w/{wid}/manage/sessions", {"title": "Day one"})
    assert made.status_code == 303, made.text
    page = facilitator.get(f"/w/{wid}/manage/agenda").text
    session_id = re.search(r"/manage/sessions/([0-9a-f]+)/items", page).group(1)
    assert 'name="title__ar"' in page and 'name="description__fr"' in page
    added = facilitator.post(
        f"/w/{wid}/manage/sessions/{session_id}/items",
        {
            "title": "Needs and fears",
            "description": "Each side names its needs.",
            "title__ar": "الاحتياجات والمخاوف",
            "description__ar": "يسمّي كل طرف احتياجاته.",
            "kind": "plenary",
            "phase": "needs_fears",
            "duration_minutes": "45",
        },
    )
    assert added.status_code == 303, added.text
    arabic = _participant(app, world, "ar", 0).get(f"/w/{wid}").text
    agenda = arabic[arabic.index('id="agenda"') :]
    assert '<strong lang="ar" dir="auto" hx-disable>الاحتياجات والمخاوف</strong>' in agenda
    assert "يسمّي كل طرف احتياجاته." in agenda and "original-language" not in agenda
    russian = _participant(app, world, "ru", 1).get(f"/w/{wid}").text
    agenda = russian[russian.index('id="agenda"') :]
    assert '<strong lang="en" dir="auto" hx-disable>Needs and fears</strong>' in agenda
    assert "original-language" in agenda and "английский" in agenda

    item_id = re.search(
        r"/manage/items/([0-9a-f]+)\"", facilitator.get(f"/w/{wid}/manage/agenda").text
    ).group(1)
    form = facilitator.get(f"/w/{wid}/manage/items/{item_id}").text
    assert "الاحتياجات والمخاوف" in form and 'name="title__fr"' in form
    refused = facilitator.post(
        f"/w/{wid}/manage/items/{item_id}",
        {
            "title": "Needs and fears",
            "description__fr": "Chaque partie nomme ses besoins.",
            "kind": "plenary",
            "phase": "needs_fears",
            "duration_minutes": "45",
            "level": "chatham",
        },
    )
    assert refused.status_code == 422 and "Chaque partie nomme ses besoins." in refused.text
    deleted = facilitator.post(f"/w/{wid}/manage/items/{item_id}/delete")
    assert deleted.status_code == 303
    assert not [v for v in _versions(world) if v.object_id == item_id]


def test_the_rules_api_answers_in_the_readers_language(app, world) -> None:
    wid = world.workshop.id
    arabic = _participant(app, world, "ar", 0).client.get(f"/api/v1/workshops/{wid}/rules")
    assert arabic.status_code == 200
    rules_ar = arabic.json()["rules"]
    assert {r["lang"] for r in rules_ar} == {"ar"} and {r["dir"] for r in rules_ar} == {"rtl"}
    assert gettext_in("ar", "We listen to understand") in {r["title"] for r in rules_ar}
    russian = _participant(app, world, "ru", 1).client.get(f"/api/v1/workshops/{wid}/rules")
    rules_ru = russian.json()["rules"]
    assert {r["lang"] for r in rules_ru} == {"en"}
    assert {r["original_name"] for r in rules_ru} == {"английский"}


def test_a_language_added_later_gets_the_starter_rules_still_as_shipped(
    app, settings, database
) -> None:
    world = make_world(settings, database, languages="en")
    wid = world.workshop.id
    assert _versions(world) == []
    organizer = browser_for(app, world, "organizer")
    facilitator = browser_for(app, world, "facilitator")
    changed = _rules(world)[1]
    facilitator.post(
        f"/w/{wid}/manage/rules/{changed.id}", {"title": changed.title, "body": "Our own text."}
    )
    assert _version(world) == 2
    values = {
        "title": world.workshop.title,
        "track": "track2",
        "timezone": "UTC",
        "languages": "en,ar",
        "k_min": "5",
        "default_level": "chatham",
    }
    assert organizer.post(f"/w/{wid}/manage/settings", values).status_code == 303
    arabic = {v.object_id for v in _versions(world) if v.lang == "ar"}
    assert arabic == {r.id for r in _rules(world)} - {changed.id}  # theirs stays to translate
    assert _version(world) == 3  # a new version set: everyone accepts again
    assert organizer.post(f"/w/{wid}/manage/settings", values).status_code == 303
    assert _version(world) == 3  # nothing new the second time
