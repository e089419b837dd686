"""Anonymous proposals: submit, edit and withdraw your own until the reveal; list them.

The author tag of a participant's n-th proposal in the workshop is HMAC(workshop key,
participant secret | "proposal-seq" | workshop id | n) (app/security/keys.py): it differs for
every proposal, and "mine" is found by computing the author's tags (app/policy/mine.py), never
stored. A withdrawn proposal's tag is erased and a tombstone tag keeps its number taken, so
the numbering has no hole. A legacy workshop keeps the per-id tag HMAC(key, secret |
"proposal" | proposal id).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app import policy
from app.agenda.models import AgendaItem
from app.config import Settings
from app.errors import Conflict, Invalid, NotFound
from app.forms import clean_text
from app.ids import new_id
from app.policy import OwnProposals, Viewer
from app.room import common
from app.room.models import Proposal, ProposalTombstone, Reaction, Theme
from app.room.present import ProposalView, ThemeView
from app.security import keys
from app.translations import stale, texts
from app.workshops.models import Workshop

MAX_TEXT = 2000
IDEMPOTENCY_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
RETRIES = 4  # numbers tried when the same author's racing submissions collide


@dataclass(frozen=True)
class ItemProposals:
    """What one viewer may see of an item's proposals. Revealed ones in shuffled order."""

    pending: list[ProposalView]
    revealed: list[ProposalView]
    themes: list[ThemeView]

    @property
    def count(self) -> int:
        return len(self.pending) + len(self.revealed)


def new_idempotency_key() -> str:
    return new_id()


def _clean_key(value: object) -> str:
    if not isinstance(value, str) or not IDEMPOTENCY_RE.match(value):
        raise Invalid("This form is missing its key. Reload the page and try again.", field="text")
    return value


def _clean(text: object) -> str:
    return clean_text(text, field="text", label="Proposal", max_length=MAX_TEXT, multiline=True)


def _own(
    db: Session, settings: Settings, viewer: Viewer, workshop: Workshop, proposal_id: str
) -> tuple[Proposal, AgendaItem, Viewer]:
    """One of the viewer's own pending proposals, proven by its tag (with the viewer carrying
    their own tags); else NotFound."""
    policy.ensure(viewer, "room.contribute", workshop)
    viewer = common.own(db, settings, viewer, workshop)
    row = common.proposal(
        db, viewer=viewer, workshop=workshop, proposal_id=proposal_id, lock=True, settings=settings
    )
    kept = policy.keep_mine_or_revealed([row], viewer, common.key(db, settings, workshop))
    if not kept or not kept[0][1]:
        raise NotFound()
    if row.status != "pending":
        raise Conflict("This proposal has been revealed: it can no longer be changed.")
    item = common.item(db, viewer=viewer, workshop=workshop, item_id=row.item_id)
    return row, item, viewer


def is_mine(
    db: Session, settings: Settings, *, viewer: Viewer, workshop: Workshop, row: Proposal
) -> bool:
    """Whether the viewer wrote this proposal (for the answer to their own write)."""
    seen = common.own(db, settings, viewer, workshop)
    kept = policy.keep_mine_or_revealed([row], seen, common.key(db, settings, workshop))
    return bool(kept and kept[0][1])


def _attribution(viewer: Viewer, item: AgendaItem, attribute: bool) -> str | None:
    """Only on an on-the-record item, and only when the author asks for it."""
    if attribute and item.level == "on_record" and viewer.display_name:
        return viewer.display_name
    return None


def _by_key(
    db: Session, viewer: Viewer, workshop: Workshop, key: bytes, idempotency_key: str
) -> Proposal | None:
    statement = policy.visible(select(Proposal), viewer, Proposal).where(
        col(Proposal.workshop_id) == workshop.id,
        col(Proposal.idempotency_key) == idempotency_key,
    )
    for row, mine in policy.keep_mine_or_revealed(db.exec(statement), viewer, key):
        if mine:
            return row  # type: ignore[no-any-return]
    return None


