"""Marks and critiques of a negotiating text's paragraphs, as for reactions and proposals.

A mark (can live with / cannot live with / no view, stored as agree / disagree / pass so the
room's arithmetic applies unchanged) carries the tag HMAC(key, secret | "ntext-mark" |
paragraph id): one mark per participant and paragraph (the tag is unique), tags differ across
paragraphs, versions and workshops. The marker's party goes only into MarkTally, updated by
the reactions' own atomic tally writer.

A critique is a proposal of the text item written through the room's own write path (author
tag, idempotency key, the staff's grouped pending list), then revealed, moderated and
counted against the minimum batch exactly like one. Its binding names the paragraph (hence
the version), never its author.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from app import policy
from app.agenda.models import AgendaItem
from app.config import Settings
from app.errors import Conflict, NotFound
from app.forms import clean_choice
from app.ntext import service
from app.ntext.models import MarkTally, TextCritique, TextMark, TextParagraph
from app.policy import Viewer
from app.room import common, proposals, reactions
from app.room.consensus import VALUES
from app.room.models import Proposal
from app.security import keys
from app.workshops.models import Workshop

MARK = "ntext-mark"


def _markable(
    db: Session, viewer: Viewer, workshop: Workshop, paragraph_id: str
) -> tuple[TextParagraph, AgendaItem]:
    """A paragraph of the version in force of the live text item; else NotFound/Conflict."""
    if len(paragraph_id) > common.MAX_ID:
        raise NotFound()
    row = db.exec(
        policy.visible(select(TextParagraph), viewer, TextParagraph).where(
            col(TextParagraph.id) == paragraph_id, col(TextParagraph.workshop_id) == workshop.id
        )
    ).first()
    if row is None:
        raise NotFound()
    live = common.live_item(db, viewer=viewer, workshop=workshop)
    if live is None or live.kind != service.KIND:
        raise Conflict("The text is not open for marks now.")
    version = service.current(db, viewer=viewer, item=live)
    if version is None or version.id != row.version_id:
        raise Conflict("This version has been replaced: mark the version in force.")
    return row, live


def mark(
    db: Session,
    settings: Settings,
    *,
    viewer: Viewer,
    workshop: Workshop,
    paragraph_id: str,
    value: object,
) -> str:
    """Set the viewer's mark on a paragraph of the version in force; changeable."""
    policy.ensure(viewer, "room.contribute", workshop)
    common.require_contributing(workshop)
    secret = common.require_secret(viewer)
    choice = clean_choice(value, field="value", label="Mark", choices=VALUES)
    paragraph, _item = _markable(db, viewer, workshop, paragraph_id)
    tag = keys.author_tag(common.key(db, settings, workshop), secret, MARK, paragraph.id)
    values = {
        "workshop_id": workshop.id,
        "paragraph_id": paragraph.id,
        "author_tag": tag,
        "value": choice,
    }
    if reactions.insert_first(db, TextMark, values):
        _bump(db, paragraph.id, viewer.party_id, choice, +1)
        return choice  # nothing is announced: figures change only when published
    existing = db.exec(
        policy.visible(select(TextMark), viewer, TextMark)
        .where(col(TextMark.workshop_id) == workshop.id, col(TextMark.author_tag) == tag)
        .with_for_update()
    ).first()
    if existing is None:
        raise Conflict("This mark could not be saved. Reload the page and try again.")
    if existing.value != choice:
        previous = existing.value
        existing.value = choice
        db.add(existing)
        db.flush()
        _bump(db, paragraph.id, viewer.party_id, previous, -1)
        _bump(db, paragraph.id, viewer.party_id, choice, +1)
    return choice


def _bump(db: Session, paragraph_id: str, party_id: str | None, value: str, delta: int) -> None:
    reactions.bump_tally(db, MarkTally, "paragraph_id", paragraph_id, party_id, value, delta)


def my_marks(
    db: Session, viewer: Viewer, workshop: Workshop, key: bytes, paragraph_ids: list[str]
) -> dict[str, str]:
    """The viewer's own mark per paragraph: recompute each tag, then one query."""
    if not viewer.is_participant or viewer.secret is None or not paragraph_ids:
        return {}
    tags = {keys.author_tag(key, viewer.secret, MARK, pid): pid for pid in paragraph_ids}
    statement = policy.visible(select(TextMark), viewer, TextMark).where(
        col(TextMark.workshop_id) == workshop.id, col(TextMark.author_tag).in_(list(tags))
    )
    return {tags[r.author_tag]: r.value for r in db.exec(statement) if r.author_tag in tags}


def critique(
    db: Session,
    settings: Settings,
    *,
    viewer: Viewer,
    workshop: Workshop,
    paragraph_id: str,
    text: object,
    idempotency_key: object,
) -> Proposal:
    """A critique of a paragraph of the version in force, while the facilitator takes them
    (the item's intake): a proposal of the text item, bound to the paragraph."""
    policy.ensure(viewer, "room.contribute", workshop)
    paragraph, _item = _markable(db, viewer, workshop, paragraph_id)
    row = proposals.submit(
        db,
        settings,
        viewer=viewer,
        workshop=workshop,
        text=text,
        idempotency_key=idempotency_key,
        kind=service.KIND,
    )
    if db.get(TextCritique, row.id) is None:
        db.add(TextCritique(proposal_id=row.id, workshop_id=workshop.id, paragraph_id=paragraph.id))
        db.flush()
    return row


def bindings(db: Session, *, viewer: Viewer, proposal_ids: list[str]) -> dict[str, str]:
    """The paragraph each of these critiques (already kept by the policy) was given on."""
    if not proposal_ids:
        return {}
    statement = policy.visible(select(TextCritique), viewer, TextCritique).where(
        col(TextCritique.proposal_id).in_(proposal_ids)
    )
    return {row.proposal_id: row.paragraph_id for row in db.exec(statement)}
