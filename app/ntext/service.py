"""The negotiating text of an agenda item: drafting a version in numbered paragraphs,
publishing it, and reading the versions as a viewer may see them.

The facilitating staff (`room.facilitate`) draft and publish; everyone who reads the room
reads published versions (app/policy/texts.py). A published version never changes: the
next round is a new version, shown beside the previous one.
"""

from __future__ import annotations

from sqlmodel import Session, col, delete, select

from app import policy
from app.agenda.models import AgendaItem
from app.audit import service as audit
from app.errors import Conflict, Inconsistent, Invalid, NotFound
from app.forms import clean_choice, clean_text
from app.ids import new_id, today
from app.live.bus import changed
from app.ntext.models import TextParagraph, TextVersion
from app.policy import Viewer
from app.room import common
from app.workshops.models import Workshop
from app.workshops.state import ensure_writable

KIND = "text"
MAX_PARAGRAPH = 4000
MAX_PARAGRAPHS = 60
MAX_DRAFT = 60000


def languages(workshop: Workshop) -> list[str]:
    """The workshop's languages, its first one first: the languages a text may be written in."""
    return [code for code in workshop.languages.split(",") if code] or ["en"]


def text_item(db: Session, *, viewer: Viewer, workshop: Workshop, item_id: str) -> AgendaItem:
    """An agenda item that is a negotiating text; NotFound for anything else."""
    item = common.item(db, viewer=viewer, workshop=workshop, item_id=item_id)
    if item.kind != KIND:
        raise NotFound()
    return item


def versions(db: Session, *, viewer: Viewer, item: AgendaItem) -> list[TextVersion]:
    """The item's versions the viewer may read, oldest first (a draft last, for staff)."""
    statement = (
        policy.visible(select(TextVersion), viewer, TextVersion)
        .where(col(TextVersion.item_id) == item.id)
        .order_by(col(TextVersion.number))
    )
    return list(db.exec(statement))


def paragraphs(
    db: Session, *, viewer: Viewer, version_ids: list[str]
) -> dict[str, list[TextParagraph]]:
    """The paragraphs of these versions, by version, in their numbered order."""
    out: dict[str, list[TextParagraph]] = {vid: [] for vid in version_ids}
    if not version_ids:
        return out
    statement = policy.visible(select(TextParagraph), viewer, TextParagraph).where(
        col(TextParagraph.version_id).in_(version_ids)
    )
    for row in db.exec(statement):
        out[row.version_id].append(row)
    for rows in out.values():
        rows.sort(key=lambda row: row.number)
    return out


def current(db: Session, *, viewer: Viewer, item: AgendaItem) -> TextVersion | None:
    """The version in force: the last published one."""
    published = [v for v in versions(db, viewer=viewer, item=item) if v.published_on]
    return published[-1] if published else None


def split_paragraphs(text: object) -> list[str]:
    """The numbered paragraphs of a draft: blocks of text separated by a blank line."""
    body = clean_text(text, field="text", label="Text", max_length=MAX_DRAFT, multiline=True)
    blocks = [" ".join(block.split()) for block in body.replace("\r\n", "\n").split("\n\n")]
    found = [block for block in blocks if block]
    if not found:
        raise Invalid("Write at least one paragraph.", field="text")
    if len(found) > MAX_PARAGRAPHS:  # the paragraphs together: no schema says it (409)
        raise Inconsistent("A text holds at most 60 paragraphs.", field="text")
    if any(len(block) > MAX_PARAGRAPH for block in found):
        raise Inconsistent("A paragraph holds at most 4000 characters.", field="text")
    return found


def _draft(db: Session, viewer: Viewer, item: AgendaItem) -> TextVersion | None:
    rows = versions(db, viewer=viewer, item=item)
    return rows[-1] if rows and rows[-1].published_on is None else None


def save_draft(
    db: Session,
    *,
    viewer: Viewer,
    workshop: Workshop,
    item: AgendaItem,
    text: object,
    lang: object,
) -> TextVersion:
    """Write the next version as a draft (replacing an earlier draft): paragraphs separated
    by blank lines, in one of the workshop's languages (the first by default)."""
    policy.ensure(viewer, "room.facilitate", workshop)
    ensure_writable(workshop)
    codes = tuple(languages(workshop))
    try:  # one of the workshop's languages, as stored: another is Inconsistent (409)
        chosen = clean_choice(lang or codes[0], field="lang", label="Language", choices=codes)
    except Invalid as exc:
        raise Inconsistent(exc.message, field="lang") from None
    blocks = split_paragraphs(text)
    draft = _draft(db, viewer, item)
    if draft is None:
        last = current(db, viewer=viewer, item=item)
        draft = TextVersion(
            id=new_id(),
            workshop_id=workshop.id,
            item_id=item.id,
            number=(last.number + 1) if last else 1,
        )
        db.add(draft)
        db.flush()
    else:
        db.exec(delete(TextParagraph).where(col(TextParagraph.version_id) == draft.id))
    for number, block in enumerate(blocks, start=1):
        db.add(
            TextParagraph(
                id=new_id(),
                workshop_id=workshop.id,
                version_id=draft.id,
                number=number,
                lang=chosen,
                text=block,
            )
        )
    db.flush()
    return draft


def draft_text(db: Session, *, viewer: Viewer, item: AgendaItem) -> tuple[str, str] | None:
    """The draft as it is edited (paragraphs separated by blank lines) and its language."""
    if not viewer.may("room.facilitate", item.workshop_id):
        return None
    draft = _draft(db, viewer, item)
    if draft is None:
        return None
    rows = paragraphs(db, viewer=viewer, version_ids=[draft.id])[draft.id]
    return "\n\n".join(row.text for row in rows), (rows[0].lang if rows else "")


def publish_version(
    db: Session, *, viewer: Viewer, workshop: Workshop, item: AgendaItem
) -> TextVersion:
    """Publish the draft as the version in force: from now on it is read and marked."""
    policy.ensure(viewer, "room.facilitate", workshop)
    ensure_writable(workshop)
    draft = _draft(db, viewer, item)
    if draft is None:
        raise Conflict("There is no draft to publish: write the next version first.")
    draft.published_on = today()
    db.add(draft)
    audit.record(
        db,
        viewer=viewer,
        workshop_id=workshop.id,
        action="ntext.publish",
        target=item,
        detail=f"version {draft.number}",
    )
    changed(db, workshop.id, "agenda")
    return draft
