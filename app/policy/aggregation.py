"""Aggregation rules: the minimum group size k, which parties the k rule counts, the
minimum reveal batch. Stated once; the arithmetic that applies them is app/room/consensus.py.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

K_FLOOR = 3


def effective_k(workshop: Any) -> int:
    """The workshop's k, never below the floor of 3."""
    return max(K_FLOOR, int(workshop.k_min))


def min_batch(workshop: Any) -> int:
    """The fewest proposals a reveal may hold without an override: max(3, k)."""
    return max(K_FLOOR, effective_k(workshop))


def counted_parties(party_ids: list[str], sizes: dict[str, int]) -> list[str]:
    """The parties the k rule looks at: those with at least one member on the roster. A
    declared party nobody belongs to cannot point at anyone, and must not hide every
    breakdown."""
    return [pid for pid in party_ids if sizes.get(pid, 0) > 0]


# -- bands: figures are published as bands, so that every reaction stays deniable ----------
#
# A cell (one party's reactors to one proposal, or all of them) is shown only when at least k
# reacted, and then only as a band of its agreement share. For n >= 3 reactors every band
# holds at least two values for each member: "broad support" includes n-1 agree and one
# disagree, "little support" includes disagree and pass, "divided" includes agree and not.
# So no band, ever, says that everyone agreed (never "5/5 agree").
BROAD_SUPPORT = 0.6
LITTLE_SUPPORT = 0.4
BANDS = ("broad", "divided", "little")


def band(agree: int, reacted: int, k: int) -> str | None:
    """The band of a cell: broad (>= 60 % agree), divided (40-59 %), little (< 40 %); None
    when fewer than k reacted (nothing is shown)."""
    if reacted < max(K_FLOOR, k) or reacted <= 0:
        return None
    share = agree / reacted
    if share >= BROAD_SUPPORT:
        return "broad"
    if share >= LITTLE_SUPPORT:
        return "divided"
    return "little"


def may_update(changed_people: int, k: int) -> bool:
    """Whether a published cell may change: not at all, or by at least k people. Fewer could
    be told apart by differencing two snapshots (who just tapped, and how)."""
    return changed_people == 0 or changed_people >= max(K_FLOOR, k)


# -- survey answers: a figure about a group of answers is published only when it is deniable --
#
# A cell (the answers of everyone, or of one party, to one survey item at one moment; or the
# changes of those who answered at both moments of a span) is shown only when at least k are
# in it and no member can tell the others' answers from it: unanimity would tell each member
# their answer ("6/6 chose 5"), and so would [4, 5, 5] to the one who chose 4. A breakdown by
# party is shown only when every counted party's cell is deniable and so is what is left of
# the total once the party cells are taken away (those in no counted party: else the total
# minus the party rows names that group), else only the total. And a new publication keeps
# every cell as last published unless it is unchanged or changed by at least k people
# (`cell_may_update`): per cell, not per moment, since a cell can move by one while the
# moment's count moves by many.


def deniable(values: list[int], k: int) -> bool:
    """Whether a cell of survey answers (or of changes) may be shown: at least k values and,
    whichever one member's value is taken away, at least two different ones left (three
    different values, or two each held by at least two)."""
    if len(values) < max(K_FLOOR, k):
        return False
    held = Counter(values)
    return len(held) >= 3 or (len(held) == 2 and min(held.values()) >= 2)


def leftover(total: Mapping[int, int], parts: list[Mapping[int, int]]) -> list[int] | None:
    """What the total holds beyond its parts (value -> count each), as values; None when the
    parts hold more than the total (nothing sensible to show)."""
    rest = Counter({value: n for value, n in total.items() if n})
    for part in parts:
        rest.subtract(part)
    if any(n < 0 for n in rest.values()):
        return None
    return sorted(value for value, n in rest.items() for _ in range(n))


def breakdown_allowed(rest: list[int] | None, k: int) -> bool:
    """Whether party cells may be shown beside the total: the leftover group (the total
    minus the party cells) is empty or deniable itself."""
    return rest is not None and (not rest or deniable(rest, k))


def people_between(old: Mapping[Any, int], new: Mapping[Any, int]) -> int:
    """The fewest people whose answers turn one cell (value -> count) into the other."""
    keys = set(old) | set(new)
    gained = sum(max(0, new.get(v, 0) - old.get(v, 0)) for v in keys)
    lost = sum(max(0, old.get(v, 0) - new.get(v, 0)) for v in keys)
    return max(gained, lost)


def cell_may_update(old: Mapping[Any, int], new: Mapping[Any, int], k: int) -> bool:
    """Whether a published survey cell may take its new figures (`may_update` per cell)."""
    return may_update(people_between(old, new), k)


def every_party_lives_with(k_holds: bool, party_bands: list[str]) -> bool:
    """A paragraph of a negotiating text that every party can live with: k holds for every
    counted party and each party's band of "can live with" is broad. Never "nobody cannot
    live with it": like any band it stays deniable for every member."""
    return k_holds and bool(party_bands) and all(b == "broad" for b in party_bands)


def signoff_breakdown(
    counts: Mapping[str, int], party_ids: list[str], k: int
) -> dict[str, int] | None:
    """Sign-offs per party (on the current version) may be shown only where every party has
    at least k of them; otherwise only the total, so that a party with fewer than k members
    (or signers) is never singled out. None: no breakdown."""
    if party_ids and all(counts.get(pid, 0) >= max(K_FLOOR, k) for pid in party_ids):
        return {pid: counts.get(pid, 0) for pid in party_ids}
    return None
