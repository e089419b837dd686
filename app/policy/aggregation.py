"""Aggregation rules: the minimum group size k, which parties the k rule counts, the
minimum reveal batch. Stated once; the arithmetic that applies them is app/room/consensus.py.
"""

from __future__ import annotations

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
# in it and they did not all answer alike: unanimity would tell each member their answer
# ("6/6 chose 5", "everyone rose by one"). A breakdown by party follows the k rule of results
# (every counted party's cell deniable, else only the total), and a new publication must
# differ from the last by none or at least k answers per moment (`may_update`).


def deniable(values: list[int], k: int) -> bool:
    """Whether a cell of survey answers (or of changes) may be shown: at least k values, and
    at least two different ones."""
    return len(values) >= max(K_FLOOR, k) and len(set(values)) >= 2


def every_party_lives_with(k_holds: bool, party_bands: list[str]) -> bool:
    """A paragraph of a negotiating text that every party can live with: k holds for every
    counted party and each party's band of "can live with" is broad. Never "nobody cannot
    live with it": like any band it stays deniable for every member."""
    return k_holds and bool(party_bands) and all(b == "broad" for b in party_bands)
