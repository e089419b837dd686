"""Attitude surveys: the survey and its items, answers paired by a tag, per-party tallies and
the published results.

An answer row (SurveyResponse) holds the moment, the values and a pairing tag =
HMAC(workshop key, domain || participant secret || survey id) (app/security/keys.py): the
same for one person's answers at every moment of one survey, and nothing else. It has no
participant, no party, no author tag and no time. The party meets an answer only in the
tallies (counts per item, party, moment and value, or per item, party, span and change),
like reactions meet it only in ReactionTally.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db_order import NO_ROWID
from app.ids import new_id

MOMENTS = ("pre", "post", "follow_up")
SPANS = ("post", "follow_up")  # changes are measured from "pre" to each of these
MOMENT_STATES = ("waiting", "open", "ended")
SCALE = (1, 2, 3, 4, 5)
KINDS = ("likert", "text")
ANSWERS_PADDED = 1000  # JSON of up to 20 answers ({"<32 hex>": n, ...}), padded to this
ANSWERS_STORED = 4000  # the column, wide enough for its ciphertext (encrypted_length(1000) = 1376)


class Survey(SQLModel, table=True):
    """One survey per workshop, with the state of each of its three moments."""

    __tablename__ = "survey"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    workshop_id: str = Field(
        foreign_key="workshop.id", unique=True, max_length=32, ondelete="CASCADE"
    )
    pre_state: str = Field(default="waiting", max_length=16)
    post_state: str = Field(default="waiting", max_length=16)
    follow_up_state: str = Field(default="waiting", max_length=16)


class SurveyItem(SQLModel, table=True):
    """A Likert statement (1 = strongly disagree .. 5 = strongly agree), written by the
    organizer (from the library of examples or their own), or a free-text question."""

    __tablename__ = "survey_item"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    survey_id: str = Field(foreign_key="survey.id", index=True, max_length=32, ondelete="CASCADE")
    workshop_id: str = Field(
        foreign_key="workshop.id", index=True, max_length=32, ondelete="CASCADE"
    )
    prompt: str = Field(max_length=300)
    position: int = 0
    kind: str = Field(default="likert", max_length=8)


class SurveyText(SQLModel, table=True):
    """A free-text answer: ciphertext under the workshop key, with no pairing tag, party or
    time, so it links to no other answer; shown only once revealed in a batch of at least the
    minimum batch (app/policy/aggregation.py), unless hidden by a moderator."""

    __tablename__ = "survey_text"
    __table_args__ = NO_ROWID

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    workshop_id: str = Field(
        foreign_key="workshop.id", index=True, max_length=32, ondelete="CASCADE"
    )
    item_id: str = Field(
        foreign_key="survey_item.id", index=True, max_length=32, ondelete="CASCADE"
    )
    moment: str = Field(max_length=16)
    text: str = Field(max_length=10800)  # ciphertext of up to 2000 chars
    status: str = Field(default="pending", max_length=16)
    hidden: bool = False


class SurveyResponse(SQLModel, table=True):
    """One person's answers at one moment: values by item id (JSON, padded to one length,
    ciphertext under the workshop key: app/security/at_rest.py) and the pairing tag."""

    __tablename__ = "survey_response"
    __table_args__ = (UniqueConstraint("survey_id", "moment", "pairing_tag"), NO_ROWID)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    workshop_id: str = Field(
        foreign_key="workshop.id", index=True, max_length=32, ondelete="CASCADE"
    )
    survey_id: str = Field(foreign_key="survey.id", index=True, max_length=32, ondelete="CASCADE")
    moment: str = Field(max_length=16)
    pairing_tag: str = Field(max_length=64)
    answers: str = Field(default="{}", max_length=ANSWERS_STORED)  # ciphertext


class SurveyTally(SQLModel, table=True):
    """How many of a party gave a value to an item at a moment: the only place a party meets
    an answer."""

    __tablename__ = "survey_tally"
    __table_args__ = NO_ROWID

    item_id: str = Field(
        foreign_key="survey_item.id", primary_key=True, max_length=32, ondelete="CASCADE"
    )
    party_id: str = Field(
        foreign_key="party.id", primary_key=True, max_length=32, ondelete="CASCADE"
    )
    moment: str = Field(primary_key=True, max_length=16)
    value: int = Field(primary_key=True)
    workshop_id: str = Field(
        foreign_key="workshop.id", index=True, max_length=32, ondelete="CASCADE"
    )
    count: int = 0


class SurveyChangeTally(SQLModel, table=True):
    """How many of a party changed their answer to an item by `delta` from "pre" to `span`."""

    __tablename__ = "survey_change_tally"
    __table_args__ = NO_ROWID

    item_id: str = Field(
        foreign_key="survey_item.id", primary_key=True, max_length=32, ondelete="CASCADE"
    )
    party_id: str = Field(
        foreign_key="party.id", primary_key=True, max_length=32, ondelete="CASCADE"
    )
    span: str = Field(primary_key=True, max_length=16)
    delta: int = Field(primary_key=True)
    workshop_id: str = Field(
        foreign_key="workshop.id", index=True, max_length=32, ondelete="CASCADE"
    )
    count: int = 0


class SurveyResults(SQLModel, table=True):
    """The last published results (JSON of figures the k and deniability rules let through)
    and the number of answers per moment they were computed from; a day, never a time."""

    __tablename__ = "survey_results"

    survey_id: str = Field(
        foreign_key="survey.id", primary_key=True, max_length=32, ondelete="CASCADE"
    )
    workshop_id: str = Field(
        foreign_key="workshop.id", index=True, max_length=32, ondelete="CASCADE"
    )
    seq: int = 0
    payload: str = "{}"
    counts: str = "{}"
    published_on: date | None = None


class TransferEntry(SQLModel, table=True):
    """What happened to the workshop's output after the room: a released-summary item (by
    its number, with its title as released) briefed to a destination on a day by a staff
    member, and the outcome seen later. It names no participant and holds nothing under the
    workshop key: it survives archive, like the released summary."""

    __tablename__ = "transfer_entry"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    workshop_id: str = Field(
        foreign_key="workshop.id", index=True, max_length=32, ondelete="CASCADE"
    )
    item_number: int | None = None  # None: the summary as a whole
    item_title: str = Field(default="", max_length=300)
    destination: str = Field(max_length=300)
    briefed_on: date
    by_user_id: str | None = Field(
        default=None, foreign_key="user_account.id", max_length=32, ondelete="SET NULL"
    )
    outcome: str = Field(default="", max_length=1000)
