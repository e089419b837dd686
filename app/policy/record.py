"""A per-request record of the policy checks that ran (datasette's assert_permissions_checked)."""

from __future__ import annotations

from contextvars import ContextVar

_checks: ContextVar[list[tuple[str, str]] | None] = ContextVar("policy_checks", default=None)


def start_recording() -> list[tuple[str, str]]:
    record: list[tuple[str, str]] = []
    _checks.set(record)
    return record


def recorded() -> list[tuple[str, str]]:
    return list(_checks.get() or [])


def note(kind: str, what: str) -> None:
    record = _checks.get()
    if record is not None:
        record.append((kind, what))
