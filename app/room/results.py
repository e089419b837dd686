"""Results of a contribution round: totals, party agreement where k holds, what unites and
what divides. Party numbers appear only in aggregate rows, never as a label on the text."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func
from sqlmodel import Session, col, select

from app import policy
from app.agenda.models import AgendaItem
from app.policy import Viewer
from app.room import consensus
from app.room.consensus import Counts
from app.room.models import Proposal, Reaction, ReactionTally
from app.room.present import PartyShareView, ProposalView, ResultsView, SupportView
from app.workshops.models import Party, Workshop

K_FLOOR = 3


def may_see(viewer: Viewer, workshop: Workshop, item: AgendaItem) -> bool:
    return viewer.may("room.facilitate", workshop.id) or (
        item.results_shown and viewer.may("room.read", workshop.id)
    )


def effective_k(workshop: Workshop) -> int:
    return max(K_FLOOR, workshop.k_min)


def _merge_map(db: Session, viewer: Viewer, item: AgendaItem) -> dict[str, str]:
    """Each proposal id of the item -> the id whose support it counts toward."""
    statement = policy.visible(select(Proposal), viewer, Proposal).where(
        col(Proposal.item_id) == item.id
    )
    # A merged duplicate stays revealed (only folded when shown), so the door lets it through.
    return {row.id: row.merged_into_id or row.id for row in db.exec(statement)}


def for_item(
    db: Session,
    *,
    viewer: Viewer,
    workshop: Workshop,
    item: AgendaItem,
    proposals: list[ProposalView],
) -> ResultsView | None:
    """Support for the shown proposals (already filtered by the policy); None if hidden."""
    if item.kind != "contribution" or not may_see(viewer, workshop, item):
        return None
    shown = [p for p in proposals if p.status == "revealed" and not p.hidden]
    links = _merge_map(db, viewer, item)
    parties = list(
        db.exec(
            policy.visible(select(Party), viewer, Party)
            .where(col(Party.workshop_id) == workshop.id)
            .order_by(col(Party.position), col(Party.name))
        )
    )
    ids = list(links)
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_party: dict[str, dict[str, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    if ids:
        counted = (
            policy.visible(select(Reaction), viewer, Reaction)
            .where(col(Reaction.proposal_id).in_(ids))
            .with_only_columns(col(Reaction.proposal_id), col(Reaction.value), func.count())
            .group_by(col(Reaction.proposal_id), col(Reaction.value))
        )
        for pid, value, count in db.execute(counted):
            totals[links.get(pid, pid)][value] += count
        tallies = policy.visible(select(ReactionTally), viewer, ReactionTally).where(
            col(ReactionTally.proposal_id).in_(ids)
        )
        for row in db.exec(tallies):
            by_party[links.get(row.proposal_id, row.proposal_id)][row.party_id][row.value] += (
                row.count
            )
    k = effective_k(workshop)
    party_ids = [p.id for p in parties]
    names = {p.id: p.name for p in parties}
    supports: dict[str, consensus.Support] = {}
    views: dict[str, SupportView] = {}
    for proposal in shown:
        party_counts = {pid: Counts.of(v) for pid, v in by_party[proposal.id].items()}
        support = consensus.support(Counts.of(totals[proposal.id]), party_counts, party_ids, k)
        supports[proposal.id] = support
        views[proposal.id] = SupportView(
            proposal_id=proposal.id,
            text=proposal.text,
            agree=support.totals.agree,
            disagree=support.totals.disagree,
            passed=support.totals.passed,
            total=support.totals.reacted,
            k_holds=support.k_holds,
            parties=[
                PartyShareView(
                    party=names[s.party_id],
                    reacted=s.reacted,
                    agree=s.agree,
                    agreement_percent=round(100 * s.agreement),
                )
                for s in support.parties
            ],
            consensus=round(support.consensus, 3) if support.consensus is not None else None,
            gap_percent=round(100 * support.gap) if support.gap is not None else None,
        )
    return ResultsView(
        k=k,
        shown=item.results_shown,
        supports=[views[p.id] for p in shown],
        unites=[views[pid] for pid in consensus.unites(supports)],
        divides=[views[pid] for pid in consensus.divides(supports)],
    )
