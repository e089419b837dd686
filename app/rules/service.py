"""Ground rules: the starter set, editing and ordering (each change bumps the version), and
the consent gate: a participant accepts the current version before entering the room.

Acceptances are RulesAcceptance rows (participant, version, day): kept apart from every
contribution table and never joined to one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, col, func, select

from app import policy
from app.audit import service as audit
from app.errors import Conflict, DomainError, NotFound
from app.forms import clean_text
from app.i18n import N_, SHIPPED
from app.l10n import content_locale, gettext_in
from app.live.bus import changed
from app.policy import Viewer
from app.roster.models import Participant, RulesAcceptance
from app.rules.models import GroundRule
from app.translations import service as translations
from app.translations.models import ContentTranslation
from app.workshops import ordering
from app.workshops.models import Workshop
from app.workshops.state import ensure_writable
from app.workshops.validate import Checks, clean_direction

CHATHAM_HOUSE_RULE = N_(
    "When a meeting, or part thereof, is held under the Chatham House Rule, participants are "
    "free to use the information received, but neither the identity nor the affiliation of "
    "the speaker(s), nor that of any other participant, may be revealed."
)

# Marked for translation: a new workshop gets them in its first shipped language, and a version
# in each of its other languages that ships a translation (each paragraph is a msgid of its
# own; see insert_starter_set and app/l10n.gettext_in).
STARTER_RULES: tuple[tuple[str, str], ...] = (
    (
        N_("The Chatham House Rule"),
        CHATHAM_HOUSE_RULE
        + "\n\n"
        + N_(
            "Unless an agenda item says otherwise, this workshop is held under the Chatham "
            "House Rule. Each item shows its level; a level is never relaxed once the item has "
            "started."
        ),
    ),
    (
        N_("We speak in a personal capacity"),
        N_(
            "Everyone here speaks for themselves, not for a government, party, movement or "
            "employer. Nothing said in this room commits anyone's institution, and nobody will "
            "be held to a position as if it were official."
        ),
    ),
    (
        N_("We listen to understand"),
        N_(
            "We listen to understand the needs, fears and reasoning of the other side, not to "
            "score points or to win the argument. Questions that help someone explain are "
            "welcome; questions meant to corner them are not."
        ),
    ),
    (
        N_("No recording, no press"),
        N_(
            "No audio, video or photographs, and no live messages about what is said. Nothing "
            "from this workshop goes to journalists or social media. Notes are taken only as the "
            "facilitator agrees with the group."
        ),
    ),
    (
        N_("No quoting outside the room"),
        N_(
            "Ideas may be carried out of the room and used, but never with a name, an "
            "affiliation or a detail that would let someone guess who said it. When in doubt, "
            "leave it out."
        ),
    ),
    (
        N_("Equality of voice"),
        N_(
            "Whatever titles, rank or power people hold outside, here every participant has an "
            "equal voice and an equal claim on the time. Contributions in the room are "
            "anonymous, so ideas are weighed on their merits."
        ),
    ),
    (
        N_("The facilitator's role"),
        N_(
            "The facilitators are a neutral third party. They do not judge who is right or "
            "propose solutions; they guide the process, keep time, give the floor, keep the talk "
            "analytical and respectful, and may pause the discussion to restore these rules."
        ),
    ),
)


KIND = "rule"
FIELDS = {"title": ("Title", 200, False), "body": ("Text", 4000, True)}


class RulesNotAccepted(DomainError):
    """A participant must accept the current ground rules before entering the room."""

    status_code = 409
    title = "Please accept the ground rules first"

    def __init__(self, workshop_id: str) -> None:
        super().__init__("Read and accept the current ground rules to enter the room.")
        self.workshop_id = workshop_id


def has_accepted(db: Session, *, viewer: Viewer, workshop: Workshop) -> bool:
    """Staff need no acceptance; a participant needs the current version."""
    if not viewer.is_participant or viewer.participant_id is None:
        return True
    row = db.get(RulesAcceptance, (viewer.participant_id, workshop.rules_version))
    return row is not None


def accepted_earlier(db: Session, *, viewer: Viewer, workshop: Workshop) -> bool:
    """Whether this participant accepted an earlier version (so: the rules have changed)."""
    if not viewer.is_participant or viewer.participant_id is None:
        return False
    earlier = select(RulesAcceptance).where(
        col(RulesAcceptance.participant_id) == viewer.participant_id,
        col(RulesAcceptance.version) < workshop.rules_version,
    )
    return db.exec(earlier.limit(1)).first() is not None


def require_accepted(db: Session, *, viewer: Viewer, workshop: Workshop) -> None:
    if not has_accepted(db, viewer=viewer, workshop=workshop):
        raise RulesNotAccepted(workshop.id)


def insert_starter_set(db: Session, workshop: Workshop) -> None:
    """Called once when a workshop is created: the starter rules, as version 1, written in
    the workshop's first shipped language and translated into every other one it uses."""
    locale = content_locale(workshop.languages)  # the workshop's first shipped language
    for position, (title, body) in enumerate(STARTER_RULES):
        rule = GroundRule(
            workshop_id=workshop.id,
            title=gettext_in(locale, title),
            body=gettext_in(locale, body),
            position=position,
        )
        db.add(rule)
        for lang in _starter_languages(workshop):
            db.add(_starter_version(workshop, rule, lang, title, body))
    workshop.rules_version += 1
    db.add(workshop)


