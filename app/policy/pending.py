"""What staff may see of an item's pending (not yet revealed) proposals.

The adversary is a staff member who sees who presses "Submit" and watches the console. So a
pending text reaches staff only as one of a group: a proposal joins the staff's list
(`Proposal.listed`) only once at least `min_batch(workshop)` pending proposals of the item
are waiting outside it, and then they all join at once (at submission, in the write path).

The step is counted, not clocked: the count staff see is the number of listed proposals,
which moves in groups of at least the minimum, never per arrival. While fewer than the
minimum wait outside the list, nothing of them shows to staff: no text, no count, not even
whether there are any (the console says "fewer than the minimum"). No submission time is
stored or needed (DESIGN: times no finer than the agenda item), so every process and every
reload agree, and the polled pending region (204 while its fingerprint stands) changes only
when a group joins.

Listed texts are shown by their shuffle key (128 random bits drawn at submission), never by
id, rowid or arrival: the members of a group are interleaved at random with the earlier ones.
Residual: an author's edit or withdrawal of a text already listed shows at the next refresh.

Free-text survey answers (app/evaluation/texts.py) follow the same rule per question and
moment (`texts_ready`): they are shown in those groups, so a group is the batch.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.policy.aggregation import min_batch
from app.policy.record import note


def joins_now(waiting: int, workshop: Any) -> bool:
    """Whether `waiting` pending proposals outside the staff's list join it now."""
    return waiting >= min_batch(workshop)


def for_staff(rows: Iterable[Any], workshop: Any) -> list[Any]:
    """The pending rows staff may see (the listed ones; an item's waiting ones too only if
    that item's are enough to join), in shuffle-key order."""
    note("visible", "Proposal:pending")
    pending = [row for row in rows if row.status == "pending"]
    waiting: dict[str, int] = {}  # per agenda item: waiting rows of two items never add up
    for row in pending:
        if not row.listed:
            waiting[row.item_id] = waiting.get(row.item_id, 0) + 1
    joining = {item for item, count in waiting.items() if joins_now(count, workshop)}
    shown = [row for row in pending if row.listed or row.item_id in joining]
    return sorted(shown, key=lambda row: str(row.shuffle_key))


def texts_ready(rows: Iterable[Any], workshop: Any) -> list[Any]:
    """The pending free-text survey answers that may be revealed now: those of each
    (moment, question) whose waiting answers reach the minimum batch on their own."""
    note("visible", "SurveyText:pending")
    pending = [row for row in rows if row.status == "pending"]
    waiting: dict[tuple[str, str], int] = {}
    for row in pending:
        waiting[(row.moment, row.item_id)] = waiting.get((row.moment, row.item_id), 0) + 1
    return [row for row in pending if joins_now(waiting[(row.moment, row.item_id)], workshop)]
