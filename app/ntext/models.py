"""The single negotiating text: versions in numbered paragraphs, anonymous marks per
paragraph, and the binding of critiques (which are proposals of the text item) to the
paragraph and version they were given on.

No table here has a column that points at a participant or, beside a mark, at a party: a
mark carries an author tag, HMAC(workshop key, participant secret || "ntext-mark" ||
paragraph id); the party meets a mark only in MarkTally, as for reactions.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db_order import NO_ROWID
from app.ids import new_id


class TextVersion(SQLModel, table=True):
    """One version (round) of an item's text: a draft until the facilitator publishes it."""

    __tablename__ = "ntext_version"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    workshop_id: str = Field(
        foreign_key="workshop.id", index=True, max_length=32, ondelete="CASCADE"
    )
    item_id: str = Field(
        foreign_key="agenda_item.id", index=True, max_length=32, ondelete="CASCADE"
    )
    number: int = 1
    published_on: date | None = None


class TextParagraph(SQLModel, table=True):
    """A numbered paragraph of one version, in one of the workshop's languages."""

    __tablename__ = "ntext_paragraph"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    workshop_id: str = Field(
        foreign_key="workshop.id", index=True, max_length=32, ondelete="CASCADE"
    )
    version_id: str = Field(
        foreign_key="ntext_version.id", index=True, max_length=32, ondelete="CASCADE"
    )
    number: int = 1
    lang: str = Field(default="en", max_length=16)
    text: str = Field(max_length=21700)  # ciphertext of up to 4000 chars


class ParagraphText(SQLModel, table=True):
    """A paragraph in another of the workshop's languages than its version's original (which
    the paragraph holds): aligned by number, so marks and critiques stay on the paragraph."""

    __tablename__ = "ntext_paragraph_text"
    __table_args__ = (UniqueConstraint("paragraph_id", "lang", name="uq_ntext_paragraph_text"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    workshop_id: str = Field(
        foreign_key="workshop.id", index=True, max_length=32, ondelete="CASCADE"
    )
    paragraph_id: str = Field(
        foreign_key="ntext_paragraph.id", index=True, max_length=32, ondelete="CASCADE"
    )
    lang: str = Field(max_length=16)
    text: str = Field(max_length=21700)  # ciphertext of up to 4000 chars


class TextCritique(SQLModel, table=True):
    """A critique is a proposal of the text item (same pending list, reveal, minimum batch
    and moderation); this binds it to its paragraph and so to its version. No foreign key
    on the proposal: the reveal deletes and re-inserts a batch's rows in a random order
    (app/db_order.py), which a cascade would follow."""

    __tablename__ = "ntext_critique"
    __table_args__ = NO_ROWID

    proposal_id: str = Field(primary_key=True, max_length=32)
    workshop_id: str = Field(
        foreign_key="workshop.id", index=True, max_length=32, ondelete="CASCADE"
    )
    paragraph_id: str = Field(
        foreign_key="ntext_paragraph.id", index=True, max_length=32, ondelete="CASCADE"
    )


class TextMark(SQLModel, table=True):
    """One mark per author and paragraph (can live with / cannot / no view): the tag is
    stable for that pair only."""

    __tablename__ = "ntext_mark"
    __table_args__ = NO_ROWID

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    workshop_id: str = Field(
        foreign_key="workshop.id", index=True, max_length=32, ondelete="CASCADE"
    )
    paragraph_id: str = Field(
        foreign_key="ntext_paragraph.id", index=True, max_length=32, ondelete="CASCADE"
    )
    author_tag: str | None = Field(default=None, max_length=64, unique=True)
    value: str = Field(max_length=16)


class MarkTally(SQLModel, table=True):
    """Counts per paragraph, party and value: the only place a party meets a mark."""

    __tablename__ = "ntext_mark_tally"
    __table_args__ = NO_ROWID

    paragraph_id: str = Field(
        foreign_key="ntext_paragraph.id", primary_key=True, max_length=32, ondelete="CASCADE"
    )
    party_id: str = Field(
        foreign_key="party.id", primary_key=True, max_length=32, ondelete="CASCADE"
    )
    value: str = Field(primary_key=True, max_length=16)
    count: int = 0


class TextSignoff(SQLModel, table=True):
    """One "my side can live with this text as a whole" per participant and text item, found
    by its author tag only (HMAC(key, secret | "ntext-signoff" | item id)), with the
    fingerprint of the version it was given on (signing again moves it)."""

    __tablename__ = "ntext_signoff"
    __table_args__ = NO_ROWID

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    workshop_id: str = Field(
        foreign_key="workshop.id", index=True, max_length=32, ondelete="CASCADE"
    )
    item_id: str = Field(
        foreign_key="agenda_item.id", index=True, max_length=32, ondelete="CASCADE"
    )
    author_tag: str = Field(max_length=64, unique=True)
    fingerprint: str = Field(default="", max_length=64)


class TextSignoffTally(SQLModel, table=True):
    """Sign-offs counted per text item, version fingerprint and party: the only place a party
    meets a sign-off of the text."""

    __tablename__ = "ntext_signoff_tally"
    __table_args__ = NO_ROWID

    item_id: str = Field(
        foreign_key="agenda_item.id", primary_key=True, max_length=32, ondelete="CASCADE"
    )
    fingerprint: str = Field(default="", primary_key=True, max_length=64)
    party_id: str = Field(
        foreign_key="party.id", primary_key=True, max_length=32, ondelete="CASCADE"
    )
    count: int = 0
