"""Schemathesis against the JSON API (in-process ASGI), as a staff API token of a seeded
workshop: no 500, no response outside its schema, and no author field in any response.

Bounded: at most FUZZ_SECONDS for the whole run (stateful phase included), a few examples
per operation. The figures are printed (run with -s to see them).
"""

from __future__ import annotations

import os
import time
from collections import Counter
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hsettings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from app.accounts.service import create_api_token
from app.config import Settings
from app.db import Database
from app.main import create_app
from tests.datasafety.seed import seed

FUZZ_SECONDS = float(os.environ.get("TRACKTWO_FUZZ_SECONDS", "75"))
EXAMPLES = int(os.environ.get("TRACKTWO_FUZZ_EXAMPLES", "12"))
AUTHOR_KEYS = frozenset(
    {"author", "author_tag", "author_id", "author_user_id", "author_name", "participant_id"}
)
# Left out: /export.{fmt} (PDF/DOCX rendering takes seconds a case; the summary tests cover it)


def author_keys_in(value: Any, path: str = "$") -> list[str]:
    found: list[str] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            if str(key).lower() in AUTHOR_KEYS:
                found.append(f"{path}.{key}")
            found += author_keys_in(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for n, inner in enumerate(value):
            found += author_keys_in(inner, f"{path}[{n}]")
    return found


def no_author_fields(ctx: Any, response: Any, case: Any) -> bool | None:
    """Fail on any JSON response that carries an author field (DESIGN.md, Anonymity 1)."""
    if "json" not in (response.headers.get("content-type") or [""])[0]:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    found = author_keys_in(body)
    if found:
        raise AssertionError(f"author field(s) in the response: {', '.join(found)}")
    return None


schemathesis.check(no_author_fields)
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    no_author_fields,
]


def test_the_author_check_itself() -> None:
    assert author_keys_in({"items": [{"text": "x", "mine": True}]}) == []
    assert author_keys_in({"items": [{"author_tag": "ab"}]}) == ["$.items[0].author_tag"]
    assert author_keys_in([{"a": {"Participant_ID": 1}}]) == ["$[0].a.Participant_ID"]


@pytest.mark.slow
def test_api_fuzz(settings: Settings, database: Database) -> None:
    s = seed(settings, database)
    # reopen the workshop's room so that write operations get past "closed"
    with database.transaction() as db:
        from app.workshops.models import Workshop

        workshop = db.get(Workshop, s.workshop_id)
        assert workshop is not None
        workshop.status = "live"
        db.add(workshop)
        token = create_api_token(db, viewer=s.world.viewer("organizer"), name="fuzz")
    app = create_app(settings, database)
    headers = {"Authorization": f"Bearer {token}"}
    with database.session() as db:
        from sqlmodel import select

        from app.agenda.models import AgendaItem

        items = list(db.exec(select(AgendaItem.id).where(AgendaItem.workshop_id == s.workshop_id)))
    known = {"workshop_id": s.workshop_id, "proposal_id": s.proposal_ids[0], "item_id": items[-1]}
    config = schemathesis.Config.from_dict({"headers": headers, "parameters": known})
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app, config=config).include(
        path_regex=r"^/api/(?!.*/export\.)"
    )
    operations = [op.ok() for op in schema.get_all_operations()]
    assert len(operations) > 20
    started = time.monotonic()
    calls: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    failures: list[str] = []

    for operation in operations:
        if time.monotonic() - started > FUZZ_SECONDS * 0.8:
            break
        path_parameters = {k: v for k, v in known.items() if "{" + k + "}" in operation.path}
        strategy = operation.as_strategy(path_parameters=path_parameters or None)
        _fuzz(strategy, operation.label, headers, started, calls, statuses, failures)

    stateful = _stateful(schema, headers, started, calls, statuses, failures)
    print(
        f"\nschemathesis: {len(operations)} operations, {sum(calls.values())} calls "
        f"({stateful} in the stateful phase), statuses {dict(sorted(statuses.items()))}, "
        f"{len(failures)} failures, {time.monotonic() - started:.0f}s"
    )
    assert failures == [], "\n".join(failures[:10])
    assert statuses[500] == 0


def _fuzz(
    strategy: Any,
    label: str,
    headers: dict[str, str],
    started: float,
    calls: Counter[str],
    statuses: Counter[int],
    failures: list[str],
) -> None:
    @hsettings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        if time.monotonic() - started > FUZZ_SECONDS * 0.8:
            return
        response = case.call(headers=headers)
        calls[label] += 1
        statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as exc:  # collected: one report for the whole run
            failures.append(f"{label}: {str(exc)[:600]}")
            raise

    try:
        run()
    except hypothesis.errors.HypothesisException:
        raise
    except Exception:
        pass


def _stateful(
    schema: Any,
    headers: dict[str, str],
    started: float,
    calls: Counter[str],
    statuses: Counter[int],
    failures: list[str],
) -> int:
    """Schemathesis' state machine over the API links (what one call's answer feeds another)."""
    budget = FUZZ_SECONDS - (time.monotonic() - started)
    if budget < 5:
        return 0
    machine = schema.as_state_machine()
    before = sum(calls.values())

    class Machine(machine):  # type: ignore[misc,valid-type]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": headers}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            calls[f"stateful {case.operation.label}"] += 1
            statuses[response.status_code] += 1
            try:
                case.validate_response(response, checks=CHECKS)
            except Exception as exc:
                failures.append(f"stateful {case.operation.label}: {str(exc)[:600]}")
                raise

    deadline = time.monotonic() + budget
    while time.monotonic() < deadline:
        try:
            Machine.run(
                settings=hsettings(
                    max_examples=3,
                    deadline=None,
                    database=None,
                    stateful_step_count=6,
                    suppress_health_check=list(HealthCheck),
                    phases=[Phase.generate],
                )
            )
        except Exception:  # recorded in failures by validate_response
            if failures:
                break
            raise
    return sum(calls.values()) - before
