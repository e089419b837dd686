"""Cross-party consensus over reactions: pure arithmetic, no database.

Per proposal: counts of agree / disagree / pass and their total. Where every declared party
has at least k reacting members, each party's agreement and the group-informed consensus
score (Pol.is): the product over parties of (agree + 1) / (reacted + 2). Otherwise only the
totals: a party breakdown of a few people would point at individuals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

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

    @classmethod
    def of(cls, by_value: Mapping[str, int]) -> Counts:
        return cls(
            agree=max(0, by_value.get("agree", 0)),
            disagree=max(0, by_value.get("disagree", 0)),
            passed=max(0, by_value.get("pass", 0)),
        )


@dataclass(frozen=True)
class PartyShare:
    party_id: str
    reacted: int
    agree: int
    agreement: float


@dataclass(frozen=True)
class Support:
    """What the room thinks of one proposal; `parties` is empty unless k holds."""

    totals: Counts
    k_holds: bool
    parties: tuple[PartyShare, ...] = ()
    consensus: float | None = None
    gap: float | None = None


def k_holds(by_party: Mapping[str, Counts], party_ids: Sequence[str], k: int) -> bool:
    """Every declared party has at least k reacting members (and there is a party at all)."""
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
    """The support of one proposal: totals always; the party breakdown only where k holds."""
    if not k_holds(by_party, party_ids, k):
        return Support(totals=totals, k_holds=False)
    shares = tuple(
        PartyShare(
            party_id=pid,
            reacted=by_party[pid].reacted,
            agree=by_party[pid].agree,
            agreement=by_party[pid].agree / by_party[pid].reacted,
        )
        for pid in party_ids
    )
    agreements = [s.agreement for s in shares]
    return Support(
        totals=totals,
        k_holds=True,
        parties=shares,
        consensus=consensus_score((s.agree, s.reacted) for s in shares),
        gap=max(agreements) - min(agreements),
    )


def unites(supports: Mapping[str, Support], limit: int = 5) -> list[str]:
    """Proposal ids with the highest cross-party consensus (only where k holds)."""
    ranked = [(s.consensus, pid) for pid, s in supports.items() if s.consensus is not None]
    ranked.sort(key=lambda pair: (-pair[0], pair[1]))
    return [pid for _, pid in ranked[:limit]]


def divides(supports: Mapping[str, Support], limit: int = 5) -> list[str]:
    """Proposal ids with the largest gap between parties' agreement (only where k holds)."""
    ranked = [(s.gap, pid) for pid, s in supports.items() if s.gap is not None and s.gap > 0]
    ranked.sort(key=lambda pair: (-pair[0], pair[1]))
    return [pid for _, pid in ranked[:limit]]
