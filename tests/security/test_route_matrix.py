"""Every route of the application, as every kind of viewer, against ONE table of outcomes.

The list of routes is read from the application itself (app.routes), so a route that is not
in TABLE fails `test_every_route_is_in_the_table`, and each route's row is checked by
`test_route` for: no session, a participant of workshop A and of B, each staff role of A, an
organizer of B, and a revoked participant of A (who must fare exactly like no session).

Outcome kinds:  "ok"    2xx, or a redirect that is not to /login or to the rules gate
                "login" 401, or a redirect to /login
                "404"   404 (a refusal never confirms that something exists)
A state-changing route is tried by the refused roles first: each must be refused and the
database must be unchanged afterwards; then the allowed roles, each must pass.

To add a route: add one TABLE line, e.g.
    ("POST", "/w/{workshop_id}/thing"): may(TEAM, form=lambda s, role: {"name": "x"}),
and, for a new path parameter, one PARAMS entry that seeds the object through the services.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

import anyio
import pytest
from argon2 import PasswordHasher
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import select

import app.db as appdb
from app.accounts import invitations
from app.accounts import service as accounts
from app.accounts.invitations import Issued
from app.config import Settings
from app.db import Database
from app.main import create_app
from app.models import metadata
from app.policy import Viewer
from app.roster import service as roster
from app.roster.models import RulesAcceptance
from app.security import keys, passwords
from app.workshops import staff
from app.workshops.models import Workshop
from tests.conftest import empty_postgres
from tests.factories import PASSWORD, Browser, World, make_world

pytestmark = pytest.mark.slow  # among the longest files: handed out first under xdist

# -- who asks ------------------------------------------------------------------------------

READERS_A = ("organizer", "facilitator", "rapporteur", "observer")  # staff who read workshop A
STAFF_A = (*READERS_A, "translator")
ROLES = ("anon", "pA", "pB", *STAFF_A, "orgB")
EVERYONE = ROLES
SIGNED_IN = tuple(r for r in ROLES if r != "anon")
STAFF = (*STAFF_A, "orgB")
IN_A = (*READERS_A, "pA")  # everyone of workshop A who reads it (the translator reads texts only)
TRANSLATOR = ("translator",)
TEAM = ("organizer", "facilitator", "rapporteur")  # staff of A who write
ORGANIZER = ("organizer",)
FACILITATION = ("organizer", "facilitator")  # room.facilitate, agenda.edit, rules.edit
SUMMARY = ("organizer", "rapporteur")  # summary.edit

Body = Callable[["Seed", str], dict[str, Any]]
INVITED = itertools.count(1)


@dataclass(frozen=True)
class Expect:
    outcomes: Mapping[str, str]
    form: Body | None = None
    json: Body | None = None
    query: str = ""
    stream: bool = False  # an endless response (SSE): only the status is read
    params: Mapping[str, str] = field(default_factory=dict)  # fixed path values, by name
    setup: Callable[[Seed], None] | None = None  # brings the world into the needed state


def may(
    ok: tuple[str, ...],
    *,
    login: tuple[str, ...] = (),
    default: str = "404",
    form: Body | None = None,
    json: Body | None = None,
    query: str = "",
    stream: bool = False,
    params: Mapping[str, str] | None = None,
    setup: Callable[[Seed], None] | None = None,
) -> Expect:
    """`ok` roles pass, `login` roles are sent to sign in, every other role gets `default`."""
    outcomes = {
        role: "ok" if role in ok else "login" if role in login else default for role in ROLES
    }
    return Expect(
        outcomes,
        form=form,
        json=json,
        query=query,
        stream=stream,
        params=params or {},
        setup=setup,
    )


def public(**kw: Any) -> Expect:
    return may(EVERYONE, **kw)


def all_get(kind: str) -> Expect:
    return Expect({role: kind for role in ROLES})


def staff_only(**kw: Any) -> Expect:
    return may(STAFF, login=("anon", "pA", "pB"), **kw)


def none(_seed: Seed, _role: str) -> dict[str, Any]:
    return {}


def open_review(seed: Seed) -> None:
    """Every attribution hit decided, then the draft opened to participants."""
    from app.summary import service as summary

    _hit(seed, "organizer")
    organizer = seed.organizer()
    with seed.database.transaction() as db:
        workshop = _workshop(db, seed)
        for hit in summary.check(db, seed.settings, workshop, viewer=organizer):
            if hit.action is None:
                summary.decide(
                    db,
                    seed.settings,
                    workshop,
                    viewer=organizer,
                    fingerprint=hit.fingerprint,
                    action="redact",
                )
    with seed.database.transaction() as db:
        summary.open_review(
            db,
            seed.settings,
            _workshop(db, seed),
            viewer=organizer,
            rule="minimum",
            min_signoffs=1,
        )


def release_summary(seed: Seed) -> None:
    """The review opened (see open_review), then released with a reason."""
    from app.summary import service as summary

    open_review(seed)
    with seed.database.transaction() as db:
        summary.release(
            db, seed.settings, _workshop(db, seed), viewer=seed.organizer(), override="test"
        )


def kept_name(seed: Seed) -> None:
    """A summary note that names a participant, kept by the organizer: it awaits a second
    staff member (the rapporteur) before it counts."""
    from app.notes import service as notes
    from app.summary import scan

    organizer = seed.organizer()
    name = seed.a.invitations[0].participant.display_name
    with seed.database.transaction() as db:
        workshop = _workshop(db, seed)
        notes.create(
            db,
            seed.settings,
            viewer=seed.a.viewer("rapporteur"),
            workshop=workshop,
            body=f"{name} proposed the joint board.",
            visibility="summary",
        )
    with seed.database.transaction() as db:
        workshop = _workshop(db, seed)
        kinds = scan.scan(db, seed.settings, workshop, organizer).kinds
        fp = next(fp for fp, kind in kinds.items() if kind in scan.NAMED)
        scan.decide(
            db,
            seed.settings,
            workshop,
            viewer=organizer,
            fingerprint=fp,
            action="keep",
            reason="Asked to be named",
        )
    seed.cache["kept_hit"] = fp


def second_pair(**kw: Any) -> Expect:
    """Approving a kept name: the rapporteur may; the organizer who kept it is refused (409)."""
    expect = may(("rapporteur",), setup=kept_name, **kw)
    return replace(expect, outcomes={**expect.outcomes, "organizer": "status 409"})


def _survey_item(seed: Seed, _role: str = "") -> str:
    """A survey statement of A (app/evaluation), its "pre" moment open."""
    if "survey_item_id" not in seed.cache:
        from app.evaluation import service as evaluation

        organizer = seed.organizer()
        with seed.database.transaction() as db:
            workshop = _workshop(db, seed)
            item = evaluation.add_item(
                db, viewer=organizer, workshop=workshop, prompt="A solution is possible."
            )
            evaluation.set_moment(
                db, viewer=organizer, workshop=workshop, moment="pre", state="open"
            )
            seed.cache["survey_item_id"] = item.id
    return seed.cache["survey_item_id"]


def open_survey(seed: Seed) -> None:
    _survey_item(seed)


def survey_answers(seed: Seed, _role: str) -> dict[str, Any]:
    return {_survey_item(seed): "3"}


SURVEY_READERS = ("organizer", "facilitator", "rapporteur", "pA")


def _survey_text(seed: Seed, _role: str) -> str:
    """A revealed free-text answer of A: k lowered to the floor (3), pA and two more of A's
    participants answer a question at one moment (each question and moment is its own
    batch), the organizer reveals the batch of three."""
    if "survey_text_id" not in seed.cache:
        from app.evaluation import service as evaluation
        from app.evaluation import texts
        from app.evaluation.models import SurveyText

        organizer = seed.organizer()
        with seed.database.transaction() as db:
            workshop = _workshop(db, seed)
            workshop.k_min = 3
            question = evaluation.add_item(
                db, viewer=organizer, workshop=workshop, prompt="What changed?", kind="text"
            )
            for moment in ("pre", "post", "follow_up"):
                evaluation.set_moment(
                    db, viewer=organizer, workshop=workshop, moment=moment, state="open"
                )
        writers = [_participant_viewer(seed, "pA")] + [
            replace(
                _participant_viewer(seed, "pA"),
                participant_id=invitation.participant.id,
                party_id=invitation.participant.party_id,
                secret=keys.participant_secret(f"route-matrix-writer-{n}"),
            )
            for n, invitation in enumerate(seed.a.invitations[1:3])
        ]
        for n, writer in enumerate(writers):
            with seed.database.transaction() as db:
                evaluation.answer(
                    db,
                    seed.settings,
                    viewer=writer,
                    workshop=_workshop(db, seed),
                    moment="post",
                    given={question.id: f"Written by writer {n}"},
                )
        with seed.database.transaction() as db:
            texts.reveal_texts(db, viewer=organizer, workshop=_workshop(db, seed))
        with seed.database.session() as db:
            seed.cache["survey_text_id"] = db.exec(select(SurveyText)).first().id  # type: ignore[union-attr]
    return seed.cache["survey_text_id"]


TRANSFER = ("organizer", "rapporteur")  # transfer.record


def _transfer(seed: Seed, _role: str) -> str:
    """A briefing in A's transfer log."""
    if "transfer_id" not in seed.cache:
        from app.evaluation import transfer

        with seed.database.transaction() as db:
            entry = transfer.record(
                db,
                viewer=seed.organizer(),
                workshop=_workshop(db, seed),
                item="whole",
                destination="Ministry of Water",
                briefed_on="2026-12-01",
                by=seed.a.users["organizer"].id,
            )
            seed.cache["transfer_id"] = entry.id
    return seed.cache["transfer_id"]