def _starter_languages(workshop: Workshop) -> list[str]:
    """The workshop's other languages that ship a translation of the starter rules."""
    locale = content_locale(workshop.languages)
    return [
        lang
        for lang in translations.other_languages(workshop)
        if translations.base(lang) in SHIPPED and translations.base(lang) != locale
    ]


def _starter_version(
    workshop: Workshop, rule: GroundRule, lang: str, title: str, body: str
) -> ContentTranslation:
    return ContentTranslation(
        workshop_id=workshop.id,
        kind=KIND,
        object_id=rule.id,
        lang=lang,
        title=gettext_in(translations.base(lang), title),
        body=gettext_in(translations.base(lang), body),
    )


def translate_starter_set(db: Session, *, viewer: Viewer, workshop: Workshop) -> bool:
    """When the workshop gains a language: every starter rule still as shipped gets its
    version in it (a new version of the rules); a rule the staff wrote or changed is theirs
    to translate. Returns whether any version was added."""
    locale = content_locale(workshop.languages)
    shipped = {
        (gettext_in(locale, title), gettext_in(locale, body)): (title, body)
        for title, body in STARTER_RULES
    }
    rows = list_rules(db, workshop, viewer=viewer)
    current = versions(db, workshop, rows, viewer=viewer)
    added = False
    for rule in rows:
        source = shipped.get((rule.title, rule.body))
        if source is None:
            continue
        for lang in _starter_languages(workshop):
            if lang not in current.get(rule.id, {}):
                db.add(_starter_version(workshop, rule, lang, source[0], source[1]))
                added = True
    if added:
        db.flush()
        _bump(db, viewer, workshop, "rules.translate", workshop)
    return added


def list_rules(db: Session, workshop: Workshop, *, viewer: Viewer) -> list[GroundRule]:
    policy.ensure(viewer, "workshop.read", workshop)
    statement = (
        policy.visible(select(GroundRule), viewer, GroundRule)
        .where(col(GroundRule.workshop_id) == workshop.id)
        .order_by(col(GroundRule.position))
    )
    return list(db.exec(statement))


def accept(db: Session, *, viewer: Viewer, workshop: Workshop, version: object = None) -> int:
    """A participant accepts the current version; returns that version (idempotent).

    `version` is the one the participant read: if the rules changed meanwhile, nothing is
    accepted and they are asked to read again."""
    policy.ensure(viewer, "room.read", workshop)
    ensure_writable(workshop)
    if not viewer.is_participant or viewer.participant_id is None:
        raise NotFound()
    if version not in (None, "") and str(version).strip() != str(workshop.rules_version):
        raise Conflict(
            "The ground rules changed while you were reading them. Please read them again."
        )
    if db.get(RulesAcceptance, (viewer.participant_id, workshop.rules_version)) is None:
        db.add(
            RulesAcceptance(participant_id=viewer.participant_id, version=workshop.rules_version)
        )
        db.flush()
    return workshop.rules_version


def acceptance_count(db: Session, workshop: Workshop, *, viewer: Viewer) -> tuple[int, int]:
    """(participants who accepted the current version, active participants). Staff only."""
    policy.ensure(viewer, "parties.sizes", workshop)
    active = (
        select(func.count())
        .select_from(Participant)
        .where(col(Participant.workshop_id) == workshop.id, col(Participant.status) == "active")
    )
    accepted = active.join(
        RulesAcceptance, col(RulesAcceptance.participant_id) == col(Participant.id)
    ).where(col(RulesAcceptance.version) == workshop.rules_version)
    return int(db.exec(accepted).one()), int(db.exec(active).one())


