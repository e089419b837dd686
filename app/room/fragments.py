"""Regions every participant sees alike, rendered once per change instead of once per request.

A participant's results region carries nothing of its viewer: no form, no token, no "mine",
only tallies that the policy computes the same way for every participant of the workshop. So
one rendering per workshop, item and language serves them all. Entries are keyed by the live
bus's revisions of the regions they depend on (any change this process publishes or hears of
bumps one), and a short TTL bounds staleness should an event be missed. Staff always get a
fresh rendering: what they see depends on their role.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from app.live.bus import MemoryBus

# region -> the live regions whose changes can alter it
SHARED_REGIONS: dict[str, tuple[str, ...]] = {
    "results": ("results", "proposals", "agenda", "workshop"),
}
TTL_SECONDS = 5.0
MAX_ENTRIES = 2048


class SharedFragments:
    """A small LRU of rendered fragments, valid while their revisions stand."""

    def __init__(self, *, ttl: float = TTL_SECONDS, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[tuple[int, ...], float, str]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get_or_render(
        self,
        bus: MemoryBus,
        *,
        workshop_id: str,
        region: str,
        key: Hashable,
        render: Callable[[], str],
    ) -> str:
        """The cached HTML for key, or render() stored under the revisions read *before* it
        ran (a change committed while rendering leaves the entry already stale, never stuck).
        """
        if not bus.listening:
            return render()
        revision = bus.revision(workshop_id, *SHARED_REGIONS[region])
        full_key = (workshop_id, region, key)
        now = time.monotonic()
        entry = self._entries.get(full_key)
        if entry is not None and entry[0] == revision and now - entry[1] < self.ttl:
            self._entries.move_to_end(full_key)
            self.hits += 1
            return entry[2]
        self.misses += 1
        html = render()
        self._entries[full_key] = (revision, now, html)
        self._entries.move_to_end(full_key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
        self._sweep(now)
        return html

    def _sweep(self, now: float) -> None:
        """Forget expired entries, so text hidden or archived since does not linger."""
        expired = [k for k, (_rev, at, _html) in self._entries.items() if now - at >= self.ttl]
        for k in expired:
            del self._entries[k]