def submit(
    db: Session,
    settings: Settings,
    *,
    viewer: Viewer,
    workshop: Workshop,
    text: object,
    idempotency_key: object,
    attribute: bool = False,
    kind: str = "contribution",
) -> Proposal:
    """Add a proposal to the live item (of this kind: a negotiating text's critiques come
    through app/ntext) while intake is open. A repeated submit of the same form (same
    idempotency key) returns the proposal it already created."""
    policy.ensure(viewer, "room.contribute", workshop)
    common.require_contributing(workshop)
    secret = common.require_secret(viewer)
    idem = _clean_key(idempotency_key)
    key = common.key(db, settings, workshop)
    seen = policy.with_own_proposals(db, viewer, workshop, key)
    existing = _by_key(db, seen, workshop, key, idem)
    if existing is not None:
        return existing
    item = common.live_item(db, viewer=viewer, workshop=workshop)
    if item is None or item.kind != kind or not item.intake_open:
        raise Conflict("Proposals are closed for now.")
    body = _clean(text)
    own = seen.own_proposals or OwnProposals()
    number = own.next_number
    for _attempt in range(RETRIES):
        proposal_id = new_id()
        proposal = Proposal(
            id=proposal_id,
            workshop_id=workshop.id,
            item_id=item.id,
            text=body,
            author_tag=_tag(key, secret, workshop, own, proposal_id, number),
            idempotency_key=idem,
            attribution=_attribution(viewer, item, attribute),
        )
        try:
            with db.begin_nested():
                db.add(proposal)
                db.flush()
        except IntegrityError:
            again = policy.with_own_proposals(db, viewer, workshop, key)
            existing = _by_key(db, again, workshop, key, idem)
            if existing is not None:
                return existing
            if own.legacy:
                break
            # the same author's other submission took this number meanwhile
            number = max(number + 1, (again.own_proposals or own).next_number)
            continue
        _list_for_staff(db, viewer, workshop, item)
        return proposal
    raise Conflict("This form was already used. Reload the page.")


def _tag(
    key: bytes, secret: bytes, workshop: Workshop, own: OwnProposals, pid: str, number: int
) -> str:
    """The new proposal's author tag: its number's, or in a legacy workshop its id's."""
    if own.legacy:
        return keys.author_tag(key, secret, "proposal", pid)
    return keys.proposal_tag(key, secret, workshop.id, number)


def _list_for_staff(db: Session, viewer: Viewer, workshop: Workshop, item: AgendaItem) -> None:
    """Let the pending proposals waiting outside the staff's list join it, once there are
    enough of them to form a group (app/policy/pending.py). Nothing is announced."""
    waiting = list(
        db.exec(
            select(Proposal)
            .where(policy.waiting_to_list(viewer, workshop.id), col(Proposal.item_id) == item.id)
            .with_for_update()
        )
    )
    if policy.pending_joins_now(len(waiting), workshop):
        for row in waiting:
            row.listed = True
            db.add(row)


def edit(
    db: Session,
    settings: Settings,
    *,
    viewer: Viewer,
    workshop: Workshop,
    proposal_id: str,
    text: object,
    attribute: bool = False,
) -> Proposal:
    row, item, _seen = _own(db, settings, viewer, workshop, proposal_id)
    cleaned = _clean(text)
    if cleaned != row.text:
        stale.forget(db, "proposal", row.id)
    row.text = cleaned
    row.attribution = _attribution(viewer, item, attribute)
    db.add(row)
    return row


def withdraw(
    db: Session, settings: Settings, *, viewer: Viewer, workshop: Workshop, proposal_id: str
) -> None:
    """Withdraw before the reveal: the text and the tag are erased, nothing remains to show;
    a tombstone tag (keys.py) keeps the author's number taken, so the numbering has no hole."""
    row, _item, seen = _own(db, settings, viewer, workshop, proposal_id)
    key = common.key(db, settings, workshop)
    stone = policy.proposal_tombstone(key, seen, workshop, row.author_tag or "")
    if stone is not None:
        db.add(ProposalTombstone(author_tag=stone, workshop_id=workshop.id))
    row.status = "withdrawn"
    row.text = ""
    row.author_tag = None
    row.attribution = None
    db.add(row)
    stale.forget(db, "proposal", row.id)


