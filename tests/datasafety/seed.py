"""A workshop that has run its course, built through the services: claimed invitations,
sessions, accepted rules, a speaking queue, proposals, reactions, notes and sign-offs.
It remembers every secret that archiving must destroy, for the shredding tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import select

from app.agenda.models import AgendaItem, Meeting
from app.config import Settings
from app.db import Database
from app.evaluation import service as evaluation
from app.notes import service as notes
from app.policy import Viewer
from app.room import proposals, queue, reactions, runtime
from app.roster import service as roster
from app.roster.models import Participant, RulesAcceptance
from app.security import keys, sessions
from app.security.tokens import token_hash
from app.summary import service as summary
from app.translations import texts
from app.workshops import service as workshops
from app.workshops.models import Workshop, WorkshopKey
from tests.factories import World, make_world
from tests.ntext.helpers import critique, mark, publish_text, sign_off, start

NAMES = ["Zarathustra Quillfeather", "Ottoline Brackenbury", "Ignatius Vellacourt", "Nadira Qasemi"]
AFFILIATIONS = [
    "Institute Of Xylophonic Studies",
    "Ministry Of Quiet Waters",
    "",
    "Umbrella Council",
]


@dataclass
class Seeded:
    world: World
    names: list[str]
    affiliations: list[str]
    invitation_hashes: list[str] = field(default_factory=list)
    recovery_hashes: list[str] = field(default_factory=list)
    recovery_codes: list[str] = field(default_factory=list)
    secrets: list[bytes] = field(default_factory=list)
    participant_ids: list[str] = field(default_factory=list)
    note_texts: list[str] = field(default_factory=list)
    translation_texts: list[str] = field(default_factory=list)
    proposal_ids: list[str] = field(default_factory=list)
    pairing_tags: list[str] = field(default_factory=list)
    paragraph_ids: list[str] = field(default_factory=list)
    text_paragraphs: list[str] = field(default_factory=list)
    data_key: bytes = b""
    wrapped_key: bytes = b""

    @property
    def workshop_id(self) -> str:
        return self.world.workshop.id


def _viewer(participant: Participant, secret: bytes) -> Viewer:
    return Viewer(
        kind="participant",
        participant_id=participant.id,
        workshop_id=participant.workshop_id,
        party_id=participant.party_id,
        display_name=participant.display_name,
        secret=secret,
    )


def seed(settings: Settings, database: Database, *, tag: str = "") -> Seeded:
    names = [f"{n}{tag}" for n in NAMES]
    world = make_world(
        settings,
        database,
        title="Dialogue on the Sarel basin",
        status="live",
        participants_per_party=2,
        names=names,
        affiliations=AFFILIATIONS,
    )
    out = Seeded(world=world, names=names, affiliations=[a for a in AFFILIATIONS if a])
    wid = world.workshop.id
    fac = world.viewer("facilitator")
    viewers: list[Viewer] = []
    with database.transaction() as db:
        # participants 0-2 claim their invitation; participant 3's stays unused
        for index, invitation in enumerate(world.invitations):
            if index == 3:
                out.invitation_hashes.append(token_hash(invitation.token))
                continue
            claimed = roster.claim(db, settings, token=invitation.token, client=f"seed{index}")
            participant = claimed.participant
            out.recovery_codes.append(claimed.recovery_code)
            out.recovery_hashes.append(keys.recovery_lookup_hash(claimed.recovery_code))
            out.secrets.append(claimed.secret)
            out.participant_ids.append(participant.id)
            workshop = db.get(Workshop, wid)
            assert workshop is not None
            db.add(RulesAcceptance(participant_id=participant.id, version=workshop.rules_version))
            sessions.create(db, settings, kind="participant", participant_id=participant.id)
            viewers.append(_viewer(participant, claimed.secret))
        meeting = Meeting(workshop_id=wid, title="Day one", position=0)
        db.add(meeting)
        db.flush()
        plenary = AgendaItem(
            workshop_id=wid, meeting_id=meeting.id, title="Opening", kind="plenary", position=0
        )
        round_ = AgendaItem(
            workshop_id=wid,
            meeting_id=meeting.id,
            title="Options",
            kind="contribution",
            phase="brainstorming",
            position=1,
        )
        text_item = AgendaItem(
            workshop_id=wid, meeting_id=meeting.id, title="Text", kind="text", position=2
        )
        db.add_all([plenary, round_, text_item])
        db.flush()
        plenary_id, round_id, text_id = plenary.id, round_.id, text_item.id
        row = db.get(WorkshopKey, wid)
        assert row is not None
        out.wrapped_key = bytes(row.wrapped)
        out.data_key = keys.unwrap(settings, wid, row.wrapped)

    def tx():  # type: ignore[no-untyped-def]
        return database.transaction()

    with tx() as db:
        workshop = workshops.get(db, wid, viewer=fac)
        runtime.start(db, viewer=fac, workshop=workshop, item_id=round_id)
        runtime.set_intake(db, viewer=fac, workshop=workshop, item_id=round_id, open_=True)
    for n, viewer in enumerate(viewers):
        with tx() as db:
            proposal = proposals.submit(
                db,
                settings,
                viewer=viewer,
                workshop=workshops.get(db, wid, viewer=viewer),
                text=f"Option {n}: a joint commission on the river",
                idempotency_key=proposals.new_idempotency_key(),
            )
            out.proposal_ids.append(proposal.id)
    with tx() as db:
        runtime.reveal(
            db,
            viewer=fac,
            workshop=workshops.get(db, wid, viewer=fac),
            item_id=round_id,
            override_reason="Seed: a small room",
        )
    translation = f"Traduction : une commission mixte sur le fleuve{tag}"
    out.translation_texts.append(translation)
    with tx() as db:
        translator = world.viewer("translator")
        texts.save(
            db,
            viewer=translator,
            workshop=workshops.get(db, wid, viewer=translator, action="translate"),
            kind="proposal",
            object_id=out.proposal_ids[0],
            lang="en",
            text=translation,
        )
    for viewer in viewers:
        for proposal_id in out.proposal_ids:
            with tx() as db:
                reactions.react(
                    db,
                    settings,
                    viewer=viewer,
                    workshop=workshops.get(db, wid, viewer=viewer),
                    proposal_id=proposal_id,
                    value="agree",
                )
    for n, viewer in enumerate(viewers):
        text = f"Private worry number {n}: my brother-in-law works for the ministry{tag}"
        out.note_texts.append(text)
        with tx() as db:
            notes.create(
                db,
                settings,
                viewer=viewer,
                workshop=workshops.get(db, wid, viewer=viewer),
                body=text,
            )
    team_note = f"Rapporteur's synthesis: both sides fear the upstream dam{tag}"
    out.note_texts.append(team_note)
    with tx() as db:
        rapporteur = world.viewer("rapporteur")
        notes.create(
            db,
            settings,
            viewer=rapporteur,
            workshop=workshops.get(db, wid, viewer=rapporteur),
            body=team_note,
            visibility="team",
        )
    organizer = world.viewer("organizer")
    with tx() as db:  # a survey answered before and after (app/evaluation)
        workshop = workshops.get(db, wid, viewer=organizer)
        statement = evaluation.add_item(
            db, viewer=organizer, workshop=workshop, prompt="A negotiated solution is possible."
        )
        for moment in ("pre", "post"):
            evaluation.set_moment(
                db, viewer=organizer, workshop=workshop, moment=moment, state="open"
            )
        survey_id = statement.survey_id
    for moment, shift in (("pre", 1), ("post", 2)):
        for n, viewer in enumerate(viewers):
            with tx() as db:
                evaluation.answer(
                    db,
                    settings,
                    viewer=viewer,
                    workshop=workshops.get(db, wid, viewer=viewer),
                    moment=moment,
                    given={statement.id: 1 + (n + shift) % 5},
                )
    out.pairing_tags = [keys.pairing_tag(out.data_key, s, survey_id) for s in out.secrets]
    with tx() as db:
        workshop = workshops.get(db, wid, viewer=fac)
        runtime.finish(db, viewer=fac, workshop=workshop, item_id=round_id)
    out.text_paragraphs = [f"The basin is shared{tag}", f"A commission of both banks{tag}"]
    start(world, text_id)
    out.paragraph_ids = publish_text(world, text_id, "\n\n".join(out.text_paragraphs))
    for viewer in viewers:
        for pid in out.paragraph_ids:
            mark(world, viewer, pid, "agree")
        critique(world, viewer, out.paragraph_ids[0], f"Which banks{tag}?")
        assert sign_off(world, viewer, text_id)
    with tx() as db:
        workshop = workshops.get(db, wid, viewer=fac)
        runtime.reveal(
            db, viewer=fac, workshop=workshop, item_id=text_id, override_reason="Seed: small"
        )
        runtime.finish(db, viewer=fac, workshop=workshop, item_id=text_id)
        runtime.start(db, viewer=fac, workshop=workshop, item_id=plenary_id)
    for viewer in viewers[:2]:  # the queue is still waiting when the workshop closes
        with tx() as db:
            queue.ask(db, viewer=viewer, workshop=workshops.get(db, wid, viewer=viewer))
    with tx() as db:
        workshop = workshops.get(db, wid, viewer=organizer)
        workshops.transition(db, viewer=organizer, workshop=workshop, to="closed")
    with tx() as db:
        workshop = workshops.get(db, wid, viewer=organizer)
        summary.open_review(
            db, settings, workshop, viewer=organizer, rule="every_party", min_signoffs=1
        )
    for viewer in viewers:
        with tx() as db:
            assert summary.sign_off(db, settings, wid, viewer=viewer)
    with database.session() as db:
        assert len(list(db.exec(select(Participant).where(Participant.workshop_id == wid)))) == 4
    return out
