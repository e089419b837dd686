"""View models for ground rules: each rule in the reader's language, or its original marked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session

from app import i18n, policy
from app.policy import Viewer
from app.rules import service
from app.rules.models import GroundRule
from app.translations import service as translations
from app.translations.models import ContentTranslation
from app.workshops.models import Workshop


@dataclass(frozen=True)
class RuleView:
    id: str
    title: str
    body: str
    position: int
    lang: str = ""
    dir: str = "auto"
    original_name: str = ""  # the original language's name, when shown instead of the reader's


@policy.presenter("GroundRule")
def rule_view(rule: GroundRule, _viewer: Viewer) -> RuleView:
    """The original text (the editor's view, and wherever no reader language applies)."""
    return RuleView(id=rule.id, title=rule.title, body=rule.body, position=rule.position)


def read_views(
    rules: list[GroundRule],
    versions: Mapping[str, Mapping[str, ContentTranslation]],
    workshop: Workshop,
    reader: str,
) -> list[RuleView]:
    """Each rule in the reader's language if written in it, else the original, marked."""
    original = translations.original_language(workshop)
    views: list[RuleView] = []
    for rule in rules:
        shown = translations.pick(
            (rule.title, rule.body),
            versions.get(rule.id, {}),
            original_lang=original,
            reader=reader,
        )
        views.append(
            RuleView(
                id=rule.id,
                title=shown.title,
                body=shown.body,
                position=rule.position,
                lang=shown.lang,
                dir=shown.dir,
                original_name=shown.original_name,
            )
        )
    return views


def for_reader(db: Session, workshop: Workshop, *, viewer: Viewer) -> list[RuleView]:
    """The rules as the viewer reads them, in the request's language where written in it."""
    rows = service.list_rules(db, workshop, viewer=viewer)
    versions = service.versions(db, workshop, rows, viewer=viewer)
    return read_views(rows, versions, workshop, i18n.current_locale.get())
