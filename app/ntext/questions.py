"""The questions a negotiating text leaves open: the paragraphs of each text's version in
force that the published figures do not mark as lived with by every party. A series of
workshops carries them forward to the next round (app/workshops/series.py), only where the
policy lets them outlive the round (`policy.texts.carries_forward`: released, not off the
record)."""

from __future__ import annotations

from sqlmodel import Session

from app import policy
from app.ntext import figures, service
from app.policy import Viewer
from app.room import common
from app.workshops.models import Workshop


def open_questions(db: Session, *, viewer: Viewer, workshop: Workshop, released: bool) -> list[str]:
    """One line per open paragraph that may be carried forward: the text's title, the
    paragraph's number and its text. `released`: whether the round's summary is released."""
    out = []
    for item in common.items(db, viewer=viewer, workshop=workshop):
        if not policy.texts.carries_forward(item, released=released):
            continue
        version = service.current(db, viewer=viewer, item=item)
        if version is None:
            continue
        shown, _published = figures.for_item(db, viewer=viewer, workshop=workshop, item=item)
        for row in service.paragraphs(db, viewer=viewer, version_ids=[version.id])[version.id]:
            figure = shown.get(row.id)
            if figure is None or not figure.every_party:
                out.append(f"{item.title} §{row.number}: {row.text}")
    return out
