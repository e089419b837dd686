"""Parallel content: read, write and choose the language version of a staff-written text.

A workshop writes its content in its first language (the original) and may give each text a
version in each of its other languages. A reader gets the version in their own language
(the request's locale), else the original, marked with its language so the fallback is
visible. Who may read a translation is who may read the workshop (app/policy/filters.py);
who may write one is the caller's check on the original.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from babel import Locale, UnknownLocaleError
from sqlalchemy import delete
from sqlmodel import Session, col, select

from app import i18n, policy
from app.forms import clean_text
from app.i18n import N_
from app.policy import Viewer
from app.translations.models import ContentTranslation
from app.workshops.models import Workshop
from app.workshops.validate import Checks

# Scripts written right to left, beyond the shipped ones (a workshop may use any language).
_RTL = i18n.RTL | {"ps", "sd", "ug", "yi", "dv", "ckb", "syr"}
SEPARATOR = "__"
NEEDS_TITLE = N_("Give the translation a title.")


def languages(workshop: Workshop) -> list[str]:
    """The workshop's languages, the original (the one its content is written in) first."""
    return [code for code in workshop.languages.split(",") if code] or ["en"]


def original_language(workshop: Workshop) -> str:
    return languages(workshop)[0]


def other_languages(workshop: Workshop) -> list[str]:
    """The languages a text may be translated into."""
    return languages(workshop)[1:]


def base(code: str) -> str:
    return code.strip().lower().replace("_", "-").split("-")[0]


def direction(code: str) -> str:
    return "rtl" if base(code) in _RTL else "ltr"


def language_name(code: str, reader: str | None = None) -> str:
    """The language's name in the reader's language (English, anglais, الإنجليزية...)."""
    try:
        name = Locale.parse(reader or i18n.current_locale.get()).languages.get(base(code))
    except (UnknownLocaleError, ValueError):
        name = None
    return name or i18n.LANGUAGE_NAMES.get(base(code), code)


@dataclass(frozen=True)
class Localized:
    """One text as a reader gets it: in their language, or the original with a visible
    marker (`original_name`, the original language's name; empty when not a fallback)."""

    title: str
    body: str
    lang: str
    dir: str
    original_name: str = ""


def pick(
    original: tuple[str, str],
    versions: Mapping[str, ContentTranslation],
    *,
    original_lang: str,
    reader: str,
) -> Localized:
    """The version of a text for a reader whose language is `reader` (a shipped locale)."""
    if base(original_lang) != base(reader):
        for lang, row in sorted(versions.items(), key=lambda kv: kv[0] != reader):
            if base(lang) == base(reader) and (row.title or row.body):
                return Localized(row.title, row.body, lang, direction(lang))
    title, body = original
    fallback = "" if base(original_lang) == base(reader) else language_name(original_lang, reader)
    return Localized(title, body, original_lang, direction(original_lang), fallback)


def load(
    db: Session, *, viewer: Viewer, workshop: Workshop, kind: str, object_ids: Iterable[str]
) -> dict[str, dict[str, ContentTranslation]]:
    """Every translation of these objects the viewer may read: {object id: {lang: row}}."""
    ids = list(object_ids)
    result: dict[str, dict[str, ContentTranslation]] = {object_id: {} for object_id in ids}
    if not ids:
        return result
    statement = policy.visible(select(ContentTranslation), viewer, ContentTranslation).where(
        col(ContentTranslation.workshop_id) == workshop.id,
        col(ContentTranslation.kind) == kind,
        col(ContentTranslation.object_id).in_(ids),
    )
    for row in db.exec(statement):
        result.setdefault(row.object_id, {})[row.lang] = row
    return result


def field_name(name: str, lang: str) -> str:
    """The form field of a text's version in another language: title__ar, body__ar."""
    return f"{name}{SEPARATOR}{lang}"


def check_fields(
    checks: Checks, workshop: Workshop, fields: Mapping[str, tuple[str, int, bool]]
) -> None:
    """Add each translation field (name: (label, max length, multiline)) to the checks;
    a translation may be left empty (then the original is shown); a field not sent at all
    keeps its value."""
    for lang in other_languages(workshop):
        for name, (label, max_length, multiline) in fields.items():
            if field_name(name, lang) not in checks.data:
                continue
            checks.field(
                field_name(name, lang),
                clean_text,
                label=label,
                max_length=max_length,
                required=False,
                multiline=multiline,
            )


def split(cleaned: dict[str, Any], workshop: Workshop) -> dict[str, dict[str, str]]:
    """Take the translation fields out of cleaned form data: {lang: {field: text}}."""
    result: dict[str, dict[str, str]] = {}
    for lang in other_languages(workshop):
        for key in [k for k in cleaned if k.endswith(SEPARATOR + lang)]:
            result.setdefault(lang, {})[key[: -len(SEPARATOR + lang)]] = cleaned.pop(key)
    return result


def save(
    db: Session,
    *,
    workshop: Workshop,
    kind: str,
    object_id: str,
    texts: Mapping[str, Mapping[str, str]],
    current: Mapping[str, ContentTranslation],
) -> bool:
    """Write the given versions (fields left out keep their value; all empty removes the
    version). The caller has checked that the viewer may edit the original. Returns
    whether anything changed."""
    changed = False
    for lang, fields in texts.items():
        if lang not in other_languages(workshop):
            continue
        row = current.get(lang)
        title = fields.get("title", row.title if row else "")
        body = fields.get("body", row.body if row else "")
        if row is not None and (row.title, row.body) == (title, body):
            continue
        if row is None and not (title or body):
            continue
        changed = True
        if not (title or body):
            db.delete(row)
            continue
        row = row or ContentTranslation(
            workshop_id=workshop.id, kind=kind, object_id=object_id, lang=lang
        )
        row.title, row.body = title, body
        db.add(row)
    if changed:
        db.flush()
    return changed


def remove(db: Session, *, workshop: Workshop, kind: str, object_id: str) -> None:
    """Delete every version of a text whose original is deleted."""
    db.execute(
        delete(ContentTranslation).where(
            col(ContentTranslation.workshop_id) == workshop.id,
            col(ContentTranslation.kind) == kind,
            col(ContentTranslation.object_id) == object_id,
        )
    )


def form_values(
    rows: Iterable[Any],
    versions: Mapping[str, Mapping[str, ContentTranslation]],
    fields: tuple[str, ...],
) -> dict[str, dict[str, str]]:
    """What an edit form shows for each object: {id: {field and field__lang: text}}."""
    values: dict[str, dict[str, str]] = {}
    for row in rows:
        shown = {name: getattr(row, name) or "" for name in fields}
        for lang, version in versions.get(row.id, {}).items():
            for name in fields:
                shown[field_name(name, lang)] = getattr(version, name)
        values[row.id] = shown
    return values
