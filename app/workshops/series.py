"""Workshops that run in rounds: an organizer opens the next round of a workshop.

The next round is a new workshop in the same series: the title, parties, staff and ground
rules (as a new version, to be accepted again) are copied; the released summary and the
questions still open are carried forward as read-only context (RoundContext, under the new
round's key): only what the released document may hold (the questions only once the summary
is released, none of an item off the record), since it outlives this round's archive; the
new round's own archive shreds it. The roster is carried forward only if asked, and then as
NEW participants with new invitations: no column of the new round points at the old round's
participants, the new round has its own key, and each participant's authorship secret is
drawn anew when the new invitation is claimed, so no tag of one round can be matched with one
of another, even by someone holding the database and both keys. Each round is archived on its
own.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from app import policy
from app.audit import service as audit
from app.config import Settings
from app.forms import clean_text
from app.ids import new_id
from app.ntext import questions
from app.policy import Viewer
from app.roster import service as roster
from app.rules.models import GroundRule
from app.summary import released
from app.views import STATUS_LABELS
from app.workshops import service as workshops
from app.workshops.models import Membership, Party, RoundContext, Workshop

COPIED = ("purpose", "track", "timezone", "languages", "k_min", "default_level")


@dataclass(frozen=True)
class NextRound:
    workshop: Workshop
    invitations: list[roster.Invitation]  # shown once, as when a participant is added


def next_round(
    db: Session,
    settings: Settings,
    *,
    viewer: Viewer,
    workshop: Workshop,
    title: object,
    carry_roster: bool,
) -> NextRound:
    """Open the next round of `workshop` (the organizer of it becomes the new one's too)."""
    policy.ensure(viewer, "workshop.manage", workshop)
    name = clean_text(title, field="title", label="Title", max_length=200)
    if workshop.series_id is None:
        workshop.series_id = new_id()
        db.add(workshop)
    fields = {field: getattr(workshop, field) for field in COPIED}
    new = workshops.create(db, settings, viewer=viewer, title=name, **fields)
    new.series_id = workshop.series_id
    new.round_number = workshop.round_number + 1
    db.add(new)
    organizer = _organizer_of(viewer, new)
    _copy_staff(db, workshop, new, viewer)
    parties = _copy_parties(db, viewer, workshop, new)
    _copy_rules(db, viewer, organizer, workshop, new)
    db.add(
        RoundContext(
            workshop_id=new.id,
            previous_title=workshop.title,
            summary=_released_markdown(db, viewer, workshop),
            open_questions="\n".join(
                questions.open_questions(
                    db,
                    viewer=viewer,
                    workshop=workshop,
                    released=bool(released.kept(db, workshop, viewer=viewer)),
                )
            ),
        )
    )
    db.flush()
    invitations = []
    if carry_roster:
        for person in roster.list_for(db, workshop, viewer=viewer):
            if person.status == "revoked" or person.party_id not in parties:
                continue
            invitations.append(
                roster.add(
                    db,
                    viewer=organizer,
                    workshop=new,
                    display_name=person.display_name or "",
                    party_id=parties[person.party_id],
                    affiliation=person.affiliation or "",
                )
            )
    audit.record(
        db,
        viewer=viewer,
        workshop_id=workshop.id,
        action="workshop.next_round",
        target=new,
        detail=f"round {new.round_number}",
    )
    return NextRound(new, invitations)


def _organizer_of(viewer: Viewer, new: Workshop) -> Viewer:
    """The viewer as the new round's organizer (the membership was just written)."""
    return Viewer(
        kind=viewer.kind,
        user_id=viewer.user_id,
        email=viewer.email,
        display_name=viewer.display_name,
        roles={**viewer.roles, new.id: "organizer"},
    )


def _copy_staff(db: Session, old: Workshop, new: Workshop, viewer: Viewer) -> None:
    rows = db.exec(
        policy.visible(select(Membership), viewer, Membership).where(
            col(Membership.workshop_id) == old.id
        )
    )
    for row in rows:
        if row.user_id != viewer.user_id:  # the creator is the new round's organizer already
            db.add(Membership(workshop_id=new.id, user_id=row.user_id, role=row.role))


def _copy_parties(db: Session, viewer: Viewer, old: Workshop, new: Workshop) -> dict[str, str]:
    """The old parties' ids mapped to the new round's."""
    out = {}
    rows = db.exec(
        policy.visible(select(Party), viewer, Party).where(col(Party.workshop_id) == old.id)
    )
    for row in rows:
        party = Party(
            workshop_id=new.id, name=row.name, description=row.description, position=row.position
        )
        db.add(party)
        db.flush()
        out[row.id] = party.id
    return out


def _copy_rules(
    db: Session, viewer: Viewer, organizer: Viewer, old: Workshop, new: Workshop
) -> None:
    """The previous round's rules replace the starter set, as the new round's next version."""
    starter = policy.visible(select(GroundRule), organizer, GroundRule).where(
        col(GroundRule.workshop_id) == new.id
    )
    for row in db.exec(starter):
        db.delete(row)
    rows = db.exec(
        policy.visible(select(GroundRule), viewer, GroundRule).where(
            col(GroundRule.workshop_id) == old.id
        )
    )
    for row in rows:
        db.add(
            GroundRule(workshop_id=new.id, title=row.title, body=row.body, position=row.position)
        )
    new.rules_version += 1
    db.add(new)


def _released_markdown(db: Session, viewer: Viewer, workshop: Workshop) -> str:
    """The released summary of the round (the non-attributed document), if any."""
    found = released.read(db, workshop, viewer=viewer, fmt="md")
    return found.body.decode("utf-8") if found is not None else ""


@dataclass(frozen=True)
class RoundView:
    id: str
    title: str
    round_number: int
    status: str
    status_label: str
    released: bool
    open_questions: list[str]
    previous_title: str
    summary: str


def rounds(
    db: Session, settings: Settings, *, viewer: Viewer, workshop: Workshop
) -> list[RoundView]:
    """The rounds of the workshop's series that the viewer organizes, in order: what each
    released, and the questions each carried forward."""
    policy.ensure(viewer, "workshop.manage", workshop)
    if workshop.series_id is None:
        members = [workshop]
    else:
        members = list(
            db.exec(
                policy.visible(select(Workshop), viewer, Workshop).where(
                    col(Workshop.series_id) == workshop.series_id
                )
            )
        )
    out = []
    for row in sorted(members, key=lambda w: w.round_number):
        if not viewer.may("workshop.manage", row.id):
            continue
        context = db.exec(
            policy.visible(select(RoundContext), viewer, RoundContext).where(
                col(RoundContext.workshop_id) == row.id
            )
        ).first()
        if row.status == "archived" or context is None:
            carried, previous, summary = [], "", ""
        else:
            carried = [q for q in context.open_questions.split("\n") if q]
            previous, summary = context.previous_title, context.summary
        out.append(
            RoundView(
                id=row.id,
                title=row.title,
                round_number=row.round_number,
                status=row.status,
                status_label=STATUS_LABELS.get(row.status, row.status),
                released=bool(released.kept(db, row, viewer=viewer)),
                open_questions=carried,
                previous_title=previous,
                summary=summary,
            )
        )
    return out
