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
