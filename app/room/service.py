"""The live room as each viewer sees it: what the participant room and the facilitator
console show, assembled region by region (agenda, timer, proposals, results, queue)."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, replace
from typing import Any

from sqlmodel import Session

from app import i18n, policy
from app.agenda import versions as agenda_versions
from app.agenda.models import ROUND_KINDS, AgendaItem
from app.config import Settings
from app.errors import NotFound
from app.policy import Viewer
from app.room import common, consensus, proposals, queue, results
from app.room.present import (
    MyQueueView,
    QueueEntryView,
    ResultsView,
    RoomItemView,
    item_view,
)
from app.rules.service import require_accepted
from app.translations import service as translations
from app.views import WorkshopView, control_state
from app.workshops import service as workshops
from app.workshops.models import Workshop

REGIONS = ("agenda", "timer", "intake", "proposals", "pending", "results", "queue")
REGIONS_BUT_RESULTS = tuple(r for r in REGIONS if r != "results")


@dataclass(frozen=True)
class RoomState:
    workshop: WorkshopView
    item: RoomItemView | None
    items: list[RoomItemView]
    proposals: proposals.ItemProposals | None
    results: ResultsView | None
    my_queue: MyQueueView | None
    queue: list[QueueEntryView]
    can_contribute: bool
    facilitating: bool
    min_batch: int


def enter_room(db: Session, *, viewer: Viewer, workshop_id: str) -> Workshop:
    """The workshop for the participant room: readable, and the rules accepted."""
    workshop = workshops.get(db, workshop_id, viewer=viewer, action="room.read")
    require_accepted(db, viewer=viewer, workshop=workshop)
    return workshop


def enter_console(db: Session, *, viewer: Viewer, workshop_id: str) -> Workshop:
    return workshops.get(db, workshop_id, viewer=viewer, action="room.facilitate")


def state(
    db: Session,
    settings: Settings,
    *,
    viewer: Viewer,
    workshop: Workshop,
    regions: tuple[str, ...] = REGIONS,
    item_id: str | None = None,
) -> RoomState:
    """Only the regions asked for are computed (a fragment refresh asks for one)."""
    facilitating = viewer.may("room.facilitate", workshop.id)
    all_items = (
        common.items(db, viewer=viewer, workshop=workshop)
        if facilitating and "agenda" in regions
        else []
    )
    item: AgendaItem | None
    if item_id is not None and facilitating:
        item = common.item(db, viewer=viewer, workshop=workshop, item_id=item_id)
    else:
        item = common.live_item(db, viewer=viewer, workshop=workshop)
    listed = None
    shown: ResultsView | None = None
    my_queue = None
    entries: list[QueueEntryView] = []
    if item is not None:
        # a negotiating text's critiques are its proposals: the console moderates them here;
        # the room shows them beside their paragraphs (app/ntext)
        takes = item.kind == "contribution" or (item.kind in ROUND_KINDS and facilitating)
        if takes and ("proposals" in regions or "results" in regions):
            listed = proposals.for_item(db, settings, viewer=viewer, workshop=workshop, item=item)
            if "results" in regions and item.kind == "contribution":  # a text's: its page
                shown = results.for_item(
                    db, viewer=viewer, workshop=workshop, item=item, proposals=listed.revealed
                )
        if "queue" in regions:
            my_queue = queue.mine(db, viewer=viewer, workshop=workshop, item=item)
            if viewer.may("queue.read", workshop.id):
                entries = queue.for_item(db, viewer=viewer, workshop=workshop, item=item)
    return RoomState(
        workshop=policy.present(workshop, viewer),
        item=_in_readers_language(db, viewer, workshop, item) if item is not None else None,
        items=[item_view(row) for row in all_items],
        proposals=listed,
        results=shown,
        my_queue=my_queue,
        queue=entries,
        can_contribute=viewer.may("room.contribute", workshop.id) and workshop.status == "live",
        facilitating=facilitating,
        min_batch=policy.min_batch(workshop),
    )


def _in_readers_language(
    db: Session, viewer: Viewer, workshop: Workshop, item: AgendaItem
) -> RoomItemView:
    """The item with its title and description in the request's language where written in
    it, else the original's, marked (app/translations)."""
    view = item_view(item)
    shown = translations.pick(
        (view.title, view.description),
        agenda_versions.load(db, workshop, [item.id], viewer=viewer)[item.id],
        original_lang=translations.original_language(workshop),
        reader=i18n.current_locale.get(),
    )
    return replace(
        view,
        title=shown.title,
        description=shown.body,
        lang=shown.lang,
        original_name=shown.original_name,
    )


def as_json(room: RoomState) -> dict[str, Any]:
    data = asdict(room)
    if room.proposals is not None:
        data["proposals"] = {
            "pending": [proposal_json(p) for p in room.proposals.pending],
            "revealed": [proposal_json(p) for p in room.proposals.revealed],
            "themes": [asdict(t) for t in room.proposals.themes],
        }
    return data


def proposal_json(view: Any) -> dict[str, Any]:
    """A proposal view as JSON, with `mine` as 1 or 0 and `my_reaction` as the state of the
    three reaction controls: true and false, "agree" and "pass" differ in length, and the
    answer must have the same size for the author and for everyone else, whatever they
    chose (Anonymity 7)."""
    return {
        **asdict(view),
        "mine": int(bool(view.mine)),
        "my_reaction": control_state(view.my_reaction, consensus.VALUES),
    }


def pending_fingerprint(room: RoomState) -> str:
    """Changes whenever the pending list a facilitator sees changes (a polled region answers
    204 while it does not, so a half-typed moderation form is not replaced). That list moves
    in groups, never per arrival (app/policy/pending.py), and so does this fingerprint."""
    if room.proposals is None:
        return "none"
    digest = hashlib.sha256()
    for p in room.proposals.pending:
        digest.update(f"{p.id}|{p.text}|{p.hidden}|{p.hide_reason}|{p.theme_id}\n".encode())
    return digest.hexdigest()[:16]


def check_region(region: str) -> str:
    if region not in REGIONS:
        raise NotFound()
    return region
