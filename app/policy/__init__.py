"""The one door for confidential data: Viewer, visible(), ensure(), present().

Every read of confidential data goes through here. `visible()` adds the SQL filter for lists
(default deny); `ensure()` checks one object and raises NotFound on refusal (a 404 never
confirms that something exists); `present()` turns rows into view models without author
fields; the aggregation rules (k, the parties it counts, the minimum reveal batch) and the
export audience are stated here once. Each check is recorded per request so tests can prove
it ran.

    viewer.py       who is asking; roles and their actions (the bottom: imports nothing)
    access.py       object checks, and who may see results, share notes, ...
    filters.py      the SQL filter per model, and the author-tag checks after it
    mine.py         a participant's own proposal tags, found by number (O(own))
    aggregation.py  k, the parties the k rule counts, the minimum batch
    levels.py       when a level may be relaxed (never once its session has started)
    pending.py      what staff may see of pending proposals (in groups, shuffled)
    translating.py  what a translator sees: text to translate, never an author
    texts.py        the filters of the negotiating text (versions, paragraphs, marks)
    critiques.py    which revealed critiques are listed beside a paragraph (in groups)
    counts.py       numbers a viewer may learn without rows (sizes, counts, queue places)
    presenters.py   the presenter registry (features register on import)
    two_step.py     workshops that require two-step sign-in of their staff
"""

from app.policy import critiques, texts  # texts registers the negotiating text's filters
from app.policy.access import (
    allowed,
    ensure,
    ensure_signed_in,
    may_clear_for_summary,
    may_see_results,
    note_visibilities,
    own_participant,
    sees_room_alike,
    translates_only,
    workshops_with,
)
from app.policy.aggregation import (
    K_FLOOR,
    breakdown_allowed,
    cell_may_update,
    counted_parties,
    deniable,
    effective_k,
    leftover,
    may_update,
    min_batch,
    signoff_breakdown,
)
from app.policy.counts import (
    keeps_party_tally,
    next_queue_seq,
    participant_count,
    party_sizes,
    proposal_counts,
    roster_sizes,
)
from app.policy.filters import (
    FILTERS,
    always,
    filter_for,
    keep_mine_or_revealed,
    keep_own_notes,
    visible,
    waiting_to_list,
)
from app.policy.levels import check_item_level, check_session_level, may_relax
from app.policy.mine import find as own_proposals
from app.policy.mine import tombstone as proposal_tombstone
from app.policy.mine import with_own as with_own_proposals
from app.policy.pending import for_staff as pending_for_staff
from app.policy.pending import joins_now as pending_joins_now
from app.policy.pending import texts_ready
from app.policy.presenters import PRESENTERS, present, present_all, presenter
from app.policy.record import recorded, start_recording
from app.policy.translating import NOTE_VISIBILITIES as TRANSLATABLE_NOTES
from app.policy.translating import notes_to_translate, proposals_to_translate
from app.policy.two_step import check_requirement as check_two_step_requirement
from app.policy.two_step import staff_roles
from app.policy.viewer import (
    ANONYMOUS,
    LEVEL_STRICTNESS,
    LEVELS,
    PARTICIPANT_WORKSHOP_STATES,
    ROLE_ACTIONS,
    STAFF_ROLES,
    TEAM_ROLES,
    VISIBILITIES,
    OwnProposals,
    Viewer,
    export_audience,
    room_audience,
)

__all__ = [
    "ANONYMOUS",
    "FILTERS",
    "K_FLOOR",
    "LEVELS",
    "LEVEL_STRICTNESS",
    "PARTICIPANT_WORKSHOP_STATES",
    "PRESENTERS",
    "ROLE_ACTIONS",
    "STAFF_ROLES",
    "TEAM_ROLES",
    "TRANSLATABLE_NOTES",
    "VISIBILITIES",
    "OwnProposals",
    "Viewer",
    "allowed",
    "always",
    "breakdown_allowed",
    "cell_may_update",
    "check_item_level",
    "check_session_level",
    "check_two_step_requirement",
    "counted_parties",
    "critiques",
    "deniable",
    "effective_k",
    "ensure",
    "ensure_signed_in",
    "export_audience",
    "filter_for",
    "keep_mine_or_revealed",
    "keep_own_notes",
    "keeps_party_tally",
    "leftover",
    "may_clear_for_summary",
    "may_relax",
    "may_see_results",
    "may_update",
    "min_batch",
    "next_queue_seq",
    "note_visibilities",
    "notes_to_translate",
    "own_participant",
    "own_proposals",
    "participant_count",
    "party_sizes",
    "pending_for_staff",
    "pending_joins_now",
    "present",
    "present_all",
    "presenter",
    "proposal_counts",
    "proposal_tombstone",
    "proposals_to_translate",
    "recorded",
    "room_audience",
    "roster_sizes",
    "sees_room_alike",
    "signoff_breakdown",
    "staff_roles",
    "start_recording",
    "texts",
    "texts_ready",
    "translates_only",
    "visible",
    "waiting_to_list",
    "with_own_proposals",
    "workshops_with",
]
