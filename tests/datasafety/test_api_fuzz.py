"""Schemathesis against the JSON API (in-process ASGI), as the `schemathesis run --checks all`
command would run it: every built-in check (server errors, status codes, content types,
response schemas and headers, positive and negative data, missing headers, unsupported methods
and `Allow`, use after free, resource availability, ignored auth) plus our own author-field
check, over the examples, coverage, fuzzing and stateful phases (links that schemathesis
derives from the schema: what one call's answer feeds the next).

Twice: as an organizer's API token, and as a participant's session (a participant who joined
through the real invitation page, with its cookies and the CSRF header its pages carry).

Bounded: the engine stops at FUZZ_SECONDS a principal. The figures are printed (run with -s).
"""

from __future__ import annotations

import os
import re
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
import schemathesis.engine
from fastapi import FastAPI
from fastapi.testclient import TestClient
from schemathesis.core import NOT_SET
from schemathesis.engine import events
from sqlmodel import select

from app.accounts.service import create_api_token
from app.agenda.models import AgendaItem
from app.config import Settings
from app.db import Database
from app.evaluation.models import SurveyItem
from app.forms import REFUSED_CATEGORIES
from app.main import create_app
from app.ntext import service as ntext
from app.security import csrf
from app.workshops.models import Workshop
from tests.datasafety.seed import Seeded, seed
from tests.factories import Browser

FUZZ_SECONDS = int(os.environ.get("TRACKTWO_FUZZ_SECONDS", "60"))  # a principal
EXAMPLES = int(os.environ.get("TRACKTWO_FUZZ_EXAMPLES", "12"))
AUTHOR_KEYS = frozenset(
    {"author", "author_tag", "author_id", "author_user_id", "author_name", "participant_id"}
)
CSRF_HEADER_RE = re.compile(r'"X-CSRF-Token":\s*"([^"]+)"')
# Left out: the pages, and /export.{fmt} (PDF/DOCX rendering takes seconds a case; the summary
# tests cover it). An entry of the config, not schema.include(): `operations` entries reset it.
LEFT_OUT = {"include-path-regex": r"^(?!/api/)|/export\.", "enabled": False}


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


@schemathesis.check
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


