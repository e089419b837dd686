"""Ids are 128-bit random (DESIGN.md, Anonymity 4): never sequential, never time-ordered, so
the order of rows' ids says nothing about the order they were written in."""

from __future__ import annotations

import itertools

from app.ids import new_id


def test_ids_are_random_not_ordered() -> None:
    ids = [new_id() for _ in range(400)]
    assert len(set(ids)) == len(ids)
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)
    rising = sum(a < b for a, b in itertools.pairwise(ids))
    assert 130 < rising < 270, rising  # about half; a clock or a counter gives all 399
    # no common prefix either (a time stamp in front keeps the first characters alike)
    assert len({i[:4] for i in ids}) > 300
