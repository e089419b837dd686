"""The permission matrix: role x confidentiality level x kind of object x action, against ONE
table of expected outcomes, exercised through each feature's service layer.

One world is seeded per module (objects on an item at each level); every case runs in its
own transaction, rolled back, so edits and deletes do not disturb the next case.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, col, select

from app.config import Settings
from app.db import Database
from app.errors import DomainError
from app.notes import service as notes
from app.notes.models import Note
from app.policy import ANONYMOUS, Viewer
from app.room.models import Proposal, Reaction
from app.roster.models import Participant
from app.workshops.models import Workshop
from tests.conftest import empty_postgres
from tests.factories import make_world
from tests.policy.seed import LEVELS, add_items, join

pytestmark = pytest.mark.slow  # 1,300 cases: about a minute

ROLES = (
    "organizer",
    "facilitator",
    "rapporteur",
    "observer",
    "author",  # participant of workshop A who wrote the participant's objects
    "participant",  # another participant of workshop A
    "outsider",  # participant of workshop B
    "anonymous",
)
KINDS = (
    "proposal_pending",
    "proposal_revealed",
    "proposal_hidden",
    "reaction",
    "note_private",
    "note_team",
    "note_room",
    "note_summary",
    "note_participant",
    "roster_entry",
    "audit_entry",
)
ACTIONS = ("list", "read", "edit", "delete", "export")

# --- THE TABLE ----------------------------------------------------------------------------
# Who may do each action to each kind of object. Inside the workshop the confidentiality level
# changes nothing (content, never attribution); it matters for export, below.
O, F, R, B, A, P = (  # noqa: E741
    "organizer",
    "facilitator",
    "rapporteur",
    "observer",
    "author",
    "participant",
)
ROOM = {O, F, R, B, A, P}
TEAM = {O, F, R}
NOBODY: set[str] = set()

EXPECTED: dict[tuple[str, str], set[str]] = {
    ("proposal_pending", "list"): {O, F, A},
    ("proposal_pending", "read"): {O, F, A},
    ("proposal_pending", "edit"): {O, F, A},
    ("proposal_pending", "delete"): {A},
    ("proposal_revealed", "list"): ROOM,
    ("proposal_revealed", "read"): ROOM,
    ("proposal_revealed", "edit"): {O, F},
    ("proposal_revealed", "delete"): NOBODY,
    ("proposal_hidden", "list"): {O, F},
    ("proposal_hidden", "read"): {O, F},
    ("proposal_hidden", "edit"): {O, F},
    ("proposal_hidden", "delete"): NOBODY,
    ("reaction", "list"): {A},  # only the author is told which reaction is theirs
    ("reaction", "read"): {A},
    ("reaction", "edit"): {A},
    ("reaction", "delete"): NOBODY,  # a reaction is changed, never removed
    ("note_private", "list"): {R},
    ("note_private", "read"): {R},
    ("note_team", "list"): TEAM,
    ("note_team", "read"): TEAM,
    ("note_room", "list"): ROOM,
    ("note_room", "read"): ROOM,
    ("note_summary", "list"): ROOM,
    ("note_summary", "read"): ROOM,
    ("note_participant", "list"): {A},
    ("note_participant", "read"): {A},
    ("note_participant", "edit"): {A},
    ("note_participant", "delete"): {A},
    ("roster_entry", "list"): {O},
    ("roster_entry", "read"): {O},
    ("roster_entry", "edit"): {O},  # re-admission
    ("roster_entry", "delete"): {O},  # revocation
    ("audit_entry", "list"): {O},
    ("audit_entry", "read"): {O},
    ("audit_entry", "edit"): NOBODY,  # append-only
    ("audit_entry", "delete"): NOBODY,
}
for _vis in ("private", "team", "room", "summary"):  # staff notes: only their author changes them
    EXPECTED[(f"note_{_vis}", "edit")] = {R}
    EXPECTED[(f"note_{_vis}", "delete")] = {R}


# "export": the summary as this viewer gets it: the organizer's export, the rapporteur's
# draft, the participants' review copy. Each holds revealed, visible proposals and notes
# cleared for the summary, never from an off-the-record item; nothing else, ever.
SUMMARY_READERS = {O, R, A, P}


def expected(role: str, level: str, kind: str, action: str) -> bool:
    if action == "export":
        exportable = kind in {"proposal_revealed", "note_summary"} and level != "off_record"
        return exportable and role in SUMMARY_READERS
    return role in EXPECTED[(kind, action)]


# --- the world ----------------------------------------------------------------------------


@dataclass
class MatrixWorld:
    settings: Settings
    database: Database
    workshop_id: str
    viewers: dict[str, Viewer]
    objects: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, level) -> id
    texts: dict[tuple[str, str], str] = field(default_factory=dict)
    summaries: dict[str, str] = field(default_factory=dict)  # role -> its summaries, dumped


@pytest.fixture(scope="module")
def matrix(template_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[MatrixWorld]:
    pg = os.environ.get("TRACKTWO_TEST_DATABASE_URL", "")
    if pg:
        url = pg
        empty_postgres(pg)
    else:
        path = Path(tmp_path_factory.mktemp("matrix")) / "matrix.db"
        shutil.copyfile(template_db, path)
        url = f"sqlite:///{path}"
    settings = Settings(env="test", database_url=url, htmx_source="local", login_limit=5)
    database = Database(settings)
    try:
        yield _seed(settings, database)
    finally:
        database.dispose()


def _seed(settings: Settings, database: Database) -> MatrixWorld:
    from app.security import keys
    from app.workshops import service as workshops

    names = ["Alma Quist", "Boris Fenwick", "Cleo Wardell", "Dmitri Olenko"]
    world = make_world(settings, database, status="live", names=names)
    other = make_world(settings, database, status="live", title="Workshop B", names=["Ed Vale"])
    with database.transaction() as db:
        author = join(db, settings, world, 0)
        participant = join(db, settings, world, 1)
        outsider = join(db, settings, other, 0)
    viewers = {role: world.viewer(role) for role in (O, F, R, B)}
    viewers |= {
        A: author.viewer,
        P: participant.viewer,
        "outsider": outsider.viewer,
        "anonymous": ANONYMOUS,
    }
    mw = MatrixWorld(settings, database, world.workshop.id, viewers)
    with database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        assert workshop is not None
        items = add_items(db, workshop)
        key = workshops.data_key(db, settings, workshop)
        secret = author.viewer.secret
        assert secret is not None
        number = 0
        for level, item in items.items():
            item.state = "live"
            item.reveals = 1
            db.add(item)
            for kind, status, hidden in (
                ("proposal_pending", "pending", False),
                ("proposal_revealed", "revealed", False),
                ("proposal_hidden", "revealed", True),
            ):
                body = f"MATRIX {kind} {level}"
                proposal = Proposal(
                    workshop_id=workshop.id,
                    item_id=item.id,
                    text=body,
                    status=status,
                    batch=1 if status == "revealed" else 0,
                    hidden=hidden,
                    # as if it had joined the staff's list with a full group: a pending
                    # proposal waiting outside it is no one's but its author's to list
                    # (tests/room/test_inference.py)
                    listed=True,
                )
                number += 1  # the author's n-th proposal in the workshop (keys.proposal_tag)
                proposal.author_tag = keys.proposal_tag(key, secret, workshop.id, number)
                db.add(proposal)
                db.flush()
                mw.objects[(kind, level)] = proposal.id
                mw.texts[(kind, level)] = body
            revealed = mw.objects[("proposal_revealed", level)]
            reaction = Reaction(
                workshop_id=workshop.id,
                proposal_id=revealed,
                author_tag=keys.author_tag(key, secret, "reaction", revealed),
                value="agree",
            )
            db.add(reaction)
            db.flush()
            mw.objects[("reaction", level)] = reaction.id
            mw.texts[("reaction", level)] = reaction.author_tag or ""
            rapporteur = viewers[R]
            for visibility in ("private", "team", "room", "summary"):
                body = f"MATRIX note {visibility} {level}"
                if visibility == "summary" and level == "off_record":
                    # the service refuses this (tests/notes); put it there anyway, to prove
                    # that the export still leaves it out
                    note = Note(
                        workshop_id=workshop.id,
                        item_id=item.id,
                        author_user_id=rapporteur.user_id,
                        author_role=R,
                        visibility="summary",
                        body=body,
                    )
                    db.add(note)
                    db.flush()
                else:
                    note = notes.create(
                        db,
                        settings,
                        viewer=rapporteur,
                        workshop=workshop,
                        body=body,
                        item_id=item.id,
                        visibility=visibility,
                    )
                mw.objects[(f"note_{visibility}", level)] = note.id
                mw.texts[(f"note_{visibility}", level)] = body
            body = f"MATRIX own note {level}"
            note = notes.create(
                db, settings, viewer=author.viewer, workshop=workshop, body=body, item_id=item.id
            )
            mw.objects[("note_participant", level)] = note.id
            mw.texts[("note_participant", level)] = body
            mw.objects[("roster_entry", level)] = author.participant_id
            mw.texts[("roster_entry", level)] = str(world.invitations[0].participant.display_name)
        db.flush()
        from app.audit.models import AuditEntry
        from app.summary import service as summary

        summary.open_review(
            db,
            settings,
            workshop,
            viewer=viewers[O],
            rule=next(iter(summary.RULES)),
            min_signoffs=1,
        )
        entry = db.exec(
            select(AuditEntry).where(col(AuditEntry.workshop_id) == workshop.id)
        ).first()
        assert entry is not None
        for level in LEVELS:
            mw.objects[("audit_entry", level)] = entry.id
            mw.texts[("audit_entry", level)] = entry.actor_label
    return mw


# --- the actions, through each feature's services ----------------------------------------------

Attempt = Callable[[Session, MatrixWorld, Viewer, Workshop, str, str], bool]


def _refused(fn: Callable[[], Any]) -> bool:
    """True when the service refuses (NotFound and the like); False when it lets it through."""
    try:
        fn()
    except DomainError:
        return True
    return False


def _item_of(db: Session, object_id: str) -> Any:
    from app.agenda.models import AgendaItem

    proposal = db.get(Proposal, object_id)
    assert proposal is not None
    return db.get(AgendaItem, proposal.item_id)


def proposal_ids(
    db: Session, mw: MatrixWorld, viewer: Viewer, workshop: Workshop, oid: str
) -> set[str]:
    from app.room import proposals

    seen = proposals.for_item(
        db, mw.settings, viewer=viewer, workshop=workshop, item=_item_of(db, oid)
    )
    return {p.id for p in [*seen.pending, *seen.revealed]}


def list_proposal(db, mw, viewer, workshop, oid, level):  # type: ignore[no-untyped-def]
    try:
        return oid in proposal_ids(db, mw, viewer, workshop, oid)
    except DomainError:
        return False


def read_proposal(db, mw, viewer, workshop, oid, level):  # type: ignore[no-untyped-def]
    from app.room import common

    return not _refused(
        lambda: common.proposal(
            db, viewer=viewer, workshop=workshop, proposal_id=oid, settings=mw.settings
        )
    )


def edit_proposal(db, mw, viewer, workshop, oid, level):  # type: ignore[no-untyped-def]
    from app.room import moderation, proposals

    new = f"edited by {viewer.kind}"

    def own() -> None:
        proposals.edit(db, mw.settings, viewer=viewer, workshop=workshop, proposal_id=oid, text=new)

    def moderate() -> None:
        moderation.edit(db, viewer=viewer, workshop=workshop, proposal_id=oid, text=new)

    ok = not _refused(own) or not _refused(moderate)
    db.flush()
    row = db.get(Proposal, oid)
    return ok and row is not None and row.text == new


def delete_proposal(db, mw, viewer, workshop, oid, level):  # type: ignore[no-untyped-def]
    from app.room import proposals

    ok = not _refused(
        lambda: proposals.withdraw(
            db, mw.settings, viewer=viewer, workshop=workshop, proposal_id=oid
        )
    )
    row = db.get(Proposal, oid)
    return ok and row is not None and row.status == "withdrawn"


def _my_reaction(db, mw, viewer, workshop, oid):  # type: ignore[no-untyped-def]
    from app.room import proposals

    reaction = db.get(Reaction, oid)
    assert reaction is not None
    seen = proposals.for_item(
        db, mw.settings, viewer=viewer, workshop=workshop, item=_item_of(db, reaction.proposal_id)
    )
    return {p.id: p.my_reaction for p in seen.revealed}.get(reaction.proposal_id)


def list_reaction(db, mw, viewer, workshop, oid, level):  # type: ignore[no-untyped-def]
    try:
        return _my_reaction(db, mw, viewer, workshop, oid) == "agree"
    except DomainError:
        return False


def edit_reaction(db, mw, viewer, workshop, oid, level):  # type: ignore[no-untyped-def]
    from app.room import reactions

    reaction = db.get(Reaction, oid)
    assert reaction is not None
    proposal_id = reaction.proposal_id
    _refused(
        lambda: reactions.react(
            db,
            mw.settings,
            viewer=viewer,
            workshop=workshop,
            proposal_id=proposal_id,
            value="disagree",
        )
    )
    db.flush()
    db.refresh(reaction)
    return reaction.value == "disagree"


def delete_reaction(db, mw, viewer, workshop, oid, level):  # type: ignore[no-untyped-def]
    from app.room import reactions

    names = [
        n for n in ("unreact", "withdraw", "delete", "clear", "remove") if hasattr(reactions, n)
    ]
    assert not names, f"a reaction can now be removed ({names}): add it to the matrix"
    return False


def list_note(db, mw, viewer, workshop, oid, level):  # type: ignore[no-untyped-def]
    try:
        return oid in {n.id for n in notes.list_for(db, mw.settings, workshop, viewer=viewer)}
    except DomainError:
        return False


def read_note(db, mw, viewer, workshop, oid, level):  # type: ignore[no-untyped-def]
    return not _refused(lambda: notes.get(db, mw.settings, workshop, oid, viewer=viewer))


def edit_note(db, mw, viewer, workshop, oid, level):  # type: ignore[no-untyped-def]
    ok = not _refused(
        lambda: notes.edit(
            db, mw.settings, viewer=viewer, workshop=workshop, note_id=oid, body="changed"
        )
    )
    row = db.get(Note, oid)
    return ok and row is not None and row.body == "changed"


def delete_note(db, mw, viewer, workshop, oid, level):  # type: ignore[no-untyped-def]
    ok = not _refused(
        lambda: notes.delete(db, mw.settings, viewer=viewer, workshop=workshop, note_id=oid)
    )
    db.flush()
    return ok and db.get(Note, oid) is None


def list_roster(db, mw, viewer, workshop, oid, level):  # type: ignore[no-untyped-def]
    from app.roster import service as roster

    try:
        return oid in {p.id for p in roster.list_for(db, workshop, viewer=viewer)}
    except DomainError:
        return False


def read_roster(db, mw, viewer, workshop, oid, level):  # type: ignore[no-untyped-def]
    from app.roster import service as roster

    return not _refused(lambda: roster.get(db, workshop, oid, viewer=viewer))


def edit_roster(db, mw, viewer, workshop, oid, level):  # type: ignore[no-untyped-def]
    from app.roster import service as roster

    return not _refused(
        lambda: roster.readmit(db, viewer=viewer, workshop=workshop, participant_id=oid)
    )


def delete_roster(db, mw, viewer, workshop, oid, level):  # type: ignore[no-untyped-def]
    from app.roster import service as roster

    ok = not _refused(
        lambda: roster.revoke(db, viewer=viewer, workshop=workshop, participant_id=oid)
    )
    row = db.get(Participant, oid)
    return ok and row is not None and row.status == "revoked"


def list_audit(db, mw, viewer, workshop, oid, level):  # type: ignore[no-untyped-def]
    from app.audit import service as audit

    try:
        return oid in {e.id for e in audit.list_for(db, workshop.id, viewer=viewer)}
    except DomainError:
        return False


def change_audit(db, mw, viewer, workshop, oid, level):  # type: ignore[no-untyped-def]
    from app.audit import service as audit

    names = [n for n in ("edit", "update", "delete", "remove") if hasattr(audit, n)]
    assert not names, f"the audit log can now be changed ({names}): add it to the matrix"
    return False


def export(db, mw, viewer, workshop, oid, level, kind, role):  # type: ignore[no-untyped-def]
    """Whether the object reaches the summary this viewer can get (export, draft, review)."""
    if role not in mw.summaries:  # reading changes nothing: build once per role
        mw.summaries[role] = _summaries(db, mw, viewer, workshop)
    text = mw.summaries[role]
    return mw.texts[(kind, level)] in text or oid in text


def _summaries(db, mw, viewer, workshop):  # type: ignore[no-untyped-def]
    from app.summary import service as summary

    getters = (
        lambda: summary.export_model(db, mw.settings, workshop, viewer=viewer),
        lambda: summary.draft(db, mw.settings, workshop, viewer=viewer),
        lambda: summary.participant_view(db, mw.settings, workshop.id, viewer=viewer).summary,
    )
    dumped = []
    for get in getters:
        try:
            model = get()
        except summary.ExportBlocked:
            hits = summary.check(db, mw.settings, workshop, viewer=viewer)
            raise AssertionError(f"the matrix world must export without hits: {hits}") from None
        except DomainError:
            continue
        if model is not None:
            dumped.append(repr(asdict(model)))
    return "\n".join(dumped)


ATTEMPTS: dict[tuple[str, str], Attempt] = {}
for _kind in ("proposal_pending", "proposal_revealed", "proposal_hidden"):
    ATTEMPTS |= {
        (_kind, "list"): list_proposal,
        (_kind, "read"): read_proposal,
        (_kind, "edit"): edit_proposal,
        (_kind, "delete"): delete_proposal,
    }
ATTEMPTS |= {
    ("reaction", "list"): list_reaction,
    ("reaction", "read"): list_reaction,
    ("reaction", "edit"): edit_reaction,
    ("reaction", "delete"): delete_reaction,
    ("roster_entry", "list"): list_roster,
    ("roster_entry", "read"): read_roster,
    ("roster_entry", "edit"): edit_roster,
    ("roster_entry", "delete"): delete_roster,
    ("audit_entry", "list"): list_audit,
    ("audit_entry", "read"): list_audit,
    ("audit_entry", "edit"): change_audit,
    ("audit_entry", "delete"): change_audit,
}
for _kind in ("note_private", "note_team", "note_room", "note_summary", "note_participant"):
    ATTEMPTS |= {
        (_kind, "list"): list_note,
        (_kind, "read"): read_note,
        (_kind, "edit"): edit_note,
        (_kind, "delete"): delete_note,
    }


def test_the_table_covers_every_cell() -> None:
    for kind in KINDS:
        for action in ACTIONS:
            if action != "export":
                assert (kind, action) in EXPECTED and (kind, action) in ATTEMPTS, (kind, action)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("role", ROLES)
def test_matrix(
    matrix: MatrixWorld,
    role: str,
    level: str,
    kind: str,
    action: str,
) -> None:
    viewer = matrix.viewers[role]
    oid = matrix.objects[(kind, level)]
    session = matrix.database.session()  # rolled back: nothing is ever written
    try:
        workshop = session.get(Workshop, matrix.workshop_id)
        assert workshop is not None
        if action == "export":
            outcome = export(session, matrix, viewer, workshop, oid, level, kind, role)
        else:
            outcome = ATTEMPTS[(kind, action)](session, matrix, viewer, workshop, oid, level)
    finally:
        session.rollback()
        session.close()
    want = expected(role, level, kind, action)
    assert outcome == want, (
        f"{role} {'CAN' if outcome else 'cannot'} {action} a {kind} on a {level} item; "
        f"the table says {'allow' if want else 'deny'}"
    )
