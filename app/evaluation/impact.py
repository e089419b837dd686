"""The impact report for funders: the workshop's counts, the published survey results and the
transfer log, built through the policy and cleared by the summary's attribution check
(app/summary/attribution.py) before any format is rendered.

Counts: sessions, parties with members, proposals made and revealed (counts only, from the
rows that stay after archive), proposals the released summary says were supported across
all sides, and the number of participants only where the organizer chose to show it in the
summary (`policy.participant_count`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, func, select

from app import policy
from app.agenda.models import Meeting
from app.errors import Conflict
from app.evaluation import service as surveys
from app.evaluation import transfer
from app.evaluation.present import ResultsView
from app.evaluation.transfer_present import TransferView, present
from app.policy import Viewer
from app.summary import attribution, checklist, released
from app.summary.present import ALL_SIDES
from app.workshops.models import Workshop


@dataclass(frozen=True)
class Counts:
    sessions: int
    parties: int
    proposals: int
    revealed: int
    consensus: int | None  # None: no summary released
    participants: int | None


@dataclass(frozen=True)
class ImpactReport:
    title: str
    start_date: date | None
    end_date: date | None
    counts: Counts
    results: ResultsView | None
    transfers: tuple[TransferView, ...]


def _count(db: Session, statement: object) -> int:
    return int(db.exec(statement).one())  # type: ignore[call-overload]


def _consensus(db: Session, workshop: Workshop, viewer: Viewer) -> int | None:
    kept = released.read(db, workshop, viewer=viewer, fmt="json")
    if kept is None:
        return None
    document = json.loads(kept.body)
    return sum(
        1
        for session in document.get("sessions", [])
        for item in session.get("items", [])
        for proposal in item.get("proposals", [])
        if proposal.get("support") == ALL_SIDES
    )


def counts(db: Session, workshop: Workshop, *, viewer: Viewer) -> Counts:
    wid = workshop.id
    sizes = policy.roster_sizes(db, workshop)
    made, revealed = policy.proposal_counts(db, workshop, viewer=viewer)
    return Counts(
        sessions=_count(
            db, select(func.count()).select_from(Meeting).where(col(Meeting.workshop_id) == wid)
        ),
        parties=len(policy.counted_parties(list(sizes), sizes)),
        proposals=made,
        revealed=revealed,
        consensus=_consensus(db, workshop, viewer),
        participants=policy.participant_count(db, workshop, viewer=policy.export_audience(wid)),
    )


def _texts(report: ImpactReport) -> list[str]:
    """Every free text of the report (party labels of breakdowns are aggregates' names)."""
    out = [report.title]
    for item in report.results.items if report.results else []:
        out.append(item.prompt)
    for entry in report.transfers:
        out += [entry.item_title, entry.destination, entry.outcome]
    return [t for t in out if t]


def build(db: Session, workshop: Workshop, *, viewer: Viewer) -> ImpactReport:
    """The report, for the organizer; ReportBlocked if the attribution check finds anything."""
    policy.ensure(viewer, "impact.export", workshop)
    results = surveys.published(db, viewer=viewer, workshop=workshop)
    names = {s.user_id: s.name for s in transfer.staff_of(db, workshop, viewer=viewer)}
    report = ImpactReport(
        title=workshop.title,
        start_date=workshop.start_date,
        end_date=workshop.end_date,
        counts=counts(db, workshop, viewer=viewer),
        results=policy.present(results, viewer) if results is not None else None,
        transfers=tuple(present(e, names) for e in transfer.entries(db, workshop, viewer=viewer)),
    )
    if attribution.any_hit(_texts(report), checklist.for_workshop(db, workshop)):
        raise Conflict(
            "The report's text matches the attribution check list (a roster name, an "
            "affiliation, a party or a listed term). Edit the survey statements or the "
            "transfer log first."
        )
    return report
