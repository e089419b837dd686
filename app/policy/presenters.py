"""Presentation: how each model is shown to a viewer, as a view model without author fields.

Each feature registers its presenters on import (`@policy.presenter("Proposal")`), so the
policy imports no feature. ORM rows never reach a template; `present()` is the only way out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from app.policy.record import note
from app.policy.viewer import Viewer

Presenter = Callable[[Any, Viewer], Any]
PRESENTERS: dict[str, Presenter] = {}


def presenter(model_name: str) -> Callable[[Presenter], Presenter]:
    """Register how a model is shown to a viewer (a view model without author fields)."""

    def register(fn: Presenter) -> Presenter:
        PRESENTERS[model_name] = fn
        return fn

    return register


def present(obj: Any, viewer: Viewer) -> Any:
    """The view model of an ORM row for this viewer. Rows never reach templates directly."""
    name = type(obj).__name__
    note("present", name)
    fn = PRESENTERS.get(name)
    if fn is None:
        raise LookupError(f"no presenter for {name}: is its feature's present module imported?")
    return fn(obj, viewer)


def present_all(rows: Iterable[Any], viewer: Viewer) -> list[Any]:
    return [present(row, viewer) for row in rows]
