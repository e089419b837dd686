"""Results of a contribution round, as published (app/room/snapshots.py): the overall band,
party bands where k holds, what unites and what divides. Party names appear only in
aggregate rows, never as a label on the text. Everyone, staff included, sees the same
published figures; between snapshots nothing changes on anyone's screen."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app import policy
from app.agenda.models import AgendaItem
from app.policy import Viewer
from app.room import consensus, snapshots
from app.room.present import BlockingParty, PartyShareView, ProposalView, ResultsView, SupportView
from app.workshops.models import Party, Workshop


def party_rows(db: Session, viewer: Viewer, workshop: Workshop) -> list[Party]:
    """The workshop's parties in their order (labels of breakdowns only)."""
    return list(
        db.exec(
            policy.visible(select(Party), viewer, Party)
            .where(col(Party.workshop_id) == workshop.id)
            .order_by(col(Party.position), col(Party.name))
        )
    )


def blocking(db: Session, *, viewer: Viewer, workshop: Workshop) -> list[BlockingParty]:
    """For staff: parties left out of the k rule (no members), and parties too small for a
    breakdown ever to be shown (fewer members than k)."""
    if not viewer.may("parties.sizes", workshop.id):
        return []
    sizes = policy.party_sizes(db, workshop, viewer=viewer)
    k = policy.effective_k(workshop)
    out = []
    for party in party_rows(db, viewer, workshop):
        size = sizes.get(party.id, 0)
        if size == 0:
            out.append(BlockingParty(members=0, reason="empty"))
        elif size < k:
            out.append(BlockingParty(members=size, reason="small"))
    return out


def for_item(
    db: Session,
    *,
    viewer: Viewer,
    workshop: Workshop,
    item: AgendaItem,
    proposals: list[ProposalView],
) -> ResultsView | None:
    """The published support of the shown proposals (already filtered by the policy); None
    if the viewer may not see results."""
    if not policy.may_see_results(viewer, workshop, item):
        return None
    k = policy.effective_k(workshop)
    parties = party_rows(db, viewer, workshop)
    party_ids = policy.counted_parties([p.id for p in parties], policy.roster_sizes(db, workshop))
    names = {p.id: p.name for p in parties}
    snapshot = snapshots.latest(db, viewer=viewer, item=item)
    cells = snapshot.cells if snapshot else {}
    counted = set(snapshots.counted_proposals(db, workshop=workshop, item=item)) & set(cells)
    shown = [p for p in proposals if p.id in counted]
    supports: dict[str, consensus.Support] = {}
    views: dict[str, SupportView] = {}
    for proposal in shown:
        cell = cells[proposal.id]
        support = consensus.support(cell.totals, cell.parties, party_ids, k)
        supports[proposal.id] = support
        views[proposal.id] = SupportView(
            proposal_id=proposal.id,
            text=proposal.text,
            reacted=support.reacted,
            band=support.band,
            k_holds=support.k_holds,
            parties=[
                PartyShareView(party=names[s.party_id], reacted=s.reacted, band=s.band)
                for s in support.parties
            ],
        )
    staff = viewer.may("room.facilitate", workshop.id)
    return ResultsView(
        k=k,
        shown=item.results_shown,
        published=snapshot is not None,
        published_on=snapshot.published_on if snapshot else None,  # type: ignore[arg-type]
        withheld=snapshot.withheld if snapshot and staff else 0,
        supports=[views[p.id] for p in shown],
        unites=[views[pid] for pid in consensus.unites(supports)],
        divides=[views[pid] for pid in consensus.divides(supports)],
        blocking=blocking(db, viewer=viewer, workshop=workshop) if staff else [],
    )
