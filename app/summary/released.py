"""The released summary: the exact bytes of every export format, kept at release.

DESIGN.md: "The released document survives archive; nothing else of the workshop's content
does." At release (app.summary.service.release) every format of app/summary/formats is
rendered once from the export model and stored here, byte for byte. These bytes are NOT
encrypted under the workshop key: they are the non-attributed document meant to outlive it
(the attribution check has cleared them, and no author, name or time finer than the day is
in them). Archive leaves this table alone; a later release replaces the stored bytes.

Reading needs "summary.edit" in the workshop (organizer and rapporteur), whatever its state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Field, Session, SQLModel, col, select

from app import i18n, policy
from app.audit import service as audit
from app.ids import today
from app.policy import Viewer
from app.summary.formats.registry import registry
from app.summary.present import SummaryExport
from app.workshops.models import Workshop


class ReleasedSummary(SQLModel, table=True):
    """One format of the released summary of one workshop."""

    __tablename__ = "released_summary"

    workshop_id: str = Field(
        foreign_key="workshop.id", primary_key=True, max_length=32, ondelete="CASCADE"
    )
    fmt: str = Field(primary_key=True, max_length=8)
    body: bytes
    released_on: date = Field(default_factory=today)


@dataclass(frozen=True)
class ReleasedFile:
    fmt: str
    media_type: str
    body: bytes
    released_on: date

    @property
    def filename(self) -> str:
        return f"summary-released.{self.fmt}"


def store(db: Session, workshop: Workshop, model: SummaryExport) -> None:
    """Render every format from the released model and keep its bytes (replacing any)."""
    for fmt, chosen in registry().items():
        row = db.get(ReleasedSummary, (workshop.id, fmt)) or ReleasedSummary(
            workshop_id=workshop.id, fmt=fmt, body=b""
        )
        row.body = chosen.file(model, i18n.current_locale.get())
        row.released_on = today()
        db.add(row)


def read(db: Session, workshop: Workshop, *, viewer: Viewer, fmt: str) -> ReleasedFile | None:
    """The stored bytes of one format, or None if none was released."""
    policy.ensure(viewer, "summary.edit", workshop)
    formats = registry()
    if fmt not in formats:
        return None
    row = db.get(ReleasedSummary, (workshop.id, fmt))
    if row is None:
        return None
    return ReleasedFile(
        fmt=fmt, media_type=formats[fmt].media_type, body=row.body, released_on=row.released_on
    )


def record_download(db: Session, workshop: Workshop, *, viewer: Viewer, fmt: str) -> None:
    audit.record(db, viewer=viewer, workshop_id=workshop.id, action="summary.download", detail=fmt)


def kept(db: Session, workshop: Workshop, *, viewer: Viewer) -> list[str]:
    """The formats kept for this workshop, in the registry's order."""
    policy.ensure(viewer, "summary.edit", workshop)
    stored = set(
        db.exec(select(ReleasedSummary.fmt).where(col(ReleasedSummary.workshop_id) == workshop.id))
    )
    return [fmt for fmt in registry() if fmt in stored]
