"""Typed dependencies: the database session, the Viewer, CSRF protection, the current staff."""

from __future__ import annotations

import base64
import binascii
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import and_
from sqlmodel import Session, col, select

from app.accounts import resume
from app.accounts.models import ApiToken, AuthSession, User
from app.config import Settings, get_settings
from app.db import Database
from app.errors import CsrfFailed, NotSignedIn, SessionExpired
from app.policy import ANONYMOUS, Viewer, staff_roles
from app.roster.models import Participant, RulesAcceptance
from app.security import csrf, sessions
from app.security.tokens import new_token, token_hash
from app.two_step import service as two_step
from app.workshops.models import Membership, Workshop


def get_database(request: Request) -> Database:
    database: Database = request.app.state.db
    return database


async def get_db(request: Request) -> AsyncIterator[Session]:
    """One session per request; unsafe methods take the write lock at BEGIN (SQLite).

    The body of a write has been read in full before this runs (app.retry), so no
    transaction waits on the network while it holds SQLite's write lock.
    """
    database = get_database(request)
    write = request.method not in csrf.SAFE_METHODS
    session = database.session(write=write)
    session.info["bus"] = request.app.state.bus
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


async def get_app_settings(request: Request) -> Settings:  # async: no thread-pool hop
    """The settings the application was created with (tests pass their own)."""
    settings = getattr(request.app.state, "settings", None)
    return settings if isinstance(settings, Settings) else get_settings()


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
# scope="function": commit (or fail) BEFORE the response is sent, so a client is never told
# a write succeeded that was not committed (the default scope commits after the response).
DbDep = Annotated[Session, Depends(get_db, scope="function")]


def _viewer_for_session(db: Session, row: AuthSession, secret: bytes | None) -> Viewer:
    if row.kind == "staff" and row.user_id:
        user = db.get(User, row.user_id)
        if user is None or not user.is_active:
            return ANONYMOUS
        memberships = db.exec(
            select(Membership.workshop_id, Membership.role, Workshop.staff_two_step)
            .join(Workshop, col(Workshop.id) == col(Membership.workshop_id))
            .where(col(Membership.user_id) == user.id)
        )
        has_two_step = two_step.is_active(db, user.id)
        roles, held_back = staff_roles(memberships, has_two_step=has_two_step)
        return Viewer(
            kind="staff",
            user_id=user.id,
            email=user.email,
            display_name=user.display_name,
            roles=roles,
            session_id=row.id,
            two_step=has_two_step,
            held_back=held_back,
        )
    if row.kind == "participant" and row.participant_id:
        # One round trip for the participant, their workshop and whether they accepted its
        # current rules (a room under load resolves a viewer on every request). All three
        # stay in the session's identity map, so the route's own look-ups of the workshop
        # (app.workshops.service.get) and of the acceptance cost no further query.
        found = db.exec(
            select(Participant, Workshop, RulesAcceptance)
            .join(Workshop, col(Workshop.id) == col(Participant.workshop_id))
            .outerjoin(
                RulesAcceptance,
                and_(
                    col(RulesAcceptance.participant_id) == col(Participant.id),
                    col(RulesAcceptance.version) == col(Workshop.rules_version),
                ),
            )
            .where(col(Participant.id) == row.participant_id)
        ).first()
        if found is None:
            return ANONYMOUS
        participant, workshop, _accepted = found
        db.info["viewer_rows"] = found  # the identity map holds rows weakly: keep them alive
        if workshop.status == "archived":
            db.info["archived_workshop"] = workshop.id  # they are told so, not shown a 404
        if participant.status != "active" or workshop.status == "archived":
            return ANONYMOUS
        return Viewer(
            kind="participant",
            participant_id=participant.id,
            workshop_id=participant.workshop_id,
            party_id=participant.party_id,
            display_name=participant.display_name,
            secret=secret,
            session_id=row.id,
        )
    return ANONYMOUS


