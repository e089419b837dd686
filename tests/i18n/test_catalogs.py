"""Every UI string has a translation in every shipped locale, and the compiled catalogs are fresh.

The strings are extracted at test time with Babel's API and babel.cfg, exactly as `make i18n`
does, so a template or Python message added without a translation fails here.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from app import main as _app_main  # noqa: F401  (every module loaded: every error class)
from app.errors import DomainError
from app.i18n import LOCALES_DIR, SHIPPED
from app.i18n_extract import ERRORS

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = [code for code in SHIPPED if code != "en"]


def extracted() -> dict[str, str | tuple[str, ...]]:
    """msgid -> where it was found, for every translatable string of the app and templates."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str, str | tuple[str, ...]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, f"{filename}:{lineno}")
    return found


@pytest.fixture(scope="module")
def strings() -> dict[str, str | tuple[str, ...]]:
    found = extracted()
    assert len(found) > 100, "extraction found too little: is babel.cfg right?"
    return found


def catalog(locale: str) -> Catalog:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=locale)


def untranslated(cat: Catalog, msgid: str) -> bool:
    message = cat.get(msgid)
    if message is None:
        for candidate in cat:
            if isinstance(candidate.id, tuple) and candidate.id[0] == msgid:
                message = candidate
                break
    if message is None or message.fuzzy:
        return True
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    return not forms or not all(forms)


def test_extraction_sees_templates_and_python(strings) -> None:
    where = " ".join(str(place) for place in strings.values())
    assert "templates/base.html" in where
    assert "app/errors.py" in where  # N_() titles
    assert "app/forms.py" in where  # parameterised form messages
    assert "Skip to content" in strings


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_string_is_translated(locale, strings) -> None:
    cat = catalog(locale)
    missing = sorted(
        f"{strings[msgid]}: {msgid!r}" for msgid in strings if untranslated(cat, msgid)
    )
    assert not missing, (
        f"{len(missing)} string(s) lack a {locale} translation (run `make i18n`, then translate "
        f"app/locales/{locale}/LC_MESSAGES/messages.po):\n" + "\n".join(missing[:40])
    )


@pytest.mark.parametrize("locale", TRANSLATED)
def test_translations_keep_their_placeholders(locale) -> None:
    problems = [
        f"{message.id!r}: {error}"
        for message, errors in catalog(locale).check()
        for error in errors
    ]
    assert not problems, "\n".join(problems)


def key(value: object) -> object:
    return tuple(value) if isinstance(value, list | tuple) else value


@pytest.mark.parametrize("locale", TRANSLATED)
def test_compiled_catalog_matches_po(locale) -> None:
    """The committed .mo is what the app loads: it must hold exactly the .po's translations."""
    po = catalog(locale)
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.mo").open("rb") as mo_file:
        mo = read_mo(mo_file)
    want = {key(m.id): key(m.string) for m in po if m.id and not m.fuzzy and m.string}
    have = {key(m.id): key(m.string) for m in mo if m.id}
    stale = sorted(str(k) for k in want.keys() ^ have.keys()) + sorted(
        str(k) for k in want.keys() & have.keys() if want[k] != have[k]
    )
    assert not stale, f"{locale} .mo is stale; run `make i18n`:\n" + "\n".join(stale[:20])


def test_plural_forms_match_the_language() -> None:
    expected = {"fr": 2, "ru": 3, "ar": 6, "he": 2, "fa": 2, "ur": 2}
    for locale in TRANSLATED:
        assert catalog(locale).num_plurals == expected[locale]


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
@pytest.mark.parametrize("locale", TRANSLATED)
def test_msgfmt_check_is_clean(locale) -> None:
    """GNU msgfmt -c: header, plural forms and python-format placeholders all consistent."""
    po = LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po"
    run = subprocess.run(
        ["msgfmt", "-c", "-o", os.devnull, str(po)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0 and not run.stderr.strip(), run.stderr


def test_labels_passed_as_variables_are_still_extracted(strings) -> None:
    """`_(label)` over a tuple of literals hides them from extraction: the console's timer
    buttons stayed English. Each label is now a literal `_()` call."""
    for label in ("Pause", "Resume", "Clear"):
        assert label in strings, label


def _error_classes(cls: type) -> set[str]:
    return {cls.__name__}.union(*(_error_classes(sub) for sub in cls.__subclasses__()))


def test_every_error_raised_with_a_message_has_it_extracted() -> None:
    """A domain error given a literal message (`Inconsistent("...")`) is one the extractor
    reads: a new error class never leaves its messages in English in every language."""
    classes = _error_classes(DomainError)
    called: dict[str, str] = {}
    for path in sorted((ROOT / "app").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            first = node.args[0]
            if name in classes and isinstance(first, ast.Constant) and isinstance(first.value, str):
                called.setdefault(name, f"{path.relative_to(ROOT)}:{node.lineno}")
    missed = {name: where for name, where in called.items() if name not in ERRORS}
    assert not missed, missed