def briefing(seed: Seed, _role: str) -> dict[str, Any]:
    return {
        "item": "whole",
        "destination": "Foreign Office",
        "briefed_on": "2026-12-02",
        "by": seed.a.users["rapporteur"].id,
    }


def _text(seed: Seed) -> dict[str, str]:
    """A negotiating text in A's agenda (after the room's items): version 1 published with two
    paragraphs, version 2 drafted."""
    if "text_id" in seed.cache:
        return seed.cache
    from app.agenda import service as agenda
    from app.ntext import service as ntext

    _room(seed)
    facilitator = seed.a.viewer("facilitator")
    with seed.database.transaction() as db:
        workshop = _workshop(db, seed)
        item = agenda.add_item(
            db,
            viewer=facilitator,
            workshop=workshop,
            meeting_id=seed.cache["meeting_id"],
            data={"title": "A single text", "kind": "text"},
        )
        for text_ in ("The basin is shared.\n\nA joint board decides.", "The basin is shared."):
            version = ntext.save_draft(
                db, viewer=facilitator, workshop=workshop, item=item, text=text_, lang=""
            )
            if version.number == 1:
                ntext.publish_version(db, viewer=facilitator, workshop=workshop, item=item)
                first = ntext.paragraphs(db, viewer=facilitator, version_ids=[version.id])
                seed.cache["paragraph_id"] = first[version.id][0].id
        seed.cache["text_id"] = item.id
    return seed.cache


def text_live(seed: Seed) -> None:
    """The plenary finished and the text live, taking critiques."""
    from app.room import runtime

    ids = _text(seed)
    facilitator = seed.a.viewer("facilitator")
    with seed.database.transaction() as db:
        workshop = _workshop(db, seed)
        runtime.finish(db, viewer=facilitator, workshop=workshop, item_id=ids["plenary_id"])
        runtime.start(db, viewer=facilitator, workshop=workshop, item_id=ids["text_id"])
        runtime.set_intake(
            db, viewer=facilitator, workshop=workshop, item_id=ids["text_id"], open_=True
        )


def _from_text(name: str) -> Callable[[Seed, str], str]:
    return lambda seed, _role: _text(seed)[name]


# -- THE TABLE -----------------------------------------------------------------------------