def _known_characters(value: Any) -> Any:
    if isinstance(value, str):
        return "".join(
            "x" if unicodedata.category(ch) in REFUSED_CATEGORIES else ch for ch in value
        )
    if isinstance(value, dict):
        return {key: _known_characters(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_known_characters(inner) for inner in value]
    return value


@schemathesis.hook
def map_case(context: Any, case: Any) -> Any:
    """Schema-valid data holds no private-use or unassigned code point: clean_text refuses them
    (so that the attribution check sees every character), each text field's description says
    so, and no pattern says it in fewer than thousands of ranges (generators then take seconds
    a field). So the positive cases get an "x" instead; negative ones are left as they are."""
    meta = case.meta
    if meta is not None and meta.generation.mode.is_positive and case.body is not NOT_SET:
        case.body = _known_characters(case.body)
    return case


def test_the_author_check_itself() -> None:
    assert author_keys_in({"items": [{"text": "x", "mine": True}]}) == []
    assert author_keys_in({"items": [{"author_tag": "ab"}]}) == ["$.items[0].author_tag"]
    assert author_keys_in([{"a": {"Participant_ID": 1}}]) == ["$[0].a.Participant_ID"]


@dataclass
class Figures:
    """What one run did: calls per phase, statuses, failures."""

    calls: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    stateful_transitions: int = 0
    errors: list[str] = field(default_factory=list)


def _reopened(settings: Settings, database: Database) -> tuple[Seeded, dict[str, str]]:
    """The seeded workshop, live again so that writes get past "closed"; its known ids."""
    s = seed(settings, database)
    with database.transaction() as db:
        workshop = db.get(Workshop, s.workshop_id)
        assert workshop is not None
        workshop.status = "live"
        db.add(workshop)
    with database.session() as db:
        agenda = list(db.exec(select(AgendaItem).where(AgendaItem.workshop_id == s.workshop_id)))
        statement = db.exec(select(SurveyItem).where(SurveyItem.workshop_id == s.workshop_id))
        survey_item_id = statement.one().id
    known = {
        "workshop_id": s.workshop_id,
        "proposal_id": s.proposal_ids[0],
        "item_id": agenda[-1].id,
        "text_id": next(item.id for item in agenda if item.kind == ntext.KIND),
        "paragraph_id": s.paragraph_ids[0],
        "survey_item_id": survey_item_id,
    }
    return s, known


def _organizer(s: Seeded, database: Database, app: FastAPI) -> dict[str, str]:
    with database.transaction() as db:
        token = create_api_token(db, viewer=s.world.viewer("organizer"), name="fuzz")
    return {"Authorization": f"Bearer {token}"}


def _participant(s: Seeded, database: Database, app: FastAPI) -> dict[str, str]:
    """Join with the unused invitation, through the pages; then the room page's CSRF token."""
    with TestClient(app, base_url="http://testserver") as client:
        browser = Browser(client)
        browser.join(s.world.invitations[3])
        page = client.get(f"/w/{s.workshop_id}/rules")
        accepted = browser.post(f"/w/{s.workshop_id}/rules/accept")
        assert accepted.status_code == 303, accepted.text
        page = client.get(f"/w/{s.workshop_id}/room")
        assert page.status_code == 200, page.text
        token = CSRF_HEADER_RE.search(page.text)
        assert token, "no CSRF header on the room page"
        cookie = "; ".join(f"{c.name}={c.value}" for c in client.cookies.jar)
    return {"Cookie": cookie, csrf.HEADER: token.group(1)}


PRINCIPALS = {"organizer token": _organizer, "participant session": _participant}
# What a participant does in the room (propose, react, ask for the floor, sign off, accept the
# rules) answers 404 to staff, even in the workshop they just created: the policy's refusal is
# "nothing here" (DESIGN.md, "a refusal answers 404, not 403"), documented as such on each
# operation. schemathesis' ensure_resource_availability reads that 404, after POST /workshops,
# as "the workshop just created is gone"; for the organizer it is not checked there.
PARTICIPANTS_ONLY = (
    r"/room(/queue|/proposals(/[^/]+(/reaction)?)?)?$"
    r"|/summary/review/(mine|signoff|comment)$|/rules/accept$"
    r"|/translate$"  # the translator's worklist: 404 to anyone else
)
# The seed's proposal, item, text, paragraph and statement are given to every operation that
# names one (`parameters`): in a workshop the stateful phase just created they are rightly 404
# (an object is found only in its own workshop), which ensure_resource_availability reads as the
# new workshop being gone.
PINNED = r"\{(proposal_id|item_id|text_id|paragraph_id|survey_item_id)\}"
NO_AVAILABILITY = {"checks": {"ensure_resource_availability": {"enabled": False}}}
EXEMPT = {
    "organizer token": [
        {"include-path-regex": PARTICIPANTS_ONLY, **NO_AVAILABILITY},
        {"include-path-regex": PINNED, **NO_AVAILABILITY},
    ],
    "participant session": [{"include-path-regex": PINNED, **NO_AVAILABILITY}],
}


def _run(
    app: FastAPI, headers: dict[str, str], known: dict[str, str], exempt: list[dict[str, Any]]
) -> Figures:
    """The single-call phases, then the stateful one, each with its own time budget: on a
    loaded machine the first must not use up the time of the second."""
    figures = Figures()
    for stateful in (False, True):
        config = schemathesis.Config.from_dict(
            {
                "operations": [LEFT_OUT, *exempt],
                "headers": headers,
                "parameters": known,
                "max-time": FUZZ_SECONDS // 2 if stateful else FUZZ_SECONDS,
                "checks": {"enabled": True},
                "generation": {"max-examples": EXAMPLES},
                "phases": {
                    "examples": {"enabled": not stateful},
                    "coverage": {"enabled": not stateful},
                    "fuzzing": {"enabled": not stateful, "generation": {"max-examples": 4}},
                    "stateful": {"enabled": stateful},
                },
            }
        )
        _execute(schemathesis.openapi.from_asgi("/api/openapi.json", app, config=config), figures)
    return figures


def _execute(schema: Any, figures: Figures) -> None:
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.PhaseStarted) and event.payload is not None:
            figures.stateful_transitions = event.payload.transitions_selected
        if isinstance(event, events.ScenarioFinished):
            _record(figures, event)
        if isinstance(event, events.NonFatalError | events.FatalError):
            figures.errors.append(str(getattr(event, "value", getattr(event, "exception", ""))))


def _record(figures: Figures, event: Any) -> None:
    recorder = event.recorder
    for case_id, interaction in recorder.interactions.items():
        del case_id
        figures.calls[event.phase.value] += 1
        if interaction.response is not None:
            figures.statuses[interaction.response.status_code] += 1
    for case_id, checks in recorder.checks.items():
        for check in checks:
            if check.failure_info is None:
                continue
            failure = check.failure_info.failure
            case = recorder.cases[case_id].value
            interaction = recorder.interactions.get(case_id)
            response = interaction.response if interaction else None
            status = response.status_code if response is not None else "-"
            # a PDF or DOCX answer is no UTF-8: its first bytes, replaced where they are not
            raw = (response.content or b"")[:160] if response is not None else b""
            answer = raw.decode(errors="replace")
            message = " ".join(str(failure.message).split())[:300]
            figures.failures.append(
                f"[{event.phase.value}] {check.name} {case.operation.label} -> {status}: "
                f"{failure.title}: {message} | body {str(case.body)[:200]!r} | answer {answer}"
            )


@pytest.mark.slow
@pytest.mark.parametrize("principal", sorted(PRINCIPALS))
def test_api_fuzz(settings: Settings, database: Database, principal: str) -> None:
    s, known = _reopened(settings, database)
    app = create_app(settings, database)
    headers = PRINCIPALS[principal](s, database, app)
    started = time.monotonic()
    figures = _run(app, headers, known, EXEMPT.get(principal, []))
    failures = sorted(set(figures.failures))
    print(
        f"\nschemathesis as {principal}: calls {dict(figures.calls)}, "
        f"{figures.stateful_transitions} links, statuses {dict(sorted(figures.statuses.items()))},"
        f" {len(failures)} failures, {time.monotonic() - started:.0f}s"
    )
    for line in failures:
        print(line)
    assert figures.errors == []
    assert figures.calls["stateful"] > 30  # the stateful phase really ran (loaded machine: 80+)
    assert failures == [], "\n".join(failures[:10])
    assert figures.statuses[500] == 0
