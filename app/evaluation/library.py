"""Example statements for an attitude survey, in the style of the evaluations of interactive
problem-solving workshops (Kelman, Fisher) and of sustained dialogue (Saunders). They are
examples to adapt, not validated instruments: the organizer edits them once added."""

from __future__ import annotations

from app.i18n import N_

EXAMPLES = (
    N_("I understand the other side's concerns."),
    N_("The other side understands my side's concerns."),
    N_("A negotiated solution is possible."),
    N_("I trust the other side's intentions."),
    N_("I would work with people from the other side."),
    N_("I can explain the other side's view to people on my side."),
    N_("I see options I had not considered before."),
    N_("Dialogue of this kind should continue."),
)
