"""The figures of a survey's results, from the answer rows and the per-party tallies, with the
policy's rules applied (app/policy/aggregation.py: `deniable`, `counted_parties`): pure
arithmetic, no I/O.

Per item and moment: how many chose each value 1-5, and the mean. Per item and span (pre to
post, pre to follow-up): the mean change of those who answered at both. A cell is published
only when it is deniable; a breakdown by party only when every counted party's cell is, else
only the total. A withheld cell says nothing, not even why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app import policy
from app.evaluation.models import MOMENTS, SCALE, SPANS


@dataclass(frozen=True)
class Answers:
    """One answer row as the arithmetic needs it (the pairing tag pairs rows of one person)."""

    moment: str
    tag: str
    values: Mapping[str, int]


def _cell(values: list[int], k: int) -> dict[str, Any] | None:
    if not policy.deniable(values, k):
        return None
    return {
        "n": len(values),
        "distribution": [values.count(v) for v in SCALE],
        "mean": round(sum(values) / len(values), 1),
    }


def _change(deltas: list[int], k: int) -> dict[str, Any] | None:
    if not policy.deniable(deltas, k):
        return None
    return {"n": len(deltas), "mean": round(sum(deltas) / len(deltas), 1)}


def _expand(counts: Mapping[int, int]) -> list[int]:
    return [value for value, n in sorted(counts.items()) for _ in range(n)]


def deltas(answers: Iterable[Answers], item_id: str, span: str) -> list[int]:
    """The changes of one item from "pre" to `span`, one per person who answered it at both."""
    before: dict[str, int] = {}
    after: dict[str, int] = {}
    for row in answers:
        if item_id in row.values and row.moment in ("pre", span):
            (before if row.moment == "pre" else after)[row.tag] = row.values[item_id]
    return [after[tag] - before[tag] for tag in sorted(after) if tag in before]


def _breakdown(
    cells: Mapping[str, list[int]],
    parties: list[tuple[str, str]],
    k: int,
    shape: Any,
) -> list[dict[str, Any]]:
    """Per party, or nothing: every counted party's cell must be deniable."""
    shown = [(name, shape(cells.get(pid, []), k)) for pid, name in parties]
    if not shown or any(cell is None for _, cell in shown):
        return []
    return [{"party": name, **cell} for name, cell in shown]


def compute(
    *,
    items: list[tuple[str, str]],
    answers: list[Answers],
    tallies: Mapping[tuple[str, str, str], Mapping[int, int]],
    changes: Mapping[tuple[str, str, str], Mapping[int, int]],
    parties: list[tuple[str, str]],
    k: int,
) -> dict[str, Any]:
    """The published payload. `items`: (id, prompt); `tallies`: (item, party, moment) ->
    value -> count; `changes`: (item, party, span) -> delta -> count; `parties`: the counted
    parties (id, name), in their order."""
    out = []
    for item_id, prompt in items:
        moments = {}
        for moment in MOMENTS:
            values = [
                row.values[item_id]
                for row in answers
                if row.moment == moment and item_id in row.values
            ]
            per_party = {
                pid: _expand(tallies.get((item_id, pid, moment), {})) for pid, _ in parties
            }
            moments[moment] = {
                "total": _cell(values, k),
                "parties": _breakdown(per_party, parties, k, _cell),
            }
        spans = {}
        for span in SPANS:
            per_party = {pid: _expand(changes.get((item_id, pid, span), {})) for pid, _ in parties}
            spans[span] = {
                "total": _change(deltas(answers, item_id, span), k),
                "parties": _breakdown(per_party, parties, k, _change),
            }
        out.append({"id": item_id, "prompt": prompt, "moments": moments, "changes": spans})
    return {"items": out}


def answer_counts(answers: Iterable[Answers]) -> dict[str, int]:
    """How many answered at each moment (kept with a publication, for `may_update`)."""
    counts = dict.fromkeys(MOMENTS, 0)
    for row in answers:
        counts[row.moment] += 1
    return counts