TABLE: dict[tuple[str, str], Expect] = {
    # infrastructure
    ("GET", "/healthz"): public(),
    ("GET", "/readyz"): public(),
    ("GET", "/api/openapi.json"): public(),
    ("GET", "/api/docs"): public(),
    ("GET", "/static"): public(query="/css/tracktwo.css"),
    ("GET", "/api/docs/assets"): public(query="/swagger-ui.css"),
    # accounts
    ("GET", "/"): public(),
    ("GET", "/login"): public(),
    ("POST", "/login"): public(
        form=lambda s, role: {"email": s.a.users["observer"].email, "password": PASSWORD}
    ),
    ("POST", "/logout"): Expect(  # participants land on a page saying how to come back
        {role: "ok" if role in ("pA", "pB") else "login" for role in ROLES}
    ),
    ("GET", "/signout"): public(),
    ("GET", "/signed-out"): public(),
    ("POST", "/language"): public(form=lambda s, role: {"language": "en", "next": "/"}),
    ("GET", "/account"): staff_only(),
    ("POST", "/account/password"): staff_only(
        form=lambda s, role: {"current": PASSWORD, "new": PASSWORD + "!", "confirm": PASSWORD + "!"}
    ),
    ("POST", "/account/tokens"): staff_only(form=lambda s, role: {"name": "script"}),
    ("POST", "/account/tokens/{token_id}/delete"): may(
        ORGANIZER, login=("anon", "pA", "pB"), form=none
    ),
    ("GET", "/api/v1/me"): may(SIGNED_IN, login=("anon",)),
    # two-step sign-in (no pending sign-in here: back to the password step)
    ("GET", "/login/two-step"): all_get("login"),
    ("POST", "/login/two-step"): Expect(
        {role: "login" for role in ROLES}, form=lambda s, role: {"code": "123456"}
    ),
    ("POST", "/account/two-step/start"): staff_only(form=none),
    ("POST", "/account/two-step/cancel"): staff_only(form=none),
    ("POST", "/account/two-step/confirm"): staff_only(
        form=lambda s, role: {"password": PASSWORD, "code": "123456"}
    ),
    ("POST", "/account/two-step/disable"): staff_only(
        form=lambda s, role: {"password": PASSWORD, "code": "123456"}
    ),
    ("POST", "/account/two-step/recovery-codes"): staff_only(
        form=lambda s, role: {"password": PASSWORD, "code": "123456"}
    ),
    # joining
    ("GET", "/login/reset"): public(),
    ("POST", "/login/reset"): public(form=lambda s, role: {"email": "someone@example.org"}),
    ("GET", "/reset/{reset_link}"): public(),
    ("POST", "/reset/{reset_link}"): public(
        form=lambda s, role: {"password": PASSWORD + "!", "confirm": PASSWORD + "!"}
    ),
    ("GET", "/login/changed"): public(),
    ("GET", "/invite/{join_link}"): public(),
    ("POST", "/invite/{join_link}"): public(
        form=lambda s, role: {"display_name": "New", "password": PASSWORD, "confirm": PASSWORD}
    ),
    ("GET", "/join/{token}"): public(),
    ("POST", "/join/{token}"): public(form=none),
    ("GET", "/recover"): public(),
    ("POST", "/recover"): public(form=lambda s, role: {"code": s.recovery_code}),
    ("GET", "/w/{workshop_id}/recovery-code"): may(("pA",), login=("anon", *STAFF)),
    ("POST", "/w/{workshop_id}/recovery-code/kept"): may(("pA",), login=("anon", *STAFF)),
    # live updates
    ("GET", "/w/{workshop_id}/events"): may(IN_A, stream=True),
    # notes (a room-visible note written by the facilitator)
    # attitude surveys (app/evaluation)
    ("GET", "/w/{workshop_id}/evaluation"): may(SURVEY_READERS),
    ("POST", "/w/{workshop_id}/evaluation/items"): may(
        ORGANIZER, form=lambda s, r: {"prompt": "I would work with the other side."}
    ),
    ("POST", "/w/{workshop_id}/evaluation/items/{survey_item_id}"): may(
        ORGANIZER, form=lambda s, r: {"prompt": "A negotiated solution is possible."}
    ),
    ("POST", "/w/{workshop_id}/evaluation/items/{survey_item_id}/delete"): may(
        ORGANIZER, form=none
    ),
    ("POST", "/w/{workshop_id}/evaluation/moments/{moment}"): may(
        ORGANIZER, form=lambda s, r: {"state": "ended"}, setup=open_survey
    ),
    ("POST", "/w/{workshop_id}/evaluation/answers/{moment}"): may(
        ("pA",), form=survey_answers, setup=open_survey
    ),
    ("POST", "/w/{workshop_id}/evaluation/publish"): may(ORGANIZER, form=none, setup=open_survey),
    ("POST", "/w/{workshop_id}/evaluation/impact/{fmt}"): may(ORGANIZER, form=none),
    ("POST", "/api/v1/workshops/{workshop_id}/evaluation/impact/{fmt}"): may(ORGANIZER, json=none),
    ("POST", "/w/{workshop_id}/evaluation/texts/reveal"): may(ORGANIZER, form=none),
    ("POST", "/w/{workshop_id}/evaluation/texts/{survey_text_id}"): may(
        FACILITATION, form=lambda s, r: {"hidden": "1"}
    ),
    ("POST", "/api/v1/workshops/{workshop_id}/evaluation/texts/reveal"): may(ORGANIZER, json=none),
    ("PUT", "/api/v1/workshops/{workshop_id}/evaluation/texts/{survey_text_id}/hidden"): may(
        FACILITATION, json=lambda s, r: {"hidden": True}
    ),
    ("GET", "/api/v1/workshops/{workshop_id}/evaluation"): may(SURVEY_READERS),
    ("POST", "/api/v1/workshops/{workshop_id}/evaluation/items"): may(
        ORGANIZER, json=lambda s, r: {"prompt": "I would work with the other side."}
    ),
    ("PATCH", "/api/v1/workshops/{workshop_id}/evaluation/items/{survey_item_id}"): may(
        ORGANIZER, json=lambda s, r: {"prompt": "A negotiated solution is possible."}
    ),
    ("DELETE", "/api/v1/workshops/{workshop_id}/evaluation/items/{survey_item_id}"): may(
        ORGANIZER, json=none
    ),
    ("PUT", "/api/v1/workshops/{workshop_id}/evaluation/moments/{moment}"): may(
        ORGANIZER, json=lambda s, r: {"state": "ended"}, setup=open_survey
    ),
    ("POST", "/api/v1/workshops/{workshop_id}/evaluation/answers/{moment}"): may(
        ("pA",), json=lambda s, r: {"answers": {_survey_item(s): 3}}, setup=open_survey
    ),
    ("POST", "/api/v1/workshops/{workshop_id}/evaluation/publish"): may(
        ORGANIZER, json=none, setup=open_survey
    ),
    # the transfer log (app/evaluation/transfer*.py)
    ("GET", "/w/{workshop_id}/transfer"): may(TEAM),
    ("POST", "/w/{workshop_id}/transfer"): may(TRANSFER, form=briefing),
    ("POST", "/w/{workshop_id}/transfer/{transfer_id}"): may(
        TRANSFER, form=lambda s, r: {"outcome": "No response"}
    ),
    ("POST", "/w/{workshop_id}/transfer/{transfer_id}/delete"): may(TRANSFER, form=none),
    ("POST", "/w/{workshop_id}/transfer/report.{fmt}"): may(TEAM, form=none),
    ("GET", "/api/v1/workshops/{workshop_id}/transfer"): may(TEAM),
    ("POST", "/api/v1/workshops/{workshop_id}/transfer"): may(TRANSFER, json=briefing),
    ("PATCH", "/api/v1/workshops/{workshop_id}/transfer/{transfer_id}"): may(
        TRANSFER, json=lambda s, r: {"outcome": "No response"}
    ),
    ("DELETE", "/api/v1/workshops/{workshop_id}/transfer/{transfer_id}"): may(TRANSFER, json=none),
    ("GET", "/w/{workshop_id}/notes"): may(IN_A),
    ("POST", "/w/{workshop_id}/notes"): may(
        (*TEAM, "pA"), form=lambda s, role: {"body": "A thought", "visibility": "private"}
    ),
    ("GET", "/w/{workshop_id}/notes/{note_id}"): may(IN_A),
    ("GET", "/w/{workshop_id}/notes/{note_id}/edit"): may(("facilitator",)),
    ("POST", "/w/{workshop_id}/notes/{note_id}/edit"): may(
        ("facilitator",), form=lambda s, role: {"body": "Edited thought"}
    ),
    ("POST", "/w/{workshop_id}/notes/{note_id}/delete"): may(("facilitator",), form=none),
    ("GET", "/w/{workshop_id}/notes/{note_id}/visibility"): may(
        ("facilitator",), query="?to=summary"
    ),
    ("POST", "/w/{workshop_id}/notes/{note_id}/visibility"): may(
        ("facilitator",), form=lambda s, role: {"visibility": "summary", "confirm": "yes"}
    ),
    ("GET", "/api/v1/workshops/{workshop_id}/notes"): may(IN_A),
    ("POST", "/api/v1/workshops/{workshop_id}/notes"): may(
        (*TEAM, "pA"), json=lambda s, role: {"body": "A thought", "visibility": "private"}
    ),
    ("GET", "/api/v1/workshops/{workshop_id}/notes/{note_id}"): may(IN_A),
    ("PATCH", "/api/v1/workshops/{workshop_id}/notes/{note_id}"): may(
        ("facilitator",), json=lambda s, role: {"body": "Edited thought"}
    ),
    ("DELETE", "/api/v1/workshops/{workshop_id}/notes/{note_id}"): may(("facilitator",), json=none),
    # workshops: create, home, settings and lifecycle
    ("GET", "/workshops/new"): staff_only(),
    ("POST", "/workshops/new"): staff_only(),
    ("GET", "/api/v1/workshops"): may(SIGNED_IN, login=("anon",)),
    ("POST", "/api/v1/workshops"): may(STAFF, login=("anon",)),
    ("GET", "/w/{workshop_id}"): may((*IN_A, *TRANSLATOR)),  # a translator: sent to translate
    ("GET", "/api/v1/workshops/{workshop_id}"): may(IN_A),
    ("PATCH", "/api/v1/workshops/{workshop_id}"): may(ORGANIZER),
    ("GET", "/w/{workshop_id}/manage"): may(TEAM),
    ("GET", "/w/{workshop_id}/manage/settings"): may(ORGANIZER),
    ("POST", "/w/{workshop_id}/manage/settings"): may(ORGANIZER),
    ("POST", "/w/{workshop_id}/manage/status"): may(ORGANIZER, form=lambda s, r: {"to": "closed"}),
    ("POST", "/api/v1/workshops/{workshop_id}/status"): may(ORGANIZER),
    ("GET", "/w/{workshop_id}/manage/archive"): may(ORGANIZER),
    ("POST", "/w/{workshop_id}/manage/archive"): may(ORGANIZER),
    ("POST", "/api/v1/workshops/{workshop_id}/archive"): may(ORGANIZER),
    # rounds: the series page and the next round
    ("GET", "/w/{workshop_id}/series"): may(ORGANIZER),
    ("POST", "/w/{workshop_id}/series/next"): may(
        ORGANIZER, form=lambda s, r: {"title": "Round two", "carry_roster": "1"}
    ),
    ("GET", "/api/v1/workshops/{workshop_id}/series"): may(ORGANIZER),
    ("POST", "/api/v1/workshops/{workshop_id}/series/next"): may(
        ORGANIZER, json=lambda s, r: {"title": "Round two", "carry_roster": True}
    ),
    # parties
    ("GET", "/w/{workshop_id}/manage/parties"): may(ORGANIZER),
    ("POST", "/w/{workshop_id}/manage/parties"): may(ORGANIZER),
    ("POST", "/w/{workshop_id}/manage/parties/{party_id}"): may(ORGANIZER),
    ("POST", "/w/{workshop_id}/manage/parties/{party_id}/delete"): may(ORGANIZER),
    ("POST", "/w/{workshop_id}/manage/parties/{party_id}/move"): may(ORGANIZER),
    ("GET", "/api/v1/workshops/{workshop_id}/parties"): may(READERS_A),
    ("POST", "/api/v1/workshops/{workshop_id}/parties"): may(ORGANIZER),
    ("PATCH", "/api/v1/workshops/{workshop_id}/parties/{party_id}"): may(ORGANIZER),
    ("DELETE", "/api/v1/workshops/{workshop_id}/parties/{party_id}"): may(ORGANIZER),
    ("POST", "/api/v1/workshops/{workshop_id}/parties/{party_id}/move"): may(ORGANIZER),
    # staff (the rapporteur's membership)
    ("GET", "/w/{workshop_id}/manage/staff"): may(ORGANIZER),
    ("POST", "/w/{workshop_id}/manage/staff"): may(ORGANIZER),
    ("POST", "/w/{workshop_id}/manage/staff/{membership_id}/role"): may(ORGANIZER),
    ("POST", "/w/{workshop_id}/manage/staff/{membership_id}/remove"): may(ORGANIZER),
    ("POST", "/w/{workshop_id}/manage/staff/invitations/{invitation_id}/withdraw"): may(
        ORGANIZER, form=none
    ),
    ("GET", "/api/v1/workshops/{workshop_id}/staff"): may(ORGANIZER),
    ("POST", "/api/v1/workshops/{workshop_id}/staff"): may(ORGANIZER),
    ("PATCH", "/api/v1/workshops/{workshop_id}/staff/{membership_id}"): may(ORGANIZER),
    ("DELETE", "/api/v1/workshops/{workshop_id}/staff/{membership_id}"): may(ORGANIZER),
    # roster (an invited participant of A)
    ("GET", "/w/{workshop_id}/manage/roster"): may(ORGANIZER),
    ("POST", "/w/{workshop_id}/manage/roster"): may(ORGANIZER),
    ("POST", "/w/{workshop_id}/manage/roster/{participant_id}/revoke"): may(ORGANIZER),
    ("POST", "/w/{workshop_id}/manage/roster/{participant_id}/readmit"): may(ORGANIZER),
    ("GET", "/api/v1/workshops/{workshop_id}/roster"): may(ORGANIZER),
    ("POST", "/api/v1/workshops/{workshop_id}/roster"): may(ORGANIZER),
    ("POST", "/api/v1/workshops/{workshop_id}/roster/{participant_id}/revoke"): may(ORGANIZER),
    ("POST", "/api/v1/workshops/{workshop_id}/roster/{participant_id}/readmit"): may(ORGANIZER),
    # ground rules
    ("GET", "/w/{workshop_id}/rules"): may(IN_A),
    ("POST", "/w/{workshop_id}/rules/accept"): may(("pA",)),
    ("GET", "/w/{workshop_id}/manage/rules"): may(FACILITATION),
    ("POST", "/w/{workshop_id}/manage/rules"): may(FACILITATION),
    ("POST", "/w/{workshop_id}/manage/rules/{rule_id}"): may(FACILITATION),
    ("POST", "/w/{workshop_id}/manage/rules/{rule_id}/delete"): may(FACILITATION),
    ("POST", "/w/{workshop_id}/manage/rules/{rule_id}/move"): may(FACILITATION),
    ("GET", "/api/v1/workshops/{workshop_id}/rules"): may(IN_A),
    ("POST", "/api/v1/workshops/{workshop_id}/rules/accept"): may(("pA",)),
    ("POST", "/api/v1/workshops/{workshop_id}/rules"): may(FACILITATION),
    ("PATCH", "/api/v1/workshops/{workshop_id}/rules/{rule_id}"): may(FACILITATION),
    ("DELETE", "/api/v1/workshops/{workshop_id}/rules/{rule_id}"): may(FACILITATION),
    ("POST", "/api/v1/workshops/{workshop_id}/rules/{rule_id}/move"): may(FACILITATION),
    # sessions and agenda
    ("GET", "/w/{workshop_id}/manage/agenda"): may(FACILITATION),
    ("POST", "/w/{workshop_id}/manage/sessions"): may(FACILITATION),
    ("GET", "/w/{workshop_id}/manage/sessions/{meeting_id}"): may(FACILITATION),
    ("POST", "/w/{workshop_id}/manage/sessions/{meeting_id}"): may(FACILITATION),
    ("POST", "/w/{workshop_id}/manage/sessions/{meeting_id}/delete"): may(FACILITATION),
    ("POST", "/w/{workshop_id}/manage/sessions/{meeting_id}/move"): may(FACILITATION),
    ("POST", "/w/{workshop_id}/manage/sessions/{meeting_id}/items"): may(FACILITATION),
    ("GET", "/w/{workshop_id}/manage/items/{item_id}"): may(FACILITATION),
    ("POST", "/w/{workshop_id}/manage/items/{item_id}"): may(FACILITATION),
    ("POST", "/w/{workshop_id}/manage/items/{item_id}/delete"): may(FACILITATION),
    ("POST", "/w/{workshop_id}/manage/items/{item_id}/move"): may(FACILITATION),
    ("GET", "/api/v1/workshops/{workshop_id}/agenda"): may(IN_A),
    ("GET", "/api/v1/workshops/{workshop_id}/sessions"): may(IN_A),
    ("POST", "/api/v1/workshops/{workshop_id}/sessions"): may(FACILITATION),
    ("PATCH", "/api/v1/workshops/{workshop_id}/sessions/{meeting_id}"): may(FACILITATION),
    ("DELETE", "/api/v1/workshops/{workshop_id}/sessions/{meeting_id}"): may(FACILITATION),
    ("POST", "/api/v1/workshops/{workshop_id}/sessions/{meeting_id}/move"): may(FACILITATION),
    ("POST", "/api/v1/workshops/{workshop_id}/sessions/{meeting_id}/items"): may(FACILITATION),
    ("GET", "/api/v1/workshops/{workshop_id}/items/{item_id}"): may(IN_A),
    ("PATCH", "/api/v1/workshops/{workshop_id}/items/{item_id}"): may(FACILITATION),
    ("DELETE", "/api/v1/workshops/{workshop_id}/items/{item_id}"): may(FACILITATION),
    ("POST", "/api/v1/workshops/{workshop_id}/items/{item_id}/move"): may(FACILITATION),
    # the room (participants) and the console (facilitation)
    ("GET", "/w/{workshop_id}/room"): may(IN_A),
    ("GET", "/w/{workshop_id}/room/region/{region}"): may(IN_A),
    ("POST", "/w/{workshop_id}/room/proposals"): may(("pA",)),
    ("POST", "/w/{workshop_id}/room/proposals/{proposal_id}/edit"): may(("pA",)),
    ("POST", "/w/{workshop_id}/room/proposals/{proposal_id}/withdraw"): may(("pA",)),
    ("POST", "/w/{workshop_id}/room/proposals/{proposal_id}/react"): may(
        ("pA",), form=lambda s, r: {"value": "agree"}
    ),
    ("POST", "/w/{workshop_id}/room/queue"): may(("pA",)),
    ("POST", "/w/{workshop_id}/room/queue/withdraw"): may(("pA",)),
    ("GET", "/w/{workshop_id}/console"): may(FACILITATION),
    ("GET", "/w/{workshop_id}/console/region/{region}"): may(FACILITATION),
    ("POST", "/w/{workshop_id}/console/advance"): may(FACILITATION),
    ("POST", "/w/{workshop_id}/console/items/{item_id}/{action}"): may(
        FACILITATION, params={"action": "results"}, form=lambda s, r: {"shown": "1"}
    ),
    ("POST", "/w/{workshop_id}/console/proposals/{proposal_id}/{action}"): may(
        FACILITATION, params={"action": "hide"}, form=lambda s, r: {"reason": "Off topic"}
    ),
    ("POST", "/w/{workshop_id}/console/themes/{theme_id}/rename"): may(FACILITATION),
    ("POST", "/w/{workshop_id}/console/queue/{request_id}"): may(
        FACILITATION, form=lambda s, r: {"status": "speaking"}
    ),
    ("GET", "/api/v1/workshops/{workshop_id}/room"): may(IN_A),
    # the negotiating text (a published version 1 and a draft of version 2)
    ("GET", "/w/{workshop_id}/text/{text_id}"): may(IN_A),
    ("POST", "/w/{workshop_id}/text/{text_id}/draft"): may(
        FACILITATION, form=lambda s, r: {"text": "One.\n\nTwo.", "lang": "en"}
    ),
    ("POST", "/w/{workshop_id}/text/{text_id}/publish"): may(FACILITATION, form=none),
    ("POST", "/w/{workshop_id}/text/{text_id}/figures"): may(FACILITATION, form=none),
    ("POST", "/w/{workshop_id}/text/{text_id}/paragraphs/{paragraph_id}/mark"): may(
        ("pA",), form=lambda s, r: {"value": "agree"}, setup=text_live
    ),
    ("POST", "/w/{workshop_id}/text/{text_id}/paragraphs/{paragraph_id}/critique"): may(
        ("pA",),
        form=lambda s, r: {"text": "Who appoints it?", "idempotency_key": "k" * 32},
        setup=text_live,
    ),
    ("POST", "/w/{workshop_id}/text/{text_id}/signoff"): may(("pA",), form=none),
    ("GET", "/api/v1/workshops/{workshop_id}/texts/{text_id}"): may(IN_A),
    ("POST", "/api/v1/workshops/{workshop_id}/texts/{text_id}/signoff"): may(
        ("pA",), json=lambda s, r: {}
    ),
    ("PUT", "/api/v1/workshops/{workshop_id}/texts/{text_id}/draft"): may(
        FACILITATION, json=lambda s, r: {"text": "One.\n\nTwo."}
    ),
    ("POST", "/api/v1/workshops/{workshop_id}/texts/{text_id}/publish"): may(FACILITATION),
    ("POST", "/api/v1/workshops/{workshop_id}/texts/{text_id}/figures"): may(FACILITATION),
    ("PUT", "/api/v1/workshops/{workshop_id}/texts/{text_id}/paragraphs/{paragraph_id}/mark"): may(
        ("pA",), json=lambda s, r: {"value": "agree"}, setup=text_live
    ),
    (
        "POST",
        "/api/v1/workshops/{workshop_id}/texts/{text_id}/paragraphs/{paragraph_id}/critiques",
    ): may(
        ("pA",),
        json=lambda s, r: {"text": "Who appoints it?", "idempotency_key": "k" * 32},
        setup=text_live,
    ),
    ("POST", "/api/v1/workshops/{workshop_id}/room/proposals"): may(
        ("pA",), json=lambda s, r: {"text": "An idea", "idempotency_key": "k" * 32}
    ),
    ("PATCH", "/api/v1/workshops/{workshop_id}/room/proposals/{proposal_id}"): may(("pA",)),
    ("DELETE", "/api/v1/workshops/{workshop_id}/room/proposals/{proposal_id}"): may(("pA",)),
    ("PUT", "/api/v1/workshops/{workshop_id}/room/proposals/{proposal_id}/reaction"): may(
        ("pA",), json=lambda s, r: {"value": "agree"}
    ),
    ("POST", "/api/v1/workshops/{workshop_id}/room/queue"): may(("pA",)),
    ("DELETE", "/api/v1/workshops/{workshop_id}/room/queue"): may(("pA",)),
    ("GET", "/api/v1/workshops/{workshop_id}/room/console"): may(FACILITATION),
    ("GET", "/api/v1/workshops/{workshop_id}/room/queue"): may(FACILITATION),
    ("POST", "/api/v1/workshops/{workshop_id}/room/queue/{request_id}"): may(
        FACILITATION, json=lambda s, r: {"status": "speaking"}
    ),
    ("POST", "/api/v1/workshops/{workshop_id}/room/advance"): may(FACILITATION),
    ("POST", "/api/v1/workshops/{workshop_id}/room/items/{item_id}/start"): may(FACILITATION),
    ("POST", "/api/v1/workshops/{workshop_id}/room/items/{item_id}/finish"): may(FACILITATION),
    ("PUT", "/api/v1/workshops/{workshop_id}/room/items/{item_id}/intake"): may(FACILITATION),
    ("POST", "/api/v1/workshops/{workshop_id}/room/items/{item_id}/reveal"): may(FACILITATION),
    ("PUT", "/api/v1/workshops/{workshop_id}/room/items/{item_id}/results"): may(FACILITATION),
    ("POST", "/api/v1/workshops/{workshop_id}/room/items/{item_id}/publish"): may(FACILITATION),
    ("POST", "/api/v1/workshops/{workshop_id}/room/items/{item_id}/timer"): may(
        FACILITATION, json=lambda s, r: {"action": "start", "minutes": 5}
    ),
    ("POST", "/api/v1/workshops/{workshop_id}/room/items/{item_id}/themes"): may(FACILITATION),
    ("PATCH", "/api/v1/workshops/{workshop_id}/room/themes/{theme_id}"): may(FACILITATION),
    ("POST", "/api/v1/workshops/{workshop_id}/room/proposals/{proposal_id}/hide"): may(
        FACILITATION
    ),
    ("POST", "/api/v1/workshops/{workshop_id}/room/proposals/{proposal_id}/unhide"): may(
        FACILITATION
    ),
    ("POST", "/api/v1/workshops/{workshop_id}/room/proposals/{proposal_id}/edit"): may(
        FACILITATION
    ),
    ("POST", "/api/v1/workshops/{workshop_id}/room/proposals/{proposal_id}/merge"): may(
        FACILITATION, json=lambda s, r: {"into": s.cache["proposal2_id"]}
    ),
    ("PUT", "/api/v1/workshops/{workshop_id}/room/proposals/{proposal_id}/theme"): may(
        FACILITATION, json=lambda s, r: {"theme_id": s.cache["theme_id"]}
    ),
    # the translator's page (a room note of A)
    ("GET", "/w/{workshop_id}/translate"): may(TRANSLATOR),
    ("POST", "/w/{workshop_id}/translate"): may(
        TRANSLATOR,
        setup=lambda s: _note(s, "translator") and None,
        form=lambda s, r: {"kind": "note", "id": _note(s, r), "lang": "en", "text": "Translated"},
    ),
    ("GET", "/api/v1/workshops/{workshop_id}/translate"): may(TRANSLATOR),
    ("PUT", "/api/v1/workshops/{workshop_id}/translate"): may(
        TRANSLATOR,
        setup=lambda s: _note(s, "translator") and None,
        json=lambda s, r: {"kind": "note", "id": _note(s, r), "lang": "en", "text": "Translated"},
    ),
    # audit log
    ("GET", "/w/{workshop_id}/manage/audit"): may(ORGANIZER),
    ("GET", "/api/v1/workshops/{workshop_id}/audit"): may(ORGANIZER),
    # summary: attribution check, review, release, export
    ("GET", "/api/v1/summary/schema"): public(),
    ("GET", "/w/{workshop_id}/summary"): may(SUMMARY),
    ("GET", "/api/v1/workshops/{workshop_id}/summary/check"): may(SUMMARY),
    ("POST", "/w/{workshop_id}/summary/terms"): may(SUMMARY),
    ("POST", "/w/{workshop_id}/summary/terms/{term_id}/delete"): may(SUMMARY),
    ("POST", "/w/{workshop_id}/summary/hits/{fingerprint}"): may(SUMMARY),
    ("POST", "/w/{workshop_id}/summary/hits/{fingerprint}/reopen"): may(SUMMARY),
    ("POST", "/w/{workshop_id}/summary/proposals/{proposal_id}"): may(
        SUMMARY, form=lambda s, r: {"choice": "include"}
    ),
    ("POST", "/w/{workshop_id}/summary/review/open"): may(ORGANIZER),
    ("POST", "/w/{workshop_id}/summary/review/close"): may(ORGANIZER, setup=open_review),
    ("POST", "/w/{workshop_id}/summary/release"): may(ORGANIZER),
    ("POST", "/w/{workshop_id}/summary/export.{fmt}"): may(ORGANIZER),
    ("GET", "/w/{workshop_id}/summary/released"): may(SUMMARY),
    ("POST", "/w/{workshop_id}/summary/released.{fmt}"): may(SUMMARY, setup=release_summary),
    ("POST", "/api/v1/workshops/{workshop_id}/summary/export.{fmt}"): may(ORGANIZER),
    ("GET", "/w/{workshop_id}/summary/review"): may(("pA",)),
    ("POST", "/w/{workshop_id}/summary/review/signoff"): may(("pA",), setup=open_review),
    ("POST", "/w/{workshop_id}/summary/review/comment"): may(
        ("pA",), setup=open_review, form=lambda s, r: {"body": "Looks fair"}
    ),
    ("POST", "/w/{workshop_id}/summary/hits/{kept_hit}/approve"): second_pair(form=none),
    # the same actions in the JSON API
    ("POST", "/api/v1/workshops/{workshop_id}/summary/hits/{kept_hit}/approve"): second_pair(
        json=none
    ),
    ("POST", "/api/v1/workshops/{workshop_id}/summary/hits/{fingerprint}"): may(
        SUMMARY, json=lambda s, r: {"action": "redact"}
    ),
    ("DELETE", "/api/v1/workshops/{workshop_id}/summary/hits/{fingerprint}"): may(
        SUMMARY, json=none
    ),
    ("GET", "/api/v1/workshops/{workshop_id}/summary/terms"): may(SUMMARY),
    ("POST", "/api/v1/workshops/{workshop_id}/summary/terms"): may(
        SUMMARY, json=lambda s, r: {"term": "Old Mill"}
    ),
    ("DELETE", "/api/v1/workshops/{workshop_id}/summary/terms/{term_id}"): may(SUMMARY, json=none),
    ("GET", "/api/v1/workshops/{workshop_id}/summary/choices"): may(SUMMARY),
    ("POST", "/api/v1/workshops/{workshop_id}/summary/choices/{proposal_id}"): may(
        SUMMARY, json=lambda s, r: {"choice": "include"}
    ),
    ("GET", "/api/v1/workshops/{workshop_id}/summary/review"): may(SUMMARY, setup=open_review),
    ("POST", "/api/v1/workshops/{workshop_id}/summary/review/open"): may(
        ORGANIZER, setup=open_review, json=lambda s, r: {"rule": "minimum", "min_signoffs": 1}
    ),
    ("POST", "/api/v1/workshops/{workshop_id}/summary/review/close"): may(
        ORGANIZER, setup=open_review, json=none
    ),
    ("POST", "/api/v1/workshops/{workshop_id}/summary/release"): may(
        ORGANIZER, setup=open_review, json=lambda s, r: {"override": "Agreed in plenary"}
    ),
    ("GET", "/api/v1/workshops/{workshop_id}/summary/review/mine"): may(("pA",)),
    ("POST", "/api/v1/workshops/{workshop_id}/summary/review/signoff"): may(
        ("pA",), setup=open_review, json=none
    ),
    ("POST", "/api/v1/workshops/{workshop_id}/summary/review/comment"): may(
        ("pA",), setup=open_review, json=lambda s, r: {"body": "Looks fair"}
    ),
}


