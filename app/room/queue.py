"""The speaking queue of a plenary item, ordered for fairness.

The only place in the live room where staff see a participant's name; nothing here touches
a proposal or a reaction, and the queue holds no contribution.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, func, select

from app import policy
from app.agenda.models import AgendaItem
from app.errors import Conflict, Invalid, NotFound
from app.live.bus import changed
from app.policy import Viewer
from app.room import common
from app.room.models import SpeakingRequest
from app.room.present import MyQueueView, QueueEntryView
from app.roster.models import Participant
from app.workshops.models import Party, Workshop

SPOKEN = ("speaking", "done")


@dataclass(frozen=True)
class Waiting:
    key: str
    party: str | None
    spoken: int
    seq: int


def fair_order(waiting: Sequence[Waiting], last_party: str | None) -> list[Waiting]:
    """Alternate parties where possible; among candidates, whoever has spoken least in the
    workshop goes first; ties by order of asking."""
    left = list(waiting)
    ordered: list[Waiting] = []
    previous = last_party
    while left:
        best = min(
            left, key=lambda w: (w.party == previous and previous is not None, w.spoken, w.seq)
        )
        ordered.append(best)
        left.remove(best)
        previous = best.party
    return ordered


def _plenary(db: Session, viewer: Viewer, workshop: Workshop) -> AgendaItem:
    item = common.live_item(db, viewer=viewer, workshop=workshop)
    if item is None or item.kind != "plenary":
        raise Conflict("The speaking queue is open during a plenary discussion.")
    return item


def _own(db: Session, viewer: Viewer, item: AgendaItem) -> SpeakingRequest | None:
    statement = policy.visible(select(SpeakingRequest), viewer, SpeakingRequest).where(
        col(SpeakingRequest.item_id) == item.id,
        col(SpeakingRequest.status).in_(("waiting", "speaking")),
    )
    return db.exec(statement).first()


def ask(db: Session, *, viewer: Viewer, workshop: Workshop) -> MyQueueView:
    """Ask for the floor (once per item while waiting or speaking)."""
    policy.ensure(viewer, "queue.request", workshop)
    common.require_contributing(workshop)
    item = _plenary(db, viewer, workshop)
    existing = _own(db, viewer, item)
    if existing is None:
        assert viewer.participant_id is not None
        existing = SpeakingRequest(
            workshop_id=workshop.id,
            item_id=item.id,
            participant_id=viewer.participant_id,
            seq=policy.next_queue_seq(db, workshop, item.id, viewer=viewer),
        )
        db.add(existing)
        db.flush()
        changed(db, workshop.id, "queue")
    return policy.present(existing, viewer)  # type: ignore[no-any-return]


def withdraw(db: Session, *, viewer: Viewer, workshop: Workshop) -> None:
    policy.ensure(viewer, "queue.request", workshop)
    item = _plenary(db, viewer, workshop)
    existing = _own(db, viewer, item)
    if existing is not None and existing.status == "waiting":
        db.delete(existing)
        changed(db, workshop.id, "queue")


def mine(
    db: Session, *, viewer: Viewer, workshop: Workshop, item: AgendaItem
) -> MyQueueView | None:
    if not viewer.is_participant or item.kind != "plenary":
        return None
    row = _own(db, viewer, item)
    return policy.present(row, viewer) if row is not None else None


def for_item(
    db: Session, *, viewer: Viewer, workshop: Workshop, item: AgendaItem
) -> list[QueueEntryView]:
    """Staff view: who speaks now, then who waits, in fair order."""
    policy.ensure(viewer, "queue.read", workshop)
    if item.kind != "plenary":
        return []
    visible = policy.visible(select(SpeakingRequest), viewer, SpeakingRequest).where(
        col(SpeakingRequest.workshop_id) == workshop.id
    )
    spoken_rows = db.execute(
        visible.where(col(SpeakingRequest.status).in_(SPOKEN))
        .with_only_columns(col(SpeakingRequest.participant_id), func.count())
        .group_by(col(SpeakingRequest.participant_id))
    )
    spoken = {pid: int(n) for pid, n in spoken_rows}
    rows = db.execute(
        visible.where(col(SpeakingRequest.item_id) == item.id)
        .join(Participant, col(Participant.id) == col(SpeakingRequest.participant_id))
        .with_only_columns(
            col(SpeakingRequest.id),
            col(SpeakingRequest.status),
            col(SpeakingRequest.seq),
            col(SpeakingRequest.participant_id),
            Participant,  # the entity, so that its name is decrypted (app.security.at_rest)
            col(Participant.party_id),
        )
    ).all()
    parties = {
        p.id: p.name
        for p in db.exec(
            policy.visible(select(Party), viewer, Party).where(
                col(Party.workshop_id) == workshop.id
            )
        )
    }
    by_id = {row[0]: row for row in rows}
    done = sorted((r for r in rows if r[1] in SPOKEN), key=lambda r: r[2])
    last_party = done[-1][5] if done else None
    waiting = fair_order(
        [Waiting(r[0], r[5], spoken.get(r[3], 0), r[2]) for r in rows if r[1] == "waiting"],
        last_party,
    )

    def view(row: Any, status: str) -> QueueEntryView:
        return QueueEntryView(
            id=str(row[0]),
            name=str(row[4].display_name or "—"),
            party=parties.get(row[5] or "", ""),
            status=status,
            spoken=spoken.get(row[3], 0),
        )

    speaking = [view(r, "speaking") for r in rows if r[1] == "speaking"]
    return speaking + [view(by_id[w.key], "waiting") for w in waiting]


def mark(
    db: Session, *, viewer: Viewer, workshop: Workshop, request_id: str, status: object
) -> None:
    """Give someone the floor ("speaking": whoever spoke is done) or mark them "done"."""
    policy.ensure(viewer, "room.facilitate", workshop)
    if status not in ("speaking", "done"):
        raise Invalid("Choose speaking or done.", field="status")
    if len(request_id) > common.MAX_ID:
        raise NotFound()
    row = db.exec(
        policy.visible(select(SpeakingRequest), viewer, SpeakingRequest).where(
            col(SpeakingRequest.id) == request_id, col(SpeakingRequest.workshop_id) == workshop.id
        )
    ).first()
    if row is None or row.status == "done":
        raise NotFound()
    if status == "speaking":
        for other in db.exec(
            policy.visible(select(SpeakingRequest), viewer, SpeakingRequest).where(
                col(SpeakingRequest.item_id) == row.item_id,
                col(SpeakingRequest.status) == "speaking",
            )
        ):
            other.status = "done"
            db.add(other)
    row.status = str(status)
    db.add(row)
    changed(db, workshop.id, "queue")


def close_for_item(db: Session, *, viewer: Viewer, item: AgendaItem) -> None:
    """When an item ends: whoever still waits leaves the queue; the speaker is done."""
    of_item = policy.visible(select(SpeakingRequest), viewer, SpeakingRequest).where(
        col(SpeakingRequest.item_id) == item.id
    )
    for row in db.exec(of_item.where(col(SpeakingRequest.status) == "waiting")):
        db.delete(row)
    for row in db.exec(of_item.where(col(SpeakingRequest.status) == "speaking")):
        row.status = "done"
        db.add(row)
