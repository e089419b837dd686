"""Agenda items' titles and descriptions in each of the workshop's languages
(app/translations): written on the item form beside the original, read in the reader's
language or as the original, marked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from sqlmodel import Session

from app import i18n
from app.agenda.models import AgendaItem
from app.agenda.present import ItemView
from app.errors import Invalid
from app.policy import Viewer
from app.translations import service as translations
from app.translations.models import ContentTranslation
from app.workshops.models import Workshop
from app.workshops.validate import Checks

KIND = "item"
FIELDS = {"title": ("Title", 200, False), "description": ("Description", 4000, True)}


def load(
    db: Session, workshop: Workshop, item_ids: list[str], *, viewer: Viewer
) -> dict[str, dict[str, ContentTranslation]]:
    return translations.load(db, viewer=viewer, workshop=workshop, kind=KIND, object_ids=item_ids)


def clean(
    data: Mapping[str, Any],
    workshop: Workshop,
    current: Mapping[str, ContentTranslation] | None = None,
) -> dict[str, dict[str, str]]:
    """The item's versions sent with its form: {lang: {"title": ..., "body": ...}}."""
    checks = Checks(data)
    translations.check_fields(checks, workshop, FIELDS)
    cleaned = checks.done()
    texts: dict[str, dict[str, str]] = {}
    for lang, fields in translations.split(cleaned, workshop).items():
        kept = (current or {}).get(lang)
        text = {"title": fields["title"]} if "title" in fields else {}
        if "description" in fields:
            text["body"] = fields["description"]
        title = text.get("title", kept.title if kept else "")
        if text.get("body", kept.body if kept else "") and not title:
            raise Invalid(errors={translations.field_name("title", lang): translations.NEEDS_TITLE})
        texts[lang] = text
    return texts


def save(
    db: Session,
    *,
    workshop: Workshop,
    item: AgendaItem,
    texts: Mapping[str, Mapping[str, str]],
    current: Mapping[str, ContentTranslation],
) -> bool:
    """Write the item's versions; the caller checked `agenda.edit`."""
    return translations.save(
        db, workshop=workshop, kind=KIND, object_id=item.id, texts=texts, current=current
    )


def remove(db: Session, *, workshop: Workshop, item: AgendaItem) -> None:
    translations.remove(db, workshop=workshop, kind=KIND, object_id=item.id)


def form_values(current: Mapping[str, ContentTranslation]) -> dict[str, str]:
    """The item form's title__<lang> and description__<lang> fields."""
    values: dict[str, str] = {}
    for lang, row in current.items():
        values[translations.field_name("title", lang)] = row.title
        values[translations.field_name("description", lang)] = row.body
    return values


def for_reader(
    views: list[ItemView],
    versions: Mapping[str, Mapping[str, ContentTranslation]],
    workshop: Workshop,
) -> list[ItemView]:
    """Each item in the request's language where written in it, else the original, marked."""
    reader = i18n.current_locale.get()
    original = translations.original_language(workshop)
    shown: list[ItemView] = []
    for view in views:
        text = translations.pick(
            (view.title, view.description),
            versions.get(view.id, {}),
            original_lang=original,
            reader=reader,
        )
        shown.append(
            replace(
                view,
                title=text.title,
                description=text.body,
                lang=text.lang,
                dir=text.dir,
                original_name=text.original_name,
            )
        )
    return shown