# -- the seeded world ----------------------------------------------------------------------


@dataclass
class Seed:
    settings: Settings
    database: Database
    app: Any
    a: World
    b: World
    browsers: dict[str, Browser] = field(default_factory=dict)
    recovery_code: str = ""
    codes: dict[str, str] = field(default_factory=dict)
    cache: dict[str, str] = field(default_factory=dict)
    snapshot: Snapshot | None = None
    main: Any = None  # the one entered TestClient: one lifespan, one event loop for all

    def organizer(self) -> Any:
        return self.a.viewer("organizer")

    def close(self) -> None:
        self.main.__exit__(None, None, None)


def _workshop_id(seed: Seed, _role: str) -> str:
    return seed.a.workshop.id


def _fresh_invitation(seed: Seed, _role: str) -> str:
    """A new unused invitation of A for each request (a claim uses one up)."""
    with seed.database.transaction() as db:
        workshop = db.get(Workshop, seed.a.workshop.id)
        invitation = roster.add(
            db,
            viewer=seed.organizer(),
            workshop=workshop,  # type: ignore[arg-type]
            display_name="Late Invitee",
            party_id=seed.a.parties[0].id,
        )
    return invitation.token


def _staff_invitation(seed: Seed, _role: str) -> Issued:
    """A new invitation to A's staff, for an address of its own, at each request."""
    with seed.database.transaction() as db:
        workshop = db.get(Workshop, seed.a.workshop.id)
        assert workshop is not None
        email = f"invited-{next(INVITED)}@example.org"
        return staff.invite(  # type: ignore[return-value]
            db,
            seed.settings,
            viewer=seed.organizer(),
            workshop=workshop,
            email=email,
            role="observer",
        )


