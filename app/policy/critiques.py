"""Which revealed critiques of a negotiating text may be listed beside their paragraph.

A critique is revealed with its item's batch (at least the minimum batch), but it is listed
under one paragraph, and the adversary sees who writes under which paragraph. So the group
shown beside a paragraph must itself hold at least `min_batch(workshop)` critiques, or wait:

- per paragraph, its revealed critiques form groups in reveal order: each batch's critiques
  of the paragraph join the paragraph's open group, which closes as soon as it holds at
  least the minimum; the critiques of a group still open wait, listed nowhere, to no one;
- the groups are counted over every revealed critique (hidden and merged ones included), so
  moderation never reshapes them and no later listing can be differenced against an
  earlier one to isolate fewer than the minimum;
- a closed group is listed only while at least the minimum of its critiques are not hidden;
  otherwise none of it is (it never joins another group);
- within a group the order is the random ids', never the batches'.

The same for every viewer, staff included: staff moderate pending and hidden critiques in
the console, where they are not bound to paragraphs. A participant's own pending critiques
are theirs alone (app/ntext/page.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, col, func, select

from app.ntext.models import TextCritique
from app.policy.aggregation import min_batch
from app.policy.record import note
from app.room.models import Proposal

Batch = tuple[str, int]  # (paragraph id, reveal batch)


def groups(
    revealed: Mapping[Batch, int], unhidden: Mapping[Batch, int], workshop: Any
) -> dict[Batch, int]:
    """The listed (paragraph, batch) pairs, each with its group's number under its paragraph;
    `revealed` and `unhidden` count the critiques of each pair (all; not hidden)."""
    minimum = min_batch(workshop)
    batches: dict[str, list[int]] = defaultdict(list)
    for paragraph, batch in revealed:
        batches[paragraph].append(batch)
    out: dict[Batch, int] = {}
    for paragraph, numbers in batches.items():
        group: list[Batch] = []
        closed = 0
        for batch in sorted(numbers):
            group.append((paragraph, batch))
            if sum(revealed[pair] for pair in group) < minimum:
                continue
            if sum(unhidden.get(pair, 0) for pair in group) >= minimum:
                out.update((pair, closed) for pair in group)
            group, closed = [], closed + 1
    return out


def listed(db: Session, workshop: Any, item_id: str) -> dict[Batch, int]:
    """The listed (paragraph, batch) pairs of a text item's critiques (see `groups`)."""
    note("visible", "TextCritique:groups")
    statement = (
        select(TextCritique.paragraph_id, Proposal.batch, Proposal.hidden, func.count())
        .join(Proposal, col(Proposal.id) == col(TextCritique.proposal_id))
        .where(
            col(Proposal.item_id) == item_id,
            col(Proposal.workshop_id) == workshop.id,
            col(Proposal.status) == "revealed",
        )
        .group_by(col(TextCritique.paragraph_id), col(Proposal.batch), col(Proposal.hidden))
    )
    revealed: dict[Batch, int] = defaultdict(int)
    unhidden: dict[Batch, int] = defaultdict(int)
    for paragraph, batch, hidden, count in db.exec(statement):
        revealed[(paragraph, batch)] += int(count)
        if not hidden:
            unhidden[(paragraph, batch)] += int(count)
    return groups(revealed, unhidden, workshop)
