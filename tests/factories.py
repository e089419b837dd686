"""Factories: build rows through the services, never by hand, so tests exercise real paths."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import User
from app.accounts.service import create_user
from app.config import Settings
from app.db import Database
from app.policy import Viewer
from app.roster import service as roster
from app.workshops import archive as archiving
from app.workshops import service as workshops
from app.workshops.models import Membership, Party, Workshop

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def staff_viewer(db: Session, user: User) -> Viewer:
    roles = {
        m.workshop_id: m.role
        for m in db.exec(select(Membership).where(Membership.user_id == user.id))
    }
    return Viewer(
        kind="staff", user_id=user.id, email=user.email, display_name=user.display_name, roles=roles
    )


@dataclass
class World:
    """A workshop with staff in every role, parties and invited participants."""

    settings: Settings
    database: Database
    workshop: Workshop
    users: dict[str, User] = field(default_factory=dict)
    parties: list[Party] = field(default_factory=list)
    invitations: list[roster.Invitation] = field(default_factory=list)

    def viewer(self, role: str) -> Viewer:
        with self.database.session() as db:
            return staff_viewer(db, self.users[role])

    def archive(self, *, close: bool = True) -> None:
        """The organizer closes the workshop (unless it is closed already) and archives it,
        through the services, as the console would."""
        organizer = self.viewer("organizer")
        if close:
            with self.database.transaction() as db:
                workshop = workshops.get(db, self.workshop.id, viewer=organizer)
                workshops.transition(db, viewer=organizer, workshop=workshop, to="closed")
        with self.database.transaction() as db:
            workshop = workshops.get(db, self.workshop.id, viewer=organizer)
            archiving.archive(
                db, self.settings, viewer=organizer, workshop=workshop, confirm_title=workshop.title
            )


def make_user(db: Session, *, email: str | None = None, name: str | None = None) -> User:
    n = next(_counter)
    return create_user(
        db,
        email=email or f"staff{n}@example.org",
        display_name=name or f"Staff {n}",
        password=PASSWORD,
    )


def make_world(
    settings: Settings,
    database: Database,
    *,
    title: str = "Dialogue on the Northern Valley",
    parties: tuple[str, ...] = ("Riverside", "Highland"),
    participants_per_party: int = 2,
    status: str = "open",
    names: list[str] | None = None,
    affiliations: list[str] | None = None,
    languages: str = "en",
) -> World:
    """Organizer, facilitator, rapporteur, observer, translator; parties; invited
    participants."""
    with database.transaction() as db:
        organizer = make_user(db)
        viewer = Viewer(kind="staff", user_id=organizer.id, email=organizer.email)
        workshop = workshops.create(db, settings, viewer=viewer, title=title, languages=languages)
        users = {"organizer": organizer}
        for role in ("facilitator", "rapporteur", "observer", "translator"):
            user = make_user(db)
            db.add(Membership(workshop_id=workshop.id, user_id=user.id, role=role))
            users[role] = user
        party_rows = []
        for i, name in enumerate(parties):
            party = Party(workshop_id=workshop.id, name=name, position=i)
            db.add(party)
            party_rows.append(party)
        db.flush()
        viewer = staff_viewer(db, organizer)
        invitations = []
        idx = 0
        for party in party_rows:
            for _ in range(participants_per_party):
                display = (
                    names[idx] if names and idx < len(names) else f"Participant {next(_counter)}"
                )
                org = affiliations[idx] if affiliations and idx < len(affiliations) else ""
                invitations.append(
                    roster.add(
                        db,
                        viewer=viewer,
                        workshop=workshop,
                        display_name=display,
                        party_id=party.id,
                        affiliation=org,
                    )
                )
                idx += 1
        workshop.status = status
        db.add(workshop)
    return World(settings, database, workshop, users, party_rows, invitations)


class Browser:
    """A TestClient that carries the CSRF token of the last page, like a real browser would."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.token: str | None = None

    def _remember(self, response: Any) -> Any:
        match = (
            CSRF_RE.search(response.text)
            if "text/html" in response.headers.get("content-type", "")
            else None
        )
        if match:
            self.token = match.group(1)
        return response

    def get(self, url: str, **kw: Any) -> Any:
        return self._remember(self.client.get(url, **kw))

    def ensure_token(self) -> str:
        if self.token is None:
            self.get("/")
        assert self.token, "no CSRF token found on the page"
        return self.token

    def post(self, url: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
        payload = dict(data or {})
        payload.setdefault("csrf_token", self.ensure_token())
        kw.setdefault("follow_redirects", False)
        return self._remember(self.client.post(url, data=payload, **kw))

    def login(self, user: User) -> Any:
        response = self.post("/login", {"email": user.email, "password": PASSWORD})
        assert response.status_code == 303, response.text
        self.token = None
        return response

    def join(self, invitation: roster.Invitation, *, keep: bool = True) -> str:
        """Claim an invitation; returns the recovery code, then (keep) confirms keeping it."""
        self.get(invitation.path())
        response = self.post(invitation.path())
        assert response.status_code == 303, response.text
        page = self.get(response.headers["location"])
        code = re.search(r'id="recovery-code">([^<]+)<', page.text)
        assert code, page.text
        if keep:
            kept = self.post(response.headers["location"] + "/kept")
            assert kept.status_code == 303, kept.text
        self.token = None
        return code.group(1)
