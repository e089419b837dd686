"""Consensus arithmetic: property tests and the k rule at its boundary."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from app.room import consensus
from app.room.consensus import Counts
from app.room.queue import Waiting, fair_order

counts = st.builds(
    Counts,
    agree=st.integers(0, 60),
    disagree=st.integers(0, 60),
    passed=st.integers(0, 60),
)
party_maps = st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), counts, min_size=1)


@given(party_maps, st.integers(1, 10))
def test_breakdown_only_where_every_party_reaches_k(by_party, k) -> None:
    party_ids = sorted(by_party)
    total = sum(by_party.values(), Counts())
    result = consensus.support(total, by_party, party_ids, k)
    holds = all(c.reacted >= max(3, k) for c in by_party.values())
    assert result.k_holds is holds
    assert result.reacted == total.reacted
    if holds:
        assert [s.party_id for s in result.parties] == party_ids
        assert result.consensus is not None
    else:
        assert result.parties == () and result.consensus is None


@given(party_maps, st.integers(3, 10))
def test_no_band_below_k_and_never_a_count_per_value(by_party, k) -> None:
    total = sum(by_party.values(), Counts())
    result = consensus.support(total, by_party, sorted(by_party), k)
    assert (result.band is None) is (total.reacted < k or result.k_holds)
    for share in result.parties:
        assert share.band in ("broad", "divided", "little") and share.reacted >= k


@given(party_maps)
def test_score_is_the_product_of_smoothed_agreement(by_party) -> None:
    party_ids = sorted(by_party)
    result = consensus.support(sum(by_party.values(), Counts()), by_party, party_ids, 1)
    if not result.k_holds:
        return
    expected = math.prod((c.agree + 1) / (c.reacted + 2) for c in by_party.values())
    assert math.isclose(result.consensus or 0, expected)
    assert 0 < (result.consensus or 0) < 1


@given(counts, counts, st.integers(0, 10))
def test_more_agreement_never_lowers_the_score(a, b, extra) -> None:
    base = consensus.consensus_score([(a.agree, a.reacted), (b.agree, b.reacted)])
    more = consensus.consensus_score([(a.agree + extra, a.reacted + extra), (b.agree, b.reacted)])
    assert more >= base - 1e-12


@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), min_size=1, max_size=4))
def test_score_bounds(pairs) -> None:
    shares = [(agree, agree + other) for agree, other in pairs]
    score = consensus.consensus_score(shares)
    assert 0 < score < 1


@given(counts, counts)
def test_changed_people_is_the_fewest_who_explain_the_change(a, b) -> None:
    n = consensus.changed_people(a, b)
    assert n >= abs(b.reacted - a.reacted)
    assert (n == 0) is (a == b)
    assert consensus.changed_people(a, b) == consensus.changed_people(b, a)


def test_k_boundary_k_minus_one_and_k() -> None:
    k = 5
    ok = Counts(agree=3, disagree=1, passed=1)  # 5 reacting
    short = Counts(agree=3, disagree=1)  # 4 reacting
    parties = ["a", "b"]
    below = consensus.support(ok + short, {"a": ok, "b": short}, parties, k)
    assert not below.k_holds and below.parties == () and below.reacted == 9
    at = consensus.support(ok + ok, {"a": ok, "b": ok}, parties, k)
    assert at.k_holds and len(at.parties) == 2
    missing = consensus.support(ok, {"a": ok}, parties, k)
    assert not missing.k_holds  # a party with nobody reacting blocks the breakdown


def test_unites_and_divides_are_disjoint_and_only_where_k_holds() -> None:
    parties = ["a", "b"]
    k = 3
    both = consensus.support(
        Counts(6, 0, 0), {"a": Counts(3, 0, 0), "b": Counts(3, 0, 0)}, parties, k
    )
    split = consensus.support(
        Counts(3, 3, 0), {"a": Counts(3, 0, 0), "b": Counts(0, 3, 0)}, parties, k
    )
    thin = consensus.support(Counts(2, 0, 0), {"a": Counts(2, 0, 0)}, parties, k)
    supports = {"both": both, "split": split, "thin": thin}
    assert consensus.unites(supports) == ["both"]
    assert consensus.divides(supports) == ["split"]


waiting_lists = st.lists(
    st.tuples(st.sampled_from(["A", "B", "C"]), st.integers(0, 5)), max_size=12
).map(lambda rows: [Waiting(f"r{i}", party, spoken, i) for i, (party, spoken) in enumerate(rows)])


@given(waiting_lists, st.sampled_from([None, "A", "B"]))
def test_fair_order_is_a_permutation_that_alternates_when_it_can(waiting, last) -> None:
    order = fair_order(waiting, last)
    assert sorted(w.key for w in order) == sorted(w.key for w in waiting)
    previous = last
    for index, chosen in enumerate(order):
        rest = order[index:]
        if previous is not None and any(w.party != previous for w in rest):
            assert chosen.party != previous
        same_side = [w for w in rest if (w.party == previous) == (chosen.party == previous)]
        assert chosen.spoken == min(w.spoken for w in same_side)
        previous = chosen.party


@given(counts, st.integers(1, 10))
def test_no_declared_party_means_no_breakdown(total, k) -> None:
    """With no party to hold the rule against, the rule does not hold (never all([]))."""
    result = consensus.support(total, {}, [], k)
    assert not result.k_holds and result.parties == () and result.consensus is None
