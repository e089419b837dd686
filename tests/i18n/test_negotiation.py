"""Each person's language: their choice, else the browser's preference, else English; RTL."""

from __future__ import annotations

import re

import pytest

from app.i18n import direction, negotiate
from tests.factories import Browser


@pytest.mark.parametrize(
    ("chosen", "accept", "expected"),
    [
        (None, None, "en"),
        (None, "", "en"),
        (None, "fr-CH, fr;q=0.9, en;q=0.8", "fr"),
        (None, "de-DE,de;q=0.9,ru;q=0.8,en;q=0.5", "ru"),
        (None, "en;q=0.2, he;q=0.9", "he"),
        (None, "AR-EG", "ar"),
        (None, "de, it", "en"),
        (None, "fr;q=abc, ru;q=0.3", "ru"),
        (None, "*", "en"),
        ("ar", "fr", "ar"),
        ("xx", "he", "he"),
        ("", "ru", "ru"),
    ],
)
def test_negotiate(chosen, accept, expected) -> None:
    assert negotiate(chosen, accept) == expected


def test_direction() -> None:
    assert direction("ar") == direction("he") == direction("fa") == direction("ur") == "rtl"
    assert direction("en") == direction("fr") == direction("ru") == "ltr"


def html_tag(text: str) -> str:
    match = re.search(r"<html[^>]*>", text)
    assert match
    return match.group(0)


@pytest.mark.parametrize(
    ("accept", "tag", "words"),
    [
        ("ar", '<html lang="ar" dir="rtl">', "الانتقال إلى المحتوى"),
        ("he-IL,he;q=0.9", '<html lang="he" dir="rtl">', "דילוג לתוכן"),
        ("fr-FR", '<html lang="fr" dir="ltr">', "Aller au contenu"),
        ("ru", '<html lang="ru" dir="ltr">', "Перейти к содержимому"),
        ("en-GB", '<html lang="en" dir="ltr">', "Skip to content"),
        ("fa-IR", '<html lang="fa" dir="rtl">', "رفتن به محتوا"),
        ("ur-PK,ur;q=0.9", '<html lang="ur" dir="rtl">', "مواد پر جائیں"),
    ],
)
def test_browser_preference_sets_language_and_direction(client, accept, tag, words) -> None:
    page = client.get("/", headers={"Accept-Language": accept})
    assert page.status_code == 200
    assert html_tag(page.text) == tag
    assert words in page.text


def test_choice_beats_browser_and_persists(client) -> None:
    browser = Browser(client)
    browser.get("/")
    answer = browser.post("/language", {"language": "he", "next": "/login"})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login"
    assert "tt_lang=he" in answer.headers["set-cookie"]
    page = client.get("/login", headers={"Accept-Language": "fr"})
    assert html_tag(page.text) == '<html lang="he" dir="rtl">'
    assert "כניסת צוות" in page.text


def test_unknown_language_is_refused_without_a_500(client) -> None:
    browser = Browser(client)
    browser.get("/")
    answer = browser.post("/language", {"language": "xx"})
    assert answer.status_code == 422
    assert "tt_lang" not in answer.headers.get("set-cookie", "")


def test_language_picker_lists_every_shipped_language_in_its_own_script(client) -> None:
    page = client.get("/", headers={"Accept-Language": "ar"})
    for code, name in [
        ("en", "English"),
        ("fr", "Français"),
        ("ru", "Русский"),
        ("ar", "العربية"),
        ("he", "עברית"),
        ("fa", "فارسی"),
        ("ur", "اردو"),
    ]:
        assert f'<option value="{code}" lang="{code}"' in page.text
        assert name in page.text
    assert re.search(r'<option value="ar" lang="ar" selected>', page.text)