def _reset_link(seed: Seed, _role: str) -> str:
    """A reset link of an account that is no one's login in the matrix."""
    with seed.database.transaction() as db:
        email = f"resets-{next(INVITED)}@example.org"
        accounts.create_user(db, email=email, display_name="Resets", password=PASSWORD)
        return invitations.reset_link(db, seed.settings, email=email).url.rsplit("/", 1)[1]


def _api_token(seed: Seed, _role: str) -> str:
    if "token_id" not in seed.cache:
        with seed.database.transaction() as db:
            accounts.create_api_token(db, viewer=seed.organizer(), name="matrix")
            (row,) = accounts.list_api_tokens(db, viewer=seed.organizer())
            seed.cache["token_id"] = row.id
    return seed.cache["token_id"]


def _note(seed: Seed, _role: str) -> str:
    if "note_id" not in seed.cache:
        from app.notes import service as notes

        with seed.database.transaction() as db:
            workshop = db.get(Workshop, seed.a.workshop.id)
            note = notes.create(
                db,
                seed.settings,
                viewer=seed.a.viewer("facilitator"),
                workshop=workshop,  # type: ignore[arg-type]
                body="Shared with the room",
                visibility="room",
            )
            seed.cache["note_id"] = note.id
    return seed.cache["note_id"]


