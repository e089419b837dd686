"""What a translator sees: text to translate, never an author (DESIGN: "sees texts, never
authors").

A translator (role action `translate`, and nothing else) reads:

- an item's pending proposals once staff may see them, that is only as members of a listed
  group of at least the minimum batch (app/policy/pending.py), never one by one;
- revealed proposals that are not hidden (nor withdrawn, nor merged into another);
- notes cleared for the room or for the summary (NOTE_VISIBILITIES).

Each reaches the translator as text only: no author tag, attribution, party, reaction,
tally, theme, hide reason or note author (app/translations/texts.py builds view models
without such fields). A translation names neither the author nor the translator; it is
shown beside its original wherever the original is shown, and only there (the SQL filter in
app/policy/filters.py). No text is sent to any outside translation service.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.policy.pending import for_staff
from app.policy.record import note

NOTE_VISIBILITIES = ("room", "summary")
PROPOSAL_STATUSES = ("pending", "revealed")


def proposals_to_translate(rows: Iterable[Any], workshop: Any) -> list[Any]:
    """After `visible(..., Proposal)` for a translator: the listed pending proposals (as
    staff see them: in groups, by shuffle key), then the revealed, unhidden ones."""
    note("visible", "Proposal:translate")
    rows = [row for row in rows if row.merged_into_id is None]
    pending = for_staff(rows, workshop)
    revealed = [row for row in rows if row.status == "revealed" and not row.hidden]
    return pending + sorted(revealed, key=lambda row: (row.batch, str(row.shuffle_key)))


def notes_to_translate(rows: Iterable[Any]) -> list[Any]:
    """After `visible(..., Note)` for a translator: only the notes cleared for the room or the
    summary (not even the translator's own private notes from an earlier role)."""
    note("visible", "Note:translate")
    return [row for row in rows if row.visibility in NOTE_VISIBILITIES]
