"""The workshop's purpose in each of its languages (app/translations): written on the
settings form beside the original, read in the reader's language or marked as the original."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from app import i18n, policy
from app.policy import Viewer
from app.translations import service as translations
from app.translations.service import Localized
from app.workshops.models import Workshop
from app.workshops.validate import Checks

KIND = "purpose"
FIELDS = {"purpose": ("Purpose", 4000, True)}


def clean(data: Mapping[str, Any], workshop: Workshop) -> dict[str, dict[str, str]]:
    """The purpose's versions sent with the settings form: {lang: {"body": text}}."""
    checks = Checks(data)
    translations.check_fields(checks, workshop, FIELDS)
    texts = translations.split(checks.done(), workshop)
    return {lang: {"body": fields["purpose"]} for lang, fields in texts.items()}


def save(
    db: Session, *, viewer: Viewer, workshop: Workshop, texts: Mapping[str, Mapping[str, str]]
) -> bool:
    """Write the purpose's versions (organizers); whether any changed."""
    policy.ensure(viewer, "workshop.manage", workshop)
    current = translations.load(
        db, viewer=viewer, workshop=workshop, kind=KIND, object_ids=[workshop.id]
    )[workshop.id]
    return translations.save(
        db, workshop=workshop, kind=KIND, object_id=workshop.id, texts=texts, current=current
    )


def form_values(db: Session, workshop: Workshop, *, viewer: Viewer) -> dict[str, str]:
    """The settings form's purpose__<lang> fields."""
    versions = translations.load(
        db, viewer=viewer, workshop=workshop, kind=KIND, object_ids=[workshop.id]
    )[workshop.id]
    return {translations.field_name("purpose", lang): row.body for lang, row in versions.items()}


def for_reader(db: Session, workshop: Workshop, *, viewer: Viewer) -> Localized:
    """The purpose in the request's language, else the original, marked."""
    versions = translations.load(
        db, viewer=viewer, workshop=workshop, kind=KIND, object_ids=[workshop.id]
    )[workshop.id]
    return translations.pick(
        ("", workshop.purpose),
        versions,
        original_lang=translations.original_language(workshop),
        reader=i18n.current_locale.get(),
    )