def _participant_viewer(seed: Seed, role: str) -> Viewer:
    """The Viewer of a seeded participant (with their authorship secret)."""
    world, invitation = (
        (seed.b, seed.b.invitations[0]) if role == "pB" else (seed.a, seed.a.invitations[0])
    )
    code = seed.codes[role]
    return Viewer(
        kind="participant",
        participant_id=invitation.participant.id,
        workshop_id=world.workshop.id,
        party_id=invitation.participant.party_id,
        secret=keys.participant_secret(code),
    )


def _workshop(db: Any, seed: Seed) -> Workshop:
    workshop = db.get(Workshop, seed.a.workshop.id)
    assert workshop
    return workshop


def _room(seed: Seed) -> dict[str, str]:
    """Workshop A in session: a finished contribution round with two revealed proposals (one
    names a party) and a theme, then a live plenary where pA waits for the floor."""
    if "item_id" in seed.cache:
        return seed.cache
    from app.agenda import service as agenda
    from app.room import moderation, proposals, queue, runtime
    from app.room.models import SpeakingRequest

    facilitator = seed.a.viewer("facilitator")
    participant = _participant_viewer(seed, "pA")
    with seed.database.transaction() as db:
        workshop = _workshop(db, seed)
        meeting = agenda.add_session(
            db, viewer=facilitator, workshop=workshop, data={"title": "Day one"}
        )
        round_ = agenda.add_item(
            db,
            viewer=facilitator,
            workshop=workshop,
            meeting_id=meeting.id,
            data={"title": "Options", "kind": "contribution", "phase": "brainstorming"},
        )
        plenary = agenda.add_item(
            db,
            viewer=facilitator,
            workshop=workshop,
            meeting_id=meeting.id,
            data={"title": "Ways forward", "kind": "plenary"},
        )
        runtime.start(db, viewer=facilitator, workshop=workshop, item_id=round_.id)
        runtime.set_intake(db, viewer=facilitator, workshop=workshop, item_id=round_.id, open_=True)
    for key, text_ in (
        ("proposal_id", f"Joint water board with {seed.a.parties[0].name} and others"),
        ("proposal2_id", "A shared early-warning line"),
    ):
        with seed.database.transaction() as db:
            proposal = proposals.submit(
                db,
                seed.settings,
                viewer=participant,
                workshop=_workshop(db, seed),
                text=text_,
                idempotency_key=proposals.new_idempotency_key(),
            )
            seed.cache[key] = proposal.id
    with seed.database.transaction() as db:
        workshop = _workshop(db, seed)
        runtime.reveal(
            db,
            viewer=facilitator,
            workshop=workshop,
            item_id=round_.id,
            override_reason="Seed: a small room",
        )
        theme = moderation.create_theme(
            db, viewer=facilitator, workshop=workshop, item_id=round_.id, name="Water"
        )
        runtime.finish(db, viewer=facilitator, workshop=workshop, item_id=round_.id)
        runtime.start(db, viewer=facilitator, workshop=workshop, item_id=plenary.id)
    with seed.database.transaction() as db:
        queue.ask(db, viewer=participant, workshop=_workshop(db, seed))
    with seed.database.session() as db:
        seed.cache["request_id"] = db.exec(select(SpeakingRequest)).one().id
    seed.cache["meeting_id"] = meeting.id
    seed.cache["theme_id"] = theme.id
    seed.cache["plenary_id"] = plenary.id
    seed.cache["item_id"] = round_.id
    return seed.cache


def _from_room(name: str) -> Callable[[Seed, str], str]:
    return lambda seed, _role: _room(seed)[name]


def _rule(seed: Seed, _role: str) -> str:
    from app.rules import service as rules

    with seed.database.session() as db:
        return rules.list_rules(db, _workshop(db, seed), viewer=seed.organizer())[-1].id


