"""The request bodies of the room's JSON API (app/room/api.py), with what each field accepts."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictBool

from app.apiroutes import WHOLE, Body, Id, IdempotencyKey
from app.apitext import Line500, Name120, Reason500, Words2000


class ProposalIn(Body):
    text: Words2000
    idempotency_key: IdempotencyKey
    attribute: StrictBool = False


class ProposalEdit(Body):
    text: Words2000
    attribute: StrictBool = False


class ReactionIn(Body):
    value: Literal["agree", "disagree", "pass"]


class IntakeIn(Body):
    open: StrictBool


class RevealIn(Body):
    override_reason: Line500 | None = Field(
        default=None, description="Required below the minimum (else 409)"
    )


NO_REASON = RevealIn()


class ResultsIn(Body):
    shown: StrictBool


class TimerSet(Body):
    action: Literal["start", "extend"]
    minutes: Annotated[int, Field(strict=True, ge=1, le=240), WHOLE]


class TimerStep(Body):
    action: Literal["pause", "resume", "clear"]
    minutes: None = None


TimerIn = TimerSet | TimerStep  # no discriminator: anyOf (schemathesis misreads its oneOf)


class HideIn(Body):
    reason: Reason500


class EditIn(Body):
    text: Words2000


class MergeIn(Body):
    into: Id


class ThemeIn(Body):
    name: Name120


class AssignIn(Body):
    theme_id: Id | None = None


class SpeakerIn(Body):
    status: Literal["speaking", "done"]