def for_item(
    db: Session,
    settings: Settings,
    *,
    viewer: Viewer,
    workshop: Workshop,
    item: AgendaItem,
) -> ItemProposals:
    """The item's proposals as this viewer may see them: a participant's own pending ones,
    revealed ones (ORDER BY shuffle_key), and for facilitators pending and hidden ones too.
    Merged duplicates are folded into their target (merged_count)."""
    viewer = common.own(db, settings, viewer, workshop)
    statement = (
        policy.visible(select(Proposal), viewer, Proposal)
        .where(col(Proposal.item_id) == item.id, col(Proposal.workshop_id) == workshop.id)
        .order_by(col(Proposal.batch), col(Proposal.shuffle_key))
    )
    key = common.key(db, settings, workshop)
    rows = policy.keep_mine_or_revealed(db.exec(statement), viewer, key)
    merged: dict[str, int] = {}
    for row, _mine in rows:
        if row.merged_into_id:
            merged[row.merged_into_id] = merged.get(row.merged_into_id, 0) + 1
    themes = sorted(  # names are ciphertext at rest: ordered once decrypted
        db.exec(policy.visible(select(Theme), viewer, Theme).where(col(Theme.item_id) == item.id)),
        key=lambda t: (t.position, t.name, t.id),
    )
    theme_names = {t.id: t.name for t in themes}
    reactions = _my_reactions(db, viewer, workshop, key, [r.id for r, _ in rows])
    if viewer.may("room.facilitate", workshop.id):
        shown = {row.id for row in policy.pending_for_staff((r for r, _ in rows), workshop)}
        rows = [(row, mine) for row, mine in rows if row.status != "pending" or row.id in shown]
    pending: list[ProposalView] = []
    revealed: list[ProposalView] = []
    on_record = item.level == "on_record"
    for row, mine in rows:
        if row.merged_into_id:
            continue
        view = replace(
            policy.present(row, viewer),
            mine=mine,
            merged_count=merged.get(row.id, 0),
            my_reaction=reactions.get(row.id),
            theme_name=theme_names.get(row.theme_id or ""),
            attribution=row.attribution if on_record else None,
        )
        (pending if row.status == "pending" else revealed).append(view)
    revealed = _with_translations(db, viewer, workshop, revealed)
    return ItemProposals(
        pending=pending, revealed=revealed, themes=policy.present_all(themes, viewer)
    )


def _with_translations(
    db: Session, viewer: Viewer, workshop: Workshop, views: list[ProposalView]
) -> list[ProposalView]:
    """Each revealed proposal with its translation into the reader's language beside it."""
    found = texts.beside(
        db, viewer=viewer, workshop=workshop, kind="proposal", ids=[v.id for v in views]
    )
    return [
        replace(
            view,
            translation=found[view.id].text,
            translation_lang=found[view.id].lang,
            translation_language=found[view.id].language,
        )
        if view.id in found
        else view
        for view in views
    ]


def _my_reactions(
    db: Session, viewer: Viewer, workshop: Workshop, key: bytes, proposal_ids: list[str]
) -> dict[str, str]:
    """The viewer's own reaction per proposal: recompute each tag, then one query."""
    if not viewer.is_participant or viewer.secret is None or not proposal_ids:
        return {}
    tags = {keys.author_tag(key, viewer.secret, "reaction", pid): pid for pid in proposal_ids}
    statement = policy.visible(select(Reaction), viewer, Reaction).where(
        col(Reaction.workshop_id) == workshop.id, col(Reaction.author_tag).in_(list(tags))
    )
    return {tags[r.author_tag]: r.value for r in db.exec(statement) if r.author_tag in tags}