def _membership(seed: Seed, _role: str) -> str:
    """The rapporteur's membership of A."""
    from app.workshops.models import Membership

    with seed.database.session() as db:
        row = db.exec(
            select(Membership).where(Membership.user_id == seed.a.users["rapporteur"].id)
        ).one()
        return row.id


def _term(seed: Seed, _role: str) -> str:
    if "term_id" not in seed.cache:
        from app.summary import service as summary
        from app.summary.models import SummaryTerm

        with seed.database.transaction() as db:
            workshop = _workshop(db, seed)
            summary.add_term(db, workshop, viewer=seed.a.viewer("rapporteur"), term="Valley")
        with seed.database.session() as db:
            seed.cache["term_id"] = db.exec(select(SummaryTerm)).one().id
    return seed.cache["term_id"]


def _hit(seed: Seed, _role: str) -> str:
    """An attribution-check hit: the seeded proposal names a party."""
    if "fingerprint" not in seed.cache:
        from app.summary import service as summary

        _room(seed)
        with seed.database.session() as db:
            hits = summary.check(
                db, seed.settings, _workshop(db, seed), viewer=seed.a.viewer("rapporteur")
            )
        assert hits, "the seeded proposal should be an attribution hit"
        seed.cache["fingerprint"] = hits[0].fingerprint
        with seed.database.transaction() as db:  # decided once, so it can be reopened
            summary.decide(
                db,
                seed.settings,
                _workshop(db, seed),
                viewer=seed.a.viewer("rapporteur"),
                fingerprint=hits[0].fingerprint,
                action="redact",
            )
    return seed.cache["fingerprint"]


# Path parameter name -> how to get a value in the seeded world (per request, per role).
PARAMS: dict[str, Callable[[Seed, str], str]] = {
    "kept_hit": lambda seed, _role: seed.cache["kept_hit"],
    "workshop_id": _workshop_id,
    "token": _fresh_invitation,
    "join_link": lambda seed, role: _staff_invitation(seed, role).url.rsplit("/", 1)[1],
    "invitation_id": lambda seed, role: _staff_invitation(seed, role).invitation.id,
    "reset_link": _reset_link,
    "token_id": _api_token,
    "note_id": _note,
    "party_id": lambda seed, _role: seed.a.parties[-1].id,
    "participant_id": lambda seed, _role: seed.a.invitations[-1].participant.id,
    "membership_id": _membership,
    "rule_id": _rule,
    "meeting_id": _from_room("meeting_id"),
    "item_id": _from_room("item_id"),
    "proposal_id": _from_room("proposal_id"),
    "theme_id": _from_room("theme_id"),
    "text_id": _from_text("text_id"),
    "paragraph_id": _from_text("paragraph_id"),
    "request_id": _from_room("request_id"),
    "term_id": _term,
    "fingerprint": _hit,
    "region": lambda _seed, _role: "proposals",
    "fmt": lambda _seed, _role: "md",
    "survey_item_id": _survey_item,
    "moment": lambda _seed, _role: "pre",
    "transfer_id": _transfer,
    "survey_text_id": _survey_text,
}


def _accept_rules(database: Database, participant_id: str, workshop_id: str) -> None:
    with database.transaction() as db:
        workshop = db.get(Workshop, workshop_id)
        assert workshop
        db.add(RulesAcceptance(participant_id=participant_id, version=workshop.rules_version))


def _signed_in(main: TestClient, login: Callable[[Browser], Any]) -> Browser:
    """A browser of its own (cookies) that shares the main client's event loop."""
    client = TestClient(main.app)
    client.portal = main.portal
    browser = Browser(client)
    login(browser)
    browser.token = None
    browser.get("/recover")  # any page: picks up this session's CSRF token
    assert browser.token
    return browser


def build_seed(settings: Settings, database: Database) -> Seed:
    app = create_app(settings, database)
    a = make_world(settings, database, title="Workshop A", status="live")
    b = make_world(settings, database, title="Workshop B", status="live")
    seed = Seed(settings, database, app, a, b)
    seed.main = main = TestClient(app)
    main.__enter__()  # closed in Seed.close()
    seed.browsers["anon"] = _signed_in(main, lambda br: None)
    for role in STAFF_A:
        seed.browsers[role] = _signed_in(main, lambda br, r=role: br.login(a.users[r]))
    seed.browsers["orgB"] = _signed_in(main, lambda br: br.login(b.users["organizer"]))
    codes = {}
    for role, world, invitation in (
        ("pA", a, a.invitations[0]),
        ("pB", b, b.invitations[0]),
        ("revoked", a, a.invitations[1]),
    ):
        seed.browsers[role] = _signed_in(
            main, lambda br, inv=invitation, r=role: codes.__setitem__(r, br.join(inv))
        )
        _accept_rules(database, invitation.participant.id, world.workshop.id)
    seed.recovery_code = codes["pA"]
    seed.codes = codes
    with database.transaction() as db:
        roster.revoke(
            db,
            viewer=a.viewer("organizer"),
            workshop=db.get(Workshop, a.workshop.id),  # type: ignore[arg-type]
            participant_id=a.invitations[1].participant.id,
        )
    seed.browsers["revoked"].token = None
    seed.browsers["revoked"].get("/recover")  # a revoked browser reloads: an anonymous token
    return seed


# -- running one request -------------------------------------------------------------------


def app_routes(app: Any) -> Iterator[tuple[str, str]]:
    """(method, path template) for every route and mount of the application."""
    for route in iter_route_contexts(app.routes):
        path = route.path or ""
        methods = route.methods
        if methods is None:  # a mount (static files)
            yield "GET", path
            continue
        for method in sorted(set(methods) - {"HEAD", "OPTIONS"}):
            yield method, path


def _discover() -> list[tuple[str, str]]:
    settings = Settings(env="test", database_url="sqlite:///:memory:", htmx_source="local")
    database = Database(settings)
    try:
        return sorted(set(app_routes(create_app(settings, database))))
    finally:
        database.dispose()


ROUTES = _discover()


