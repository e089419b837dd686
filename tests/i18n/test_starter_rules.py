"""The ground-rules starter set arrives in the workshop's first shipped language."""

from __future__ import annotations

import pytest

from app.l10n import content_locale, gettext_in
from app.policy import Viewer
from app.rules import service as rules
from app.rules.service import CHATHAM_HOUSE_RULE, STARTER_RULES
from app.workshops import service as workshops
from tests.factories import make_user, staff_viewer


@pytest.mark.parametrize(
    ("languages", "expected"),
    [
        ("en", "en"),
        ("ar,en", "ar"),
        ("fa,he,en", "fa"),
        ("ur-PK,en", "ur"),
        ("de,he", "he"),
        ("de, fr-CH", "fr"),
        ("RU", "ru"),
        ("de,it", "en"),
        ("", "en"),
    ],
)
def test_content_locale(languages, expected) -> None:
    assert content_locale(languages) == expected


@pytest.mark.parametrize(
    ("languages", "title", "phrase"),
    [
        ("en", "The Chatham House Rule", "free to use the information received"),
        ("ar,en", "قاعدة تشاتام هاوس", "حرية استخدام المعلومات"),
        ("he", "כלל צ'טהאם האוס", "רשאים להשתמש במידע"),
        ("de,fr", "La règle de Chatham House", "libres d'utiliser les informations"),
        ("fa,en", "قاعدهٔ چتم هاوس", "آزادند از اطلاعات دریافتی استفاده کنند"),
        ("ur,en", "چیتھم ہاؤس اصول", "حاصل شدہ معلومات استعمال کرنے میں آزاد ہیں"),
        ("ru,en", "Правило Чатем-хауса", "свободно использовать полученную информацию"),
    ],
)
def test_new_workshop_gets_starter_rules_in_its_first_language(
    settings, database, languages, title, phrase
) -> None:
    with database.transaction() as db:
        user = make_user(db)
        creator = Viewer(kind="staff", user_id=user.id, email=user.email)
        workshop = workshops.create(
            db, settings, viewer=creator, title="Dialogue", languages=languages
        )
        found = rules.list_rules(db, workshop, viewer=staff_viewer(db, user))
    assert len(found) == len(STARTER_RULES)
    assert found[0].title == title
    assert phrase in found[0].body
    assert found[0].body.count("\n\n") == 1  # both paragraphs of the first rule
    assert all(rule.title and rule.body for rule in found)


@pytest.mark.parametrize("locale", ["fr", "ru", "ar", "he", "fa", "ur"])
def test_every_starter_paragraph_is_translated(locale) -> None:
    for title, body in STARTER_RULES:
        assert gettext_in(locale, title) != title
        for paragraph in body.split("\n\n"):
            assert gettext_in(locale, paragraph) != paragraph
    assert gettext_in(locale, CHATHAM_HOUSE_RULE) != CHATHAM_HOUSE_RULE
