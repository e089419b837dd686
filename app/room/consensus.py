"""Cross-party consensus over reactions: pure arithmetic, no database.

Per proposal: counts of agree / disagree / pass and their total, per party and overall. The
rules that decide what may be shown of them (k, the bands, the differencing rule) are the
policy's (app/policy/aggregation.py); this module applies them. Where every counted party has
at least k reactors, each party's band and the group-informed consensus score (Pol.is): the
product over parties of (agree + 1) / (reacted + 2). Otherwise only the overall band.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from app.policy import aggregation

VALUES = ("agree", "disagree", "pass")


@dataclass(frozen=True)
class Counts:
    agree: int = 0
    disagree: int = 0
    passed: int = 0

    @property
    def reacted(self) -> int:
        return self.agree + self.disagree + self.passed

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.agree + other.agree, self.disagree + other.disagree, self.passed + other.passed
        )

    def as_list(self) -> list[int]:
        return [self.agree, self.disagree, self.passed]

    @classmethod
    def of_list(cls, values: Sequence[int]) -> Counts:
        return cls(*(max(0, int(v)) for v in values[:3]))

    @classmethod
    def of(cls, by_value: Mapping[str, int]) -> Counts:
        return cls(
            agree=max(0, by_value.get("agree", 0)),
            disagree=max(0, by_value.get("disagree", 0)),
            passed=max(0, by_value.get("pass", 0)),
        )


def changed_people(before: Counts, after: Counts) -> int:
    """The fewest people whose reactions turn `before` into `after`: each new or changed
    reaction adds one to a value (and a change also takes one from another)."""
    deltas = [b - a for a, b in zip(before.as_list(), after.as_list(), strict=True)]
    return max(sum(d for d in deltas if d > 0), -sum(d for d in deltas if d < 0))


@dataclass(frozen=True)
class PartyShare:
    party_id: str
    reacted: int
    band: str


@dataclass(frozen=True)
class Support:
    """What the room may be told of one proposal: how many reacted; where k holds the party
    bands, otherwise the overall band (None: too few reacted)."""

    reacted: int
    band: str | None
    k_holds: bool
    parties: tuple[PartyShare, ...] = ()
    consensus: float | None = None


def k_holds(by_party: Mapping[str, Counts], party_ids: Sequence[str], k: int) -> bool:
    """Every counted party has at least k reactors (and there is a party at all)."""
    if not party_ids or k < 1:
        return False
    return all(by_party.get(pid, Counts()).reacted >= k for pid in party_ids)


def consensus_score(shares: Iterable[tuple[int, int]]) -> float:
    """Product over parties of (agree + 1) / (reacted + 2), for (agree, reacted) pairs."""
    score = 1.0
    for agree, reacted in shares:
        score *= (agree + 1) / (reacted + 2)
    return score


def support(
    totals: Counts, by_party: Mapping[str, Counts], party_ids: Sequence[str], k: int
) -> Support:
    """The support of one proposal: the overall band; party bands only where k holds."""
    k = max(aggregation.K_FLOOR, k)
    overall = aggregation.band(totals.agree, totals.reacted, k)
    if not k_holds(by_party, party_ids, k):
        return Support(reacted=totals.reacted, band=overall, k_holds=False)
    shares = []
    for pid in party_ids:
        cell = by_party[pid]
        cell_band = aggregation.band(cell.agree, cell.reacted, k)
        assert cell_band is not None  # k holds: every cell has at least k reactors
        shares.append(PartyShare(party_id=pid, reacted=cell.reacted, band=cell_band))
    score = consensus_score((by_party[pid].agree, by_party[pid].reacted) for pid in party_ids)
    # No overall band beside the party bands: the two together can pin a member down (one
    # party "little support", the other "broad", overall "broad" => the second party agreed
    # to a person). The party bands say it, the overall figure is only how many reacted.
    return Support(
        reacted=totals.reacted, band=None, k_holds=True, parties=tuple(shares), consensus=score
    )


def unites(supports: Mapping[str, Support], limit: int = 5) -> list[str]:
    """Proposals every party broadly supports (where k holds), by consensus score."""
    ranked = [
        (s.consensus, pid)
        for pid, s in supports.items()
        if s.consensus is not None and all(p.band == "broad" for p in s.parties)
    ]
    ranked.sort(key=lambda pair: (-pair[0], pair[1]))
    return [pid for _, pid in ranked[:limit]]


def divides(supports: Mapping[str, Support], limit: int = 5) -> list[str]:
    """Proposals one party broadly supports and another gives little support (where k holds);
    never a proposal that unites."""
    found = [
        (s.consensus or 0.0, pid)
        for pid, s in supports.items()
        if s.k_holds
        and any(p.band == "broad" for p in s.parties)
        and any(p.band == "little" for p in s.parties)
    ]
    found.sort(key=lambda pair: (pair[0], pair[1]))
    return [pid for _, pid in found[:limit]]