def _author_secret(request: Request, settings: Settings) -> bytes | None:
    raw = request.cookies.get(sessions.author_cookie(settings))
    if not raw:
        return None
    try:
        secret = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except (binascii.Error, ValueError):
        return None
    return secret if len(secret) == 32 else None


def _bearer_viewer(db: Session, request: Request) -> Viewer | None:
    auth = request.headers.get("authorization", "")
    if not auth.lower().startswith("bearer "):
        return None
    token = auth[7:].strip()
    row = db.exec(select(ApiToken).where(ApiToken.token_hash == token_hash(token))).first()
    if row is None:
        raise NotSignedIn("This API token is not valid.")
    session_like = AuthSession(token_hash="", kind="staff", user_id=row.user_id, csrf_token="")
    viewer = _viewer_for_session(db, session_like, None)
    if viewer.is_anonymous:
        raise NotSignedIn("This API token is not valid.")
    request.state.api_token = True
    return viewer


async def get_viewer(request: Request, db: DbDep, settings: SettingsDep) -> Viewer:
    """Resolve who is asking, and the CSRF token their forms must carry."""
    cached: Viewer | None = getattr(request.state, "viewer", None)
    if cached is not None:
        return cached
    viewer = _bearer_viewer(db, request)
    if viewer is None:
        cookie = sessions.token_from(request, settings)
        row = sessions.lookup(db, settings, cookie)
        viewer = ANONYMOUS
        if cookie and row is None and request.cookies.get(sessions.staff_hint_cookie(settings)):
            request.state.session_expired = True  # sent to sign in and back, not a 404
        if row is not None:
            viewer = _viewer_for_session(db, row, _author_secret(request, settings))
            request.state.archived_workshop = db.info.pop("archived_workshop", None)
            if not viewer.is_anonymous:
                request.state.csrf_token = row.csrf_token
        if viewer.is_anonymous:
            token = request.cookies.get(csrf.anon_cookie(settings)) or ""
            if len(token) < 20 or len(token) > 100:
                token = new_token(24)
                request.state.set_anon_csrf = token
            request.state.csrf_token = token
    request.state.viewer = viewer
    request.state.me = _me(viewer)
    return viewer


def _me(viewer: Viewer) -> dict[str, str | None] | None:
    if viewer.is_anonymous:
        return None
    return {"kind": viewer.kind, "name": viewer.display_name, "email": viewer.email}


ViewerDep = Annotated[Viewer, Depends(get_viewer)]


async def csrf_protect(request: Request, viewer: ViewerDep, settings: SettingsDep) -> None:
    """Every state change carries the token and comes from our own origin."""
    if request.method in csrf.SAFE_METHODS:
        return
    if getattr(request.state, "api_token", False):
        return
    csrf.check_origin(request, settings)
    expected = getattr(request.state, "csrf_token", "")
    if getattr(request.state, "set_anon_csrf", None):
        expected = ""  # a token minted on this very request cannot have been submitted
    given = await csrf.submitted_token(request)
    if not csrf.tokens_match(expected, given) and getattr(request.state, "session_expired", False):
        form = await request.form() if "form" in request.headers.get("content-type", "") else {}
        raise SessionExpired(action=request.url.path, fields=resume.carried(form))
    if not csrf.tokens_match(expected, given):
        raise CsrfFailed(
            "This form has expired or did not come from Tracktwo. Go back, reload the page "
            "and try again: nothing you had saved is lost."
        )


async def require_staff(viewer: ViewerDep) -> Viewer:
    if not viewer.is_staff:
        raise NotSignedIn()
    return viewer


async def require_participant(viewer: ViewerDep) -> Viewer:
    if not viewer.is_participant:
        raise NotSignedIn()
    return viewer


StaffDep = Annotated[Viewer, Depends(require_staff)]
ParticipantDep = Annotated[Viewer, Depends(require_participant)]
