"""Published snapshots of an item's results: the only figures anyone sees (DESIGN.md,
Anonymity 7). Between two snapshots a participant sees only their own reaction.

Publishing takes the current counts of every revealed, unhidden, unmerged proposal of the
item (a merged duplicate's reactions are not added to the proposal it was merged into: each
person is counted once, on the proposal that stays) and, proposal by proposal, replaces the
published counts only where every cell (the overall one and each party's) changed by no one
or by at least k people (`policy.aggregation.may_update`). A proposal whose cells changed by
fewer keeps its published counts, and is counted as withheld, which the console reports.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app import policy
from app.agenda.models import AgendaItem
from app.ids import today
from app.policy import Viewer, aggregation
from app.room.consensus import Counts, changed_people, k_holds
from app.room.models import Proposal, PublishedResults, ReactionTally
from app.workshops.models import Party, Workshop


@dataclass(frozen=True)
class Cells:
    """The counts of one proposal: overall, and per party."""

    totals: Counts
    parties: dict[str, Counts]

    def as_json(self) -> dict[str, object]:
        return {"t": self.totals.as_list(), "p": {k: v.as_list() for k, v in self.parties.items()}}

    @classmethod
    def of_json(cls, data: dict[str, object]) -> Cells:
        parties = data.get("p", {})
        assert isinstance(parties, dict)
        totals = data.get("t", [0, 0, 0])
        assert isinstance(totals, list)
        return cls(Counts.of_list(totals), {k: Counts.of_list(v) for k, v in parties.items()})


EMPTY = Cells(Counts(), {})


@dataclass(frozen=True)
class Snapshot:
    seq: int
    cells: dict[str, Cells]
    withheld: int
    published_on: object


def counted_proposals(db: Session, *, workshop: Workshop, item: AgendaItem) -> list[str]:
    """Ids of the item's proposals whose support counts: those the room sees (the policy's
    room audience), less merged duplicates (each person counts once, on the kept one)."""
    room = policy.room_audience(workshop.id)
    statement = policy.visible(select(Proposal), room, Proposal).where(
        col(Proposal.item_id) == item.id, col(Proposal.merged_into_id).is_(None)
    )
    return [row.id for row in db.exec(statement)]


def current(
    db: Session, *, viewer: Viewer, workshop: Workshop, item: AgendaItem
) -> dict[str, Cells]:
    """Counts now, for the proposals whose support counts: per party from the tallies, and
    overall their sum (every participant belongs to a party)."""
    ids = counted_proposals(db, workshop=workshop, item=item)
    parties: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    if ids:
        tallies = policy.visible(select(ReactionTally), viewer, ReactionTally).where(
            col(ReactionTally.proposal_id).in_(ids)
        )
        for row in db.exec(tallies):
            parties[row.proposal_id][row.party_id][row.value] = row.count
    out = {}
    for pid in ids:
        cells = {party: Counts.of(values) for party, values in parties[pid].items()}
        out[pid] = Cells(sum(cells.values(), Counts()), cells)
    return out


def latest(db: Session, *, viewer: Viewer, item: AgendaItem) -> Snapshot | None:
    """The snapshot in force for this item, as the viewer may read it (through the policy)."""
    row = db.exec(
        policy.visible(select(PublishedResults), viewer, PublishedResults).where(
            col(PublishedResults.item_id) == item.id
        )
    ).first()
    if row is None:
        return None
    data = json.loads(row.payload or "{}")
    cells = {pid: Cells.of_json(value) for pid, value in data.items()}
    return Snapshot(seq=row.seq, cells=cells, withheld=row.withheld, published_on=row.published_on)


def _may_replace(before: Cells, after: Cells, party_ids: list[str], k: int) -> bool:
    """Every cell that is or was shown changed by no one or by at least k people: the
    overall cell always, party cells where the breakdown is or was shown (k holds)."""
    cells = [(before.totals, after.totals)]
    if k_holds(before.parties, party_ids, k) or k_holds(after.parties, party_ids, k):
        for party in set(before.parties) | set(after.parties):
            cells.append((before.parties.get(party, Counts()), after.parties.get(party, Counts())))
    return all(aggregation.may_update(changed_people(b, a), k) for b, a in cells)


def publish(db: Session, *, viewer: Viewer, workshop: Workshop, item: AgendaItem) -> Snapshot:
    """Publish what may be published now; returns the snapshot in force afterwards."""
    policy.ensure(viewer, "room.facilitate", workshop)
    now = current(db, viewer=viewer, workshop=workshop, item=item)
    return publish_cells(db, viewer=viewer, workshop=workshop, item=item, now=now)


def publish_cells(
    db: Session, *, viewer: Viewer, workshop: Workshop, item: AgendaItem, now: dict[str, Cells]
) -> Snapshot:
    """Replace the item's published counts by `now` (counts per proposal, or per paragraph
    of a negotiating text) where the differencing rule allows it, cell by cell."""
    policy.ensure(viewer, "room.facilitate", workshop)
    k = policy.effective_k(workshop)
    party_ids = policy.counted_parties(
        [p.id for p in db.exec(policy.visible(select(Party), viewer, Party))],
        policy.roster_sizes(db, workshop),
    )
    previous = latest(db, viewer=viewer, item=item)
    before = previous.cells if previous else {}
    cells: dict[str, Cells] = {}
    withheld = 0
    for pid, after in now.items():
        old = before.get(pid, EMPTY)
        if _may_replace(old, after, party_ids, k):
            cells[pid] = after
        else:
            cells[pid] = old
            withheld += 1
    row = db.get(PublishedResults, item.id) or PublishedResults(
        item_id=item.id, workshop_id=workshop.id
    )
    row.seq += 1
    row.payload = json.dumps({pid: c.as_json() for pid, c in cells.items()}, sort_keys=True)
    row.withheld = withheld
    row.published_on = today()
    db.add(row)
    db.flush()
    return Snapshot(seq=row.seq, cells=cells, withheld=withheld, published_on=row.published_on)
