"""Python-side messages, locale formatting filters, escaping of translations, the extractor."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, time

import pytest

from app import i18n
from app.errors import Invalid, NotFound
from app.forms import clean_choice, clean_int, clean_text
from app.i18n_extract import messages_in
from app.l10n import date_format, date_range, list_join, number, percent, time_format
from app.templating import env


@contextmanager
def locale(code: str) -> Iterator[None]:
    token = i18n.current_locale.set(code)
    try:
        yield
    finally:
        i18n.current_locale.reset(token)


def test_form_messages_are_translated_with_their_label() -> None:
    with locale("fr"), pytest.raises(Invalid) as caught:
        clean_text("", field="title", label="Title", max_length=10)
    assert caught.value.errors == {"title": "Titre : ce champ est obligatoire."}
    with locale("ru"), pytest.raises(Invalid) as caught:
        clean_int("99", field="k", label="Minimum group size k", minimum=3, maximum=50)
    assert caught.value.message == ("Минимальный размер группы k: укажите значение от 3 до 50.")
    with locale("en"), pytest.raises(Invalid) as caught:
        clean_text("x" * 11, field="title", label="Title", max_length=10)
    assert caught.value.message == "Title must be at most 10 characters."


def test_domain_error_messages_follow_the_locale() -> None:
    with locale("he"):
        assert NotFound().message == "לא נמצא"
        assert Invalid("Enter a valid e-mail address.").message == "יש להזין כתובת דוא״ל תקינה."
    assert NotFound().message == "Not found"


def test_error_pages_and_json_errors_are_translated(client) -> None:
    page = client.get("/no/such/page", headers={"Accept-Language": "ar"})
    assert page.status_code == 404
    assert "لا يوجد شيء هنا، أو لا يحق لك الاطلاع عليه." in page.text
    api = client.get("/api/v1/no-such-thing", headers={"Accept-Language": "fr"})
    assert api.status_code == 404
    assert api.json()["error"]["title"] == "Introuvable"


@pytest.mark.parametrize(
    ("code", "day", "clock", "big"),
    [
        ("en", "Nov 22, 2026", "2:30\u202fPM", "12,345.5"),
        ("fr", "22 nov. 2026", "14:30", "12\u202f345,5"),
        ("ru", "22 нояб. 2026\u202fг.", "14:30", "12\xa0345,5"),
        ("he", "22 בנוב׳ 2026", "14:30", "12,345.5"),
        ("fa", "22 نوامبر 2026", "14:30", "12,345.5"),
        ("ur", "22 نومبر، 2026", "2:30 PM", "12,345.5"),
    ],
)
def test_dates_and_numbers_follow_the_locale(code, day, clock, big) -> None:
    with locale(code):
        assert date_format(date(2026, 11, 22)) == day
        assert date_format("2026-11-22") == day
        assert time_format(time(14, 30)) == clock
        assert number(12345.5) == big
        assert date_format(None) == time_format(None) == number(None) == ""


def test_arabic_dates_and_percent() -> None:
    with locale("ar"):
        assert "نوفمبر" in date_format(date(2026, 11, 22), "long")
        assert "40" in percent(0.4) and "%" in percent(0.4)
        assert date_range(date(2026, 11, 22), date(2026, 11, 22)) == date_format(date(2026, 11, 22))
        assert "2026" in date_range(date(2026, 11, 22), date(2026, 11, 24))


def test_filters_are_registered_for_templates() -> None:
    with locale("fr"):
        out = env.from_string("{{ d | date_format }} · {{ n | number }}").render(
            d=date(2026, 1, 5), n=1500
        )
    assert out == "5 janv. 2026 · 1\u202f500"


def test_translations_are_text_never_markup() -> None:
    with locale("en"):
        out = env.from_string("{{ _(message) }} {{ _('Your role: %(role)s', role=r) }}").render(
            message="<b>hi</b>", r="<i>x</i>"
        )
    assert out == "&lt;b&gt;hi&lt;/b&gt; Your role: &lt;i&gt;x&lt;/i&gt;"
    with locale("fr"):
        out = env.from_string("{{ _('Back to the workshop') }}").render()
    assert out == "Retour à l&#39;atelier"


def test_extractor_finds_marks_errors_and_labels() -> None:
    source = (
        "from app.i18n import N_\n"
        "LABELS = {'a': N_('Draft')}\n"
        "KIND_LABELS: dict[str, str] = {'x': 'Break', 'y': other}\n"
        "def f(x):\n"
        "    clean_text(x, field='t', label='Title', max_length=3)\n"
        "    raise errors.Invalid('Choose a party.', field='party')\n"
        "    ngettext('%(num)s item', '%(num)s items', 2)\n"
        "    Invalid(f'not {x}')\n"
        "    other('not this')\n"
        "class Later(DomainError):\n"
        "    title = 'Wait a moment'\n"
        "    def __init__(self):\n"
        "        super().__init__('Come back later.')\n"
        "def g(checks, db):\n"
        "    checks.fail('end', 'The end is before the start.')\n"
        "    ratelimit.fail(db, settings, 'key', client)\n"
    )
    found = [(line, message) for line, _func, message, _c in messages_in(source)]
    assert found == [
        (2, "Draft"),
        (3, "Break"),
        (5, "Title"),
        (6, "Choose a party."),
        (7, ("%(num)s item", "%(num)s items")),
        (11, "Wait a moment"),
        (13, "Come back later."),
        (15, "The end is before the start."),
    ]


@pytest.mark.parametrize(
    ("code", "n", "expected"),
    [
        ("ar", 1, "قاعدة واحدة"),
        ("ar", 2, "قاعدتان"),
        ("ar", 5, "5 قواعد"),
        ("ar", 11, "11 قاعدة"),
        ("ar", 105, "105 قواعد"),
        ("ru", 1, "1 правило"),
        ("ru", 3, "3 правила"),
        ("ru", 5, "5 правил"),
        ("ru", 21, "21 правило"),
        ("he", 1, "כלל אחד"),
        ("he", 7, "7 כללים"),
        ("fr", 0, "0 règle"),
        ("fr", 2, "2 règles"),
    ],
)
def test_plurals_follow_each_language(code, n, expected) -> None:
    with locale(code):
        out = env.from_string('{{ ngettext("%(num)s rule", "%(num)s rules", n) }}').render(n=n)
    assert out == expected


@pytest.mark.parametrize(
    ("code", "comma", "semicolon"),
    [
        ("en", "a, b, c", "a; b; c"),
        ("he", "a, b, c", "a; b; c"),
        ("ar", "a، b، c", "a؛ b؛ c"),
        ("fa", "a، b، c", "a؛ b؛ c"),
        ("ur", "a، b، c", "a؛ b؛ c"),
    ],
)
def test_lists_use_the_scripts_comma(code, comma, semicolon) -> None:
    with locale(code):
        assert list_join(["a", "b", "c"]) == comma
        assert list_join(["a", "b", "c"], ";") == semicolon
        rendered = env.from_string('{{ xs | list_join(";") }}').render(xs=["a", "b", "c"])
    assert rendered == semicolon


def test_choice_error_lists_options_with_the_arabic_comma() -> None:
    with locale("ar"), pytest.raises(Invalid) as caught:
        clean_choice("x", field="v", label="Choice", choices=("agree", "disagree", "pass"))
    assert "agree، disagree، pass" in caught.value.message