def _url(seed: Seed, path: str, role: str, expect: Expect) -> str:
    import re

    def value(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[0]
        if name in expect.params:
            return expect.params[name]
        resolver = PARAMS.get(name)
        assert resolver, f"no seeder for path parameter {{{name}}}: add one to PARAMS"
        return resolver(seed, role)

    return re.sub(r"{([^}]+)}", value, path) + expect.query


def _kind(status: int, location: str, *, write: bool = False) -> str:
    """The outcome kind of a response. For a state change by an allowed role, a 400, 409 or
    422 also counts as "ok": the request got past the access check to the business rules."""
    target = urlsplit(location).path
    if write and status in (400, 409, 422):
        return "ok"
    if status == 401 or (300 <= status < 400 and target == "/login"):
        return "login"
    if status == 404:
        return "404"
    rules_gate = re.fullmatch(r"/w/[^/]+/rules", target)
    if 200 <= status < 300 or (300 <= status < 400 and not rules_gate):
        return "ok"
    return f"status {status}"


def _stream_status(app: Any, browser: Browser, url: str) -> tuple[int, str]:
    """Read only the status of an endless response, then hang up."""
    cookie = "; ".join(f"{k}={v}" for k, v in browser.client.cookies.items())
    path, _, query = url.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": [(b"host", b"testserver"), (b"cookie", cookie.encode())],
        "client": ("testclient", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    result: dict[str, Any] = {}

    async def probe() -> None:
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await anyio.sleep_forever()
            return {"type": "http.disconnect"}

        async with anyio.create_task_group() as tg:

            async def send(message: dict[str, Any]) -> None:
                if message["type"] == "http.response.start":
                    result["status"] = message["status"]
                    headers = dict(message.get("headers", []))
                    result["location"] = headers.get(b"location", b"").decode()
                    tg.cancel_scope.cancel()

            async def run() -> None:
                await app(scope, receive, send)

            tg.start_soon(run)

    async def bounded() -> None:
        with anyio.fail_after(10):
            await probe()

    portal = getattr(browser.client, "portal", None)
    if portal is not None:
        portal.call(bounded)  # on the app's own event loop
    else:
        anyio.run(bounded)
    return int(result["status"]), str(result.get("location", ""))


# Plausible values for request fields, by name; anything else gets a value of its type.
FIELD_VALUES: dict[str, Any] = {
    "title": "A seeded title",
    "name": "A seeded name",
    "body": "Some seeded text",
    "text": "Some seeded text",
    "term": "Seeded term",
    "level": "chatham",
    "kind": "contribution",
    "visibility": "private",
    "role": "observer",
    "action": "redact",
    "reason": "Checked by hand",
    "language": "en",
    "email": "someone@example.org",
}


def _value(name: str, schema: Mapping[str, Any], components: Mapping[str, Any]) -> Any:
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    for option in schema.get("anyOf", []):
        if option.get("type") != "null":
            return _value(name, option, components)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "string")
    if kind == "string":
        if schema.get("format") == "date":
            return "2030-01-01"
        return FIELD_VALUES.get(name, "x")
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    return {}


def auto_body(seed: Seed, method: str, path: str) -> tuple[Body | None, Body | None]:
    """(form, json) bodies with every required field, from the app's own OpenAPI schema."""
    spec = seed.app.openapi()
    components = spec.get("components", {}).get("schemas", {})
    operation = spec.get("paths", {}).get(path, {}).get(method.lower(), {})
    content = operation.get("requestBody", {}).get("content", {})
    for ctype, media in content.items():
        schema = media.get("schema", {})
        if "$ref" in schema:
            schema = components[schema["$ref"].rsplit("/", 1)[-1]]
        required = set(schema.get("required", []))
        body = {
            name: _value(name, sub, components)
            for name, sub in schema.get("properties", {}).items()
            if name in required or name in FIELD_VALUES
        }
        body.pop("csrf_token", None)
        if ctype == "application/json":
            return None, lambda _s, _r, b=body: dict(b)
        return lambda _s, _r, b=body: dict(b), None
    return none, None


def request(
    seed: Seed, role: str, method: str, path: str, url: str, expect: Expect
) -> tuple[int, str]:
    browser = seed.browsers[role]
    if expect.stream:
        return _stream_status(seed.app, browser, url)
    kw: dict[str, Any] = {"follow_redirects": False}
    form, json = expect.form, expect.json
    if method != "GET" and form is None and json is None:
        form, json = auto_body(seed, method, path)
    if json is not None:
        kw["json"] = json(seed, role)
        kw["headers"] = {"X-CSRF-Token": browser.token or ""}
    elif method != "GET":
        data = dict((form or none)(seed, role))
        data.setdefault("csrf_token", browser.token or "")
        kw["data"] = data
    response = browser.client.request(method, url, **kw)
    assert response.status_code < 500, (role, method, url, response.text[:500])
    return response.status_code, response.headers.get("location", "")


# -- the database must not move when a request is refused ------------------------------------

VOLATILE = {"auth_session", "rate_limit"}


def fingerprint(database: Database) -> dict[str, str]:
    out = {}
    with database.engine.connect() as conn:
        for table in metadata.sorted_tables:
            if table.name in VOLATILE:
                continue
            rows = conn.execute(text(f'SELECT * FROM "{table.name}"')).all()
            digest = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
            out[table.name] = f"{len(rows)}:{digest[:16]}"
    return out


# -- one seeded world per module; restored before each state-changing route -----------------


@dataclass
class Snapshot:
    rows: dict[str, list[dict[str, Any]]]
    cookies: dict[str, dict[str, str]]
    tokens: dict[str, str | None]


def take_snapshot(seed: Seed) -> Snapshot:
    with seed.database.engine.connect() as conn:
        rows = {
            t.name: [dict(r) for r in conn.execute(t.select()).mappings()]
            for t in metadata.sorted_tables
        }
    return Snapshot(
        rows,
        {role: dict(b.client.cookies.items()) for role, b in seed.browsers.items()},
        {role: b.token for role, b in seed.browsers.items()},
    )


def restore(seed: Seed, snapshot: Snapshot) -> None:
    tables = metadata.sorted_tables
    with seed.database.engine.begin() as conn:
        for table in reversed(tables):  # DELETE on both engines: TRUNCATE cost ~0.5 s a route
            conn.execute(table.delete())
        for table in tables:
            if snapshot.rows[table.name]:
                conn.execute(table.insert(), snapshot.rows[table.name])
    for role, browser in seed.browsers.items():
        browser.client.cookies = snapshot.cookies[role]
        browser.token = snapshot.tokens[role]
    seed.cache.clear()


@pytest.fixture(scope="module")
def matrix(template_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seed]:
    """The seeded world, built once (a copy of the migrated template, or emptied PostgreSQL)."""
    import shutil

    if template_db.startswith("postgresql"):
        url = template_db
    else:
        path = tmp_path_factory.mktemp("matrix") / "matrix.db"
        shutil.copyfile(template_db, path)
        url = f"sqlite:///{path}"
    settings = Settings(env="test", database_url=url, htmx_source="local")
    with pytest.MonkeyPatch.context() as patch:
        # Module scope comes before conftest's per-test cheap hasher: use one here too, and
        # skip the fsyncs (this checks access, not durability).
        patch.setattr(
            passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
        )
        patch.setattr(appdb, "SQLITE_PRAGMAS", (*appdb.SQLITE_PRAGMAS, "PRAGMA synchronous=OFF"))
        yield from _matrix(settings)


def _matrix(settings: Settings) -> Iterator[Seed]:
    database = Database(settings)
    if database.engine.dialect.name == "postgresql":
        empty_postgres(str(settings.database_url))
    seed = build_seed(settings, database)
    seed.snapshot = take_snapshot(seed)
    yield seed
    seed.close()
    database.dispose()


# -- the tests -----------------------------------------------------------------------------


def test_every_route_is_in_the_table() -> None:
    missing = [r for r in ROUTES if r not in TABLE]
    assert not missing, "routes without a row in TABLE (add them):\n" + "\n".join(
        f"    {m} {p}" for m, p in missing
    )


def test_the_table_has_no_stale_rows() -> None:
    stale = [r for r in TABLE if r not in ROUTES]
    assert not stale, f"TABLE rows for routes that no longer exist: {stale}"


def test_the_table_covers_every_role() -> None:
    for key, expect in TABLE.items():
        assert set(expect.outcomes) == set(ROLES), key


def _check(seed: Seed, method: str, path: str) -> None:
    expect = TABLE.get((method, path))
    if expect is None:
        pytest.fail(f"{method} {path} is not in TABLE")
    refused = [r for r in ROLES if expect.outcomes[r] != "ok"]
    allowed = [r for r in ROLES if expect.outcomes[r] == "ok"]
    # The revoked participant goes first and must fare exactly as someone with no session.
    # Refused requests never change anything, and a GET never does either.
    order = ["revoked", *refused, *allowed]
    want = {role: expect.outcomes["anon" if role == "revoked" else role] for role in order}
    watched = [r for r in order if method == "GET" or want[r] != "ok"]
    if expect.setup:
        expect.setup(seed)
    urls = {role: _url(seed, path, role, expect) for role in order}  # seed first
    before = fingerprint(seed.database)
    observed: dict[str, str] = {}
    for role in order:
        if method != "GET" and role in allowed[1:] and seed.snapshot:
            restore(seed, seed.snapshot)  # each allowed role acts on the same fresh world
            if expect.setup:
                expect.setup(seed)
            urls[role] = _url(seed, path, role, expect)
        status, location = request(seed, role, method, path, urls[role], expect)
        wanted = want[role]
        observed[role] = _kind(status, location, write=method != "GET" and wanted == "ok")
        if observed[role] != wanted:
            table = ", ".join(f"{r}={k}" for r, k in observed.items())
            pytest.fail(
                f"{method} {path} as {role}: expected {wanted}, got {observed[role]} "
                f"(status {status} {location}). So far: {table}"
            )
        if watched and role == watched[-1]:
            after = fingerprint(seed.database)
            changed = [t for t in before if before[t] != after[t]]
            assert not changed, f"{method} {path}: {watched} changed {changed}"


READS = [r for r in ROUTES if r[0] == "GET"]
WRITES = [r for r in ROUTES if r[0] != "GET"]


@pytest.mark.parametrize(("method", "path"), READS, ids=[f"{m} {p}" for m, p in READS])
def test_read_route(matrix: Seed, method: str, path: str) -> None:
    """Every role on one shared world: a GET must never change anything."""
    _check(matrix, method, path)


@pytest.mark.parametrize(("method", "path"), WRITES, ids=[f"{m} {p}" for m, p in WRITES])
def test_write_route(matrix: Seed, method: str, path: str) -> None:
    """On a freshly restored world: refused roles change nothing, allowed roles pass."""
    assert matrix.snapshot
    restore(matrix, matrix.snapshot)
    _check(matrix, method, path)