def versions(
    db: Session, workshop: Workshop, rules: list[GroundRule], *, viewer: Viewer
) -> dict[str, dict[str, ContentTranslation]]:
    """Each rule's versions in the workshop's other languages: {rule id: {lang: row}}."""
    return translations.load(
        db, viewer=viewer, workshop=workshop, kind=KIND, object_ids=[r.id for r in rules]
    )


def _clean(
    data: Mapping[str, Any],
    workshop: Workshop,
    *,
    partial: bool,
    current: Mapping[str, ContentTranslation] | None = None,
) -> tuple[dict[str, Any], dict[str, dict[str, str]]]:
    """The original's fields, and the versions in the other languages ({lang: fields})."""
    checks = Checks(data, partial=partial)
    checks.field("title", clean_text, label="Title", max_length=200)
    checks.field("body", clean_text, label="Text", max_length=4000, required=False, multiline=True)
    translations.check_fields(checks, workshop, FIELDS)
    for lang in translations.other_languages(workshop):
        kept = (current or {}).get(lang)
        title_field = translations.field_name("title", lang)
        body_field = translations.field_name("body", lang)
        title = checks.out.get(title_field, kept.title if kept else "")
        body = checks.out.get(body_field, kept.body if kept else "")
        if body and not title:
            checks.fail(title_field, translations.NEEDS_TITLE)
    cleaned = checks.done()
    return cleaned, translations.split(cleaned, workshop)


def _editable(viewer: Viewer, workshop: Workshop) -> None:
    policy.ensure(viewer, "rules.edit", workshop)
    ensure_writable(workshop)


def _bump(db: Session, viewer: Viewer, workshop: Workshop, action: str, target: Any) -> None:
    """Every change makes a new version: everyone is asked to accept again."""
    workshop.rules_version += 1
    db.add(workshop)
    audit.record(
        db,
        viewer=viewer,
        workshop_id=workshop.id,
        action=action,
        target=target,
        detail=f"version {workshop.rules_version}",
    )
    changed(db, workshop.id, "rules")


def _get(db: Session, workshop: Workshop, rule_id: str, viewer: Viewer) -> GroundRule:
    for rule in list_rules(db, workshop, viewer=viewer):
        if rule.id == rule_id:
            return rule
    raise NotFound()


def add(db: Session, *, viewer: Viewer, workshop: Workshop, data: Mapping[str, Any]) -> GroundRule:
    _editable(viewer, workshop)
    cleaned, texts = _clean(data, workshop, partial=False)
    rows = list_rules(db, workshop, viewer=viewer)
    rule = GroundRule(workshop_id=workshop.id, position=ordering.next_position(rows), **cleaned)
    db.add(rule)
    db.flush()
    translations.save(db, workshop=workshop, kind=KIND, object_id=rule.id, texts=texts, current={})
    _bump(db, viewer, workshop, "rules.add", rule)
    return rule


def update(
    db: Session,
    *,
    viewer: Viewer,
    workshop: Workshop,
    rule_id: str,
    data: Mapping[str, Any],
    partial: bool = False,
) -> GroundRule:
    _editable(viewer, workshop)
    rule = _get(db, workshop, rule_id, viewer)
    current = versions(db, workshop, [rule], viewer=viewer)[rule.id]
    cleaned, texts = _clean(data, workshop, partial=partial, current=current)
    original_changed = any(getattr(rule, k) != v for k, v in cleaned.items())
    for key, value in cleaned.items():
        setattr(rule, key, value)
    db.add(rule)
    translated = translations.save(
        db, workshop=workshop, kind=KIND, object_id=rule.id, texts=texts, current=current
    )
    if original_changed or translated:  # a change in any language is a new version
        _bump(db, viewer, workshop, "rules.edit", rule)
    return rule


def delete(db: Session, *, viewer: Viewer, workshop: Workshop, rule_id: str) -> None:
    _editable(viewer, workshop)
    rule = _get(db, workshop, rule_id, viewer)
    _bump(db, viewer, workshop, "rules.delete", rule)
    translations.remove(db, workshop=workshop, kind=KIND, object_id=rule.id)
    db.delete(rule)
    db.flush()
    ordering.renumber(db, list_rules(db, workshop, viewer=viewer))


def move(
    db: Session, *, viewer: Viewer, workshop: Workshop, rule_id: str, direction: object
) -> None:
    _editable(viewer, workshop)
    way = clean_direction(direction)
    rule = _get(db, workshop, rule_id, viewer)
    if ordering.move(db, list_rules(db, workshop, viewer=viewer), rule_id, way):
        _bump(db, viewer, workshop, "rules.move", rule)
