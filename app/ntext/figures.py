"""Per-paragraph figures of a negotiating text, under the results' own rules.

The counts of every paragraph of the item's published versions are published as the item's
results snapshot (app/room/snapshots.py: replaced cell by cell only where no one or at least
k people changed it), and shown as bands (app/policy/aggregation.py): the overall band, or
where every counted party has at least k markers the party bands instead. Each person is
counted once per paragraph (one mark per tag). A paragraph that every party can live with
is the policy's `every_party_lives_with`.
"""

from __future__ import annotations

from collections import defaultdict

from sqlmodel import Session, col, select

from app import policy
from app.agenda.models import AgendaItem
from app.audit import service as audit
from app.errors import Conflict
from app.live.bus import changed
from app.ntext import service
from app.ntext.models import MarkTally, TextParagraph, TextVersion
from app.ntext.present import FigureView, PartyFigureView
from app.policy import Viewer, aggregation
from app.room import consensus, results, snapshots
from app.room.consensus import Counts
from app.room.snapshots import Cells
from app.workshops.models import Workshop


def _published_paragraphs(db: Session, viewer: Viewer, item: AgendaItem) -> list[str]:
    published = select(col(TextVersion.id)).where(
        col(TextVersion.item_id) == item.id, col(TextVersion.published_on).is_not(None)
    )
    statement = policy.visible(select(TextParagraph), viewer, TextParagraph).where(
        col(TextParagraph.version_id).in_(published)
    )
    return [row.id for row in db.exec(statement)]


def current(
    db: Session, *, viewer: Viewer, workshop: Workshop, item: AgendaItem
) -> dict[str, Cells]:
    """Counts now, per published paragraph: per party from the tallies, overall their sum."""
    policy.ensure(viewer, "room.facilitate", workshop)
    ids = _published_paragraphs(db, viewer, item)
    parties: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    if ids:
        tallies = policy.visible(select(MarkTally), viewer, MarkTally).where(
            col(MarkTally.paragraph_id).in_(ids)
        )
        for row in db.exec(tallies):
            parties[row.paragraph_id][row.party_id][row.value] = row.count
    out = {}
    for pid in ids:
        cells = {party: Counts.of(values) for party, values in parties[pid].items()}
        out[pid] = Cells(sum(cells.values(), Counts()), cells)
    return out


def publish(db: Session, *, viewer: Viewer, workshop: Workshop, item: AgendaItem) -> int:
    """Publish the figures that may be published now; returns how many paragraphs kept their
    earlier figures (withheld: fewer than k people changed them)."""
    policy.ensure(viewer, "room.facilitate", workshop)
    if service.current(db, viewer=viewer, item=item) is None:
        raise Conflict("Publish a version of the text first.")
    now = current(db, viewer=viewer, workshop=workshop, item=item)
    snapshot = snapshots.publish_cells(db, viewer=viewer, workshop=workshop, item=item, now=now)
    audit.record(
        db,
        viewer=viewer,
        workshop_id=workshop.id,
        action="ntext.figures.publish",
        target=item,
        detail=f"snapshot {snapshot.seq}: {snapshot.withheld} withheld",
    )
    changed(db, workshop.id, "results")
    return snapshot.withheld


def figure(support: consensus.Support, names: dict[str, str]) -> FigureView:
    """The view of one paragraph's support, party names only as labels of the breakdown."""
    bands = [share.band for share in support.parties]
    return FigureView(
        marked=support.reacted,
        band=support.band,
        k_holds=support.k_holds,
        parties=[
            PartyFigureView(party=names[s.party_id], reacted=s.reacted, band=s.band)
            for s in support.parties
        ],
        every_party=aggregation.every_party_lives_with(support.k_holds, bands),
    )


def for_item(
    db: Session, *, viewer: Viewer, workshop: Workshop, item: AgendaItem
) -> tuple[dict[str, FigureView], bool]:
    """The published figure of each paragraph the snapshot holds, and whether there is a
    snapshot at all; nothing if the viewer may not see results (not shown yet)."""
    if not policy.may_see_results(viewer, workshop, item):
        return {}, False
    k = policy.effective_k(workshop)
    parties = results.party_rows(db, viewer, workshop)
    party_ids = policy.counted_parties([p.id for p in parties], policy.roster_sizes(db, workshop))
    names = {p.id: p.name for p in parties}
    snapshot = snapshots.latest(db, viewer=viewer, item=item)
    if snapshot is None:
        return {}, False
    out = {}
    for pid, cell in snapshot.cells.items():
        support = consensus.support(cell.totals, cell.parties, party_ids, k)
        out[pid] = figure(support, names)
    return out, True
