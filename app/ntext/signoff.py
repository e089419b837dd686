"""Sign-off of a negotiating text as a whole: "my side can live with this text", given on the
version in force and bound to its fingerprint, with the summary review's own machinery
(app/signoffs.py).

The version in force is the one that is signed: a published version never changes, so its
fingerprint holds until the facilitator publishes the next one, which makes every earlier
sign-off stale (shown as such to its signer, counted apart for staff, never counted as
current). A sign-off carries the tag HMAC(key, secret | "ntext-signoff" | item id), one per
participant and text; the signer's party goes only into TextSignoffTally. Staff see the
counts, per party only as `policy.signoff_breakdown` allows; a participant sees only their
own state, as the state of two controls of one size.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from app import policy, signoffs
from app.agenda.models import AgendaItem
from app.config import Settings
from app.errors import Conflict
from app.ntext import service
from app.ntext.models import TextParagraph, TextSignoff, TextSignoffTally, TextVersion
from app.policy import Viewer
from app.room import common, results
from app.security import keys
from app.workshops.models import Workshop

SIGNOFF = "ntext-signoff"
SCOPE = "item_id"
MODELS = (TextSignoff, TextSignoffTally)


@dataclass(frozen=True)
class PartySignoffView:
    party: str
    signed: int


@dataclass(frozen=True)
class SignoffView:
    """The sign-off of the version in force. `signed` is the viewer's own state as two
    controls, 1 or 0 each ("current": on this version, "earlier": on a replaced one); the
    counts are the facilitating staff's (`counts_shown`), per party only where k holds."""

    version: int
    fingerprint: str
    short: str
    signed: dict[str, int]
    counts_shown: bool = False
    total: int = 0
    stale: int = 0
    per_party: tuple[PartySignoffView, ...] = ()
    every_party: bool = False


def fingerprint(version: TextVersion, rows: list[TextParagraph]) -> str:
    """Of this version and its paragraphs (number, language, text): a new version has another
    one even if its words are the same, since a sign-off was given on a version."""
    paragraphs = [[p.number, p.lang, p.text] for p in sorted(rows, key=lambda p: p.number)]
    body = {"item": version.item_id, "version": version.id, "number": version.number}
    return signoffs.digest({**body, "paragraphs": paragraphs})


def in_force(db: Session, viewer: Viewer, item: AgendaItem) -> tuple[TextVersion, str] | None:
    """The version in force and its fingerprint, as this viewer reads it."""
    version = service.current(db, viewer=viewer, item=item)
    if version is None:
        return None
    rows = service.paragraphs(db, viewer=viewer, version_ids=[version.id])[version.id]
    return version, fingerprint(version, rows)


def _tag(db: Session, settings: Settings, workshop: Workshop, secret: bytes, item_id: str) -> str:
    return keys.author_tag(common.key(db, settings, workshop), secret, SIGNOFF, item_id)


def sign_off(
    db: Session,
    settings: Settings,
    *,
    viewer: Viewer,
    workshop: Workshop,
    item: AgendaItem,
    seen: object = "",
) -> bool:
    """Sign off on the version in force (`seen`: the fingerprint the participant was shown);
    an earlier sign-off moves to it. False if already signed on this version."""
    policy.ensure(viewer, "room.contribute", workshop)
    common.require_contributing(workshop)
    secret = common.require_secret(viewer)
    found = in_force(db, viewer, item)
    if found is None:
        raise Conflict("There is no version of the text to sign off yet.")
    _version, fp = found
    if seen and seen != fp:
        raise Conflict(
            "The text changed since you opened it. Read the version in force, then sign off."
        )
    tag = _tag(db, settings, workshop, secret, item.id)
    scope = (SCOPE, item.id)
    return signoffs.sign(
        db,
        MODELS,
        scope,
        tag=tag,
        fingerprint=fp,
        party_id=viewer.party_id,
        workshop_id=workshop.id,
    )


def _own(db: Session, settings: Settings, viewer: Viewer, workshop: Workshop, item_id: str) -> str:
    """The fingerprint the viewer signed on, recomputed from their tag; "" if none."""
    if not viewer.is_participant or viewer.secret is None:
        return ""
    row = signoffs.find(db, TextSignoff, _tag(db, settings, workshop, viewer.secret, item_id))
    return row.fingerprint if row is not None else ""


def per_party(
    db: Session, viewer: Viewer, workshop: Workshop, item: AgendaItem, fp: str
) -> dict[str, int] | None:
    """Sign-offs per counted party on this fingerprint, where the k rule allows a breakdown;
    None where it does not (then only the total may be said)."""
    counts = signoffs.tallies(db, TextSignoffTally, (SCOPE, item.id), fp)
    party_ids = [p.id for p in results.party_rows(db, viewer, workshop)]
    counted = policy.counted_parties(party_ids, policy.roster_sizes(db, workshop))
    return policy.signoff_breakdown(counts, counted, policy.effective_k(workshop))


def view(
    db: Session, settings: Settings, *, viewer: Viewer, workshop: Workshop, item: AgendaItem
) -> SignoffView | None:
    """The sign-off of the version in force as this viewer may see it; None before one."""
    found = in_force(db, viewer, item)
    if found is None:
        return None
    version, fp = found
    own = _own(db, settings, viewer, workshop, item.id)
    signed = {"current": int(bool(own) and own == fp), "earlier": int(bool(own) and own != fp)}
    base = SignoffView(version.number, fp, signoffs.short(fp), signed)
    if not viewer.may("room.facilitate", workshop.id):
        return base
    counts = signoffs.tallies(db, TextSignoffTally, (SCOPE, item.id), fp)
    shown = per_party(db, viewer, workshop, item, fp)
    names = {p.id: p.name for p in results.party_rows(db, viewer, workshop)}
    return SignoffView(
        version.number,
        fp,
        signoffs.short(fp),
        signed,
        counts_shown=True,
        total=sum(counts.values()),
        stale=signoffs.counted(db, TextSignoffTally, (SCOPE, item.id)) - sum(counts.values()),
        per_party=tuple(PartySignoffView(names[p], n) for p, n in (shown or {}).items()),
        every_party=shown is not None,
    )
