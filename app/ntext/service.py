"""The negotiating text of an agenda item: drafting a version in numbered paragraphs,
publishing it, and reading the versions as a viewer may see them.

The facilitating staff (`room.facilitate`) draft and publish; everyone who reads the room
reads published versions (app/policy/texts.py). A published version never changes: the
next round is a new version, shown beside the previous one.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import Session, col, delete, select

from app import policy
from app.agenda.models import AgendaItem
from app.audit import service as audit
from app.errors import Conflict, Inconsistent, Invalid, NotFound
from app.forms import clean_choice, clean_text
from app.i18n import N_
from app.ids import new_id, today
from app.live.bus import changed
from app.ntext.models import ParagraphText, TextParagraph, TextVersion
from app.policy import Viewer
from app.room import common
from app.workshops.models import Workshop
from app.workshops.state import ensure_writable

KIND = "text"
MAX_PARAGRAPH = 4000
MAX_PARAGRAPHS = 60
MAX_DRAFT = 60000
MISALIGNED = N_(
    "Give this language as many paragraphs as the original: paragraphs are aligned by number "
    "across languages (leave it empty to show the original instead)."
)


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


def split_paragraphs(text: object, field: str = "text") -> list[str]:
    """The numbered paragraphs of a draft: blocks of text separated by a blank line."""
    body = clean_text(text, field=field, label="Text", max_length=MAX_DRAFT, multiline=True)
    blocks = [" ".join(block.split()) for block in body.replace("\r\n", "\n").split("\n\n")]
    found = [block for block in blocks if block]
    if not found:
        raise Invalid("Write at least one paragraph.", field=field)
    if len(found) > MAX_PARAGRAPHS:  # the paragraphs together: no schema says it (409)
        raise Inconsistent("A text holds at most 60 paragraphs.", field=field)
    if any(len(block) > MAX_PARAGRAPH for block in found):
        raise Inconsistent("A paragraph holds at most 4000 characters.", field=field)
    return found


def field_name(lang: str) -> str:
    """The drafting form's field of the text in another language: text__ar."""
    return f"text__{lang}"


def texts_from_form(data: Mapping[str, str]) -> dict[str, str]:
    """The drafting form's other languages: {lang: text} from its text__<lang> fields."""
    prefix = field_name("")
    return {key[len(prefix) :]: value for key, value in data.items() if key.startswith(prefix)}


def split_languages(
    texts: Mapping[str, object], *, codes: tuple[str, ...], original: str, count: int
) -> dict[str, list[str]]:
    """The draft's other languages, each as paragraphs aligned with the original's `count`:
    a language left empty is left out (its readers get the original); one of another
    number of paragraphs, or not a workshop language, is refused (409)."""
    out: dict[str, list[str]] = {}
    for lang, text in texts.items():
        if lang == original or not str(text or "").strip():
            continue
        try:  # a workshop language, as for the original's
            clean_choice(lang, field=field_name(lang), label="Language", choices=codes)
        except Invalid as exc:
            raise Inconsistent(exc.message, field=field_name(lang)) from None
        blocks = split_paragraphs(text, field=field_name(lang))
        if len(blocks) != count:
            raise Inconsistent(MISALIGNED, field=field_name(lang))
        out[lang] = blocks
    return out


def paragraph_texts(
    db: Session, *, viewer: Viewer, paragraph_ids: list[str]
) -> dict[str, dict[str, str]]:
    """The other languages of these paragraphs: {paragraph id: {lang: text}}."""
    out: dict[str, dict[str, str]] = {pid: {} for pid in paragraph_ids}
    if not paragraph_ids:
        return out
    statement = policy.visible(select(ParagraphText), viewer, ParagraphText).where(
        col(ParagraphText.paragraph_id).in_(paragraph_ids)
    )
    for row in db.exec(statement):
        out.setdefault(row.paragraph_id, {})[row.lang] = row.text
    return out


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
    texts: Mapping[str, object] | None = None,
) -> TextVersion:
    """Write the next version as a draft (replacing an earlier draft): paragraphs separated
    by blank lines, its original in one of the workshop's languages (the first by default)
    and, in `texts`, the same paragraphs in any of the others."""
    policy.ensure(viewer, "room.facilitate", workshop)
    ensure_writable(workshop)
    codes = tuple(languages(workshop))
    try:  # one of the workshop's languages, as stored: another is Inconsistent (409)
        chosen = clean_choice(lang or codes[0], field="lang", label="Language", choices=codes)
    except Invalid as exc:
        raise Inconsistent(exc.message, field="lang") from None
    blocks = split_paragraphs(text)
    others = split_languages(texts or {}, codes=codes, original=chosen, count=len(blocks))
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
        old = select(col(TextParagraph.id)).where(col(TextParagraph.version_id) == draft.id)
        db.exec(delete(ParagraphText).where(col(ParagraphText.paragraph_id).in_(old)))
        db.exec(delete(TextParagraph).where(col(TextParagraph.version_id) == draft.id))
    ids = [new_id() for _ in blocks]
    for number, (paragraph_id, block) in enumerate(zip(ids, blocks, strict=True), start=1):
        db.add(
            TextParagraph(
                id=paragraph_id,
                workshop_id=workshop.id,
                version_id=draft.id,
                number=number,
                lang=chosen,
                text=block,
            )
        )
    db.flush()
    for other, translated in others.items():
        for paragraph_id, block in zip(ids, translated, strict=True):
            db.add(
                ParagraphText(
                    workshop_id=workshop.id, paragraph_id=paragraph_id, lang=other, text=block
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


def draft_languages(db: Session, *, viewer: Viewer, item: AgendaItem) -> dict[str, str]:
    """The draft's other languages as they are edited: {lang: paragraphs, blank-line apart}."""
    if not viewer.may("room.facilitate", item.workshop_id):
        return {}
    draft = _draft(db, viewer, item)
    if draft is None:
        return {}
    rows = paragraphs(db, viewer=viewer, version_ids=[draft.id])[draft.id]
    texts = paragraph_texts(db, viewer=viewer, paragraph_ids=[row.id for row in rows])
    out: dict[str, list[str]] = {}
    for row in rows:
        for lang, text in texts.get(row.id, {}).items():
            out.setdefault(lang, []).append(text)
    return {lang: "\n\n".join(blocks) for lang, blocks in out.items()}


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
