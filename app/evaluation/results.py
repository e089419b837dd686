"""The figures of a survey's results, from the answer rows and the per-party tallies, with the
policy's rules applied (app/policy/aggregation.py: `deniable`, `leftover`,
`breakdown_allowed`, `cell_may_update`): pure arithmetic, no I/O.

Per item and moment: how many chose each value 1-5, and the mean. Per item and span (pre to
post, pre to follow-up): the mean change of those who answered at both. A cell is published
only when it is deniable; a breakdown by party only when every counted party's cell is and
the leftover (the total minus the party cells) is empty or deniable, else only the total. A
withheld cell says nothing, not even why.

Each group (an item's total and party cells at one moment, or over one span) comes with its
basis: the counts behind each cell it shows, kept with the publication (never shown; a
withheld cell has none). A new publication takes a group's new figures only when each cell
shown in the old or the new is unchanged or changed by at least k people; else the group
keeps its old figures and their basis.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app import policy
from app.evaluation.models import MOMENTS, SCALE, SPANS

EMPTY: dict[str, Any] = {"total": None, "parties": []}
Basis = dict[str, dict[str, int]]  # "total" or a party id -> value (as text) -> count


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


def _counts(values: list[int]) -> dict[str, int]:
    return {str(v): n for v, n in sorted(Counter(values).items())}


def deltas(answers: Iterable[Answers], item_id: str, span: str) -> list[int]:
    """The changes of one item from "pre" to `span`, one per person who answered it at both."""
    before: dict[str, int] = {}
    after: dict[str, int] = {}
    for row in answers:
        if item_id in row.values and row.moment in ("pre", span):
            (before if row.moment == "pre" else after)[row.tag] = row.values[item_id]
    return [after[tag] - before[tag] for tag in sorted(after) if tag in before]


def _group(
    total: list[int],
    cells: Mapping[str, list[int]],
    parties: list[tuple[str, str]],
    k: int,
    shape: Any,
) -> tuple[dict[str, Any], Basis]:
    """The total and, per party or not at all, the party cells; and their basis. Parties are
    shown only when every counted party's cell is deniable and so is the leftover."""
    shown = [(name, shape(cells.get(pid, []), k)) for pid, name in parties]
    rest = policy.leftover(Counter(total), [Counter(cells.get(pid, [])) for pid, _ in parties])
    breakdown = []
    every = bool(shown) and all(cell is not None for _, cell in shown)
    if every and policy.breakdown_allowed(rest, k):
        breakdown = [{"party": name, **cell} for name, cell in shown]
    figures = {"total": shape(total, k), "parties": breakdown}
    basis = {"total": _counts(total)} if figures["total"] is not None else {}
    if breakdown:
        basis.update({pid: _counts(cells.get(pid, [])) for pid, _ in parties})
    return figures, basis


def compute(
    *,
    items: list[tuple[str, str]],
    answers: list[Answers],
    tallies: Mapping[tuple[str, str, str], Mapping[int, int]],
    changes: Mapping[tuple[str, str, str], Mapping[int, int]],
    parties: list[tuple[str, str]],
    k: int,
) -> tuple[dict[str, Any], dict[str, Basis]]:
    """The published payload and its basis (group key -> cell counts). `items`: (id,
    prompt); `tallies`: (item, party, moment) -> value -> count; `changes`: (item, party,
    span) -> delta -> count; `parties`: the counted parties (id, name), in their order."""
    out = []
    bases: dict[str, Basis] = {}
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
            moments[moment], bases[f"{item_id}/{moment}"] = _group(
                values, per_party, parties, k, _cell
            )
        spans = {}
        for span in SPANS:
            per_party = {pid: _expand(changes.get((item_id, pid, span), {})) for pid, _ in parties}
            spans[span], bases[f"{item_id}/change/{span}"] = _group(
                deltas(answers, item_id, span), per_party, parties, k, _change
            )
        out.append({"id": item_id, "prompt": prompt, "moments": moments, "changes": spans})
    return {"items": out}, bases


def _fresh(old: Basis, new: Basis, k: int) -> bool:
    """Whether every cell of a group is unchanged or changed by at least k people."""
    return all(policy.cell_may_update(old.get(c, {}), new.get(c, {}), k) for c in {*old, *new})


def merge(
    old: Mapping[str, Any],
    old_bases: Mapping[str, Basis],
    new: Mapping[str, Any],
    new_bases: Mapping[str, Basis],
    k: int,
    *,
    legacy: bool = False,
) -> tuple[dict[str, Any], dict[str, Basis], int]:
    """The publication: per group, the new figures where every cell may update, else the
    last published ones (and their basis). Returns it, its basis and how many groups whose
    figures would have changed were held back. `legacy`: the last publication kept no basis
    (made before bases were kept): every group keeps its figures once and takes the new basis
    (answers are only ever added, so the next change is measured from at least the old)."""
    before = {item["id"]: item for item in old.get("items", [])}
    bases: dict[str, Basis] = {}
    held = 0
    out = []
    for item in new["items"]:
        prior = before.get(item["id"], {})
        merged: dict[str, dict[str, Any]] = {"moments": {}, "changes": {}}
        for part, names, label in (("moments", MOMENTS, "{}"), ("changes", SPANS, "change/{}")):
            for name in names:
                key = f"{item['id']}/{label.format(name)}"
                last = prior.get(part, {}).get(name, EMPTY)
                if legacy:
                    merged[part][name], bases[key] = last, new_bases[key]
                    held += item[part][name] != last
                elif _fresh(old_bases.get(key, {}), new_bases[key], k):
                    merged[part][name], bases[key] = item[part][name], new_bases[key]
                else:
                    merged[part][name], bases[key] = last, dict(old_bases.get(key, {}))
                    held += item[part][name] != last
        out.append({**item, **merged})
    return {"items": out}, bases, held
