"""The summary's own records: extra terms, attribution decisions, review, sign-offs, comments.

None of these tables changes a contribution. A sign-off stores a per-review author tag (so a
participant signs at most once) and, apart from it, only an aggregate count per party: no
column links a participant, or a party, to a comment.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Field, SQLModel

from app.db_order import NO_ROWID
from app.ids import new_id, today


class SummaryTerm(SQLModel, table=True):
    """An extra term the organizer lists for the attribution check (a place, a unit, a phrase)."""

    __tablename__ = "summary_term"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    workshop_id: str = Field(
        foreign_key="workshop.id", index=True, max_length=32, ondelete="CASCADE"
    )
    term: str = Field(max_length=1120)  # AES-GCM ciphertext of up to 200 chars


class SummaryDecision(SQLModel, table=True):
    """How one attribution hit is handled: redacted in the summary, or kept with a reason.

    A hit is identified by a fingerprint of (where it is, which folded term), so it survives
    re-scans; the original contribution is never changed.
    """

    __tablename__ = "summary_decision"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    workshop_id: str = Field(
        foreign_key="workshop.id", index=True, max_length=32, ondelete="CASCADE"
    )
    fingerprint: str = Field(max_length=64)
    action: str = Field(max_length=16)
    reason: str = Field(default="", max_length=2720)  # ciphertext of 500
    decided_on: date = Field(default_factory=today)
    kept_by: str | None = Field(default=None, max_length=32)  # the staff user who kept it
    approved_by: str | None = Field(default=None, max_length=32)  # the second staff user


class SummaryReview(SQLModel, table=True):
    """The participant review of the draft: open or closed, and the release rule chosen."""

    __tablename__ = "summary_review"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    workshop_id: str = Field(
        foreign_key="workshop.id", index=True, max_length=32, ondelete="CASCADE"
    )
    state: str = Field(default="open", max_length=16)
    rule: str = Field(default="every_party", max_length=16)
    min_signoffs: int = 1
    released: bool = False
    release_override: str = Field(default="", max_length=2720)  # ciphertext of 500
    released_fingerprint: str = Field(default="", max_length=64)
    opened_on: date = Field(default_factory=today)


class SummarySignoff(SQLModel, table=True):
    """One "I can live with this" per participant and review, found by its author tag only,
    with the fingerprint of the draft it was given on (signing again moves it)."""

    __tablename__ = "summary_signoff"
    __table_args__ = NO_ROWID

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    review_id: str = Field(
        foreign_key="summary_review.id", index=True, max_length=32, ondelete="CASCADE"
    )
    author_tag: str = Field(max_length=64, unique=True)
    fingerprint: str = Field(default="", max_length=64)


class SummarySignoffTally(SQLModel, table=True):
    """Sign-offs counted per party and draft fingerprint: the only place a party meets a
    sign-off."""

    __tablename__ = "summary_signoff_tally"
    __table_args__ = NO_ROWID

    review_id: str = Field(
        foreign_key="summary_review.id", primary_key=True, max_length=32, ondelete="CASCADE"
    )
    fingerprint: str = Field(default="", primary_key=True, max_length=64)
    party_id: str = Field(
        foreign_key="party.id", primary_key=True, max_length=32, ondelete="CASCADE"
    )
    count: int = 0


class SummaryComment(SQLModel, table=True):
    """An anonymous comment on the draft: no author column of any kind."""

    __tablename__ = "summary_comment"
    __table_args__ = NO_ROWID

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    review_id: str = Field(
        foreign_key="summary_review.id", index=True, max_length=32, ondelete="CASCADE"
    )
    body: str = Field(max_length=10800)  # AES-GCM ciphertext of up to 2000 chars
    idempotency_key: str | None = Field(default=None, max_length=64, unique=True)
    fingerprint: str = Field(default="", max_length=64)
