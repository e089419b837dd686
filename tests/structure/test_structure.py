"""The house rules that keep the one door the only door, checked on the sources.

- no import circle among app modules (read from `ast`, nothing is run);
- no app import inside a function, except where documented below;
- no aggregation or visibility rule restated outside the policy package: the k floor, and
  SQL filters on a proposal's status or hidden flag or a note's visibility.
"""

from __future__ import annotations

import re

from tests.structure.imports import APP, cycles, graph

# Imports that stay inside functions, and why.
NESTED_ALLOWED = {
    "app.cli": "each command loads only what it runs: `tracktwo migrate` must not import the app",
    "app.venue.commands": "the room-box commands of the CLI, likewise: each loads what it runs",
}

# Patterns that state a visibility or aggregation rule; only app/policy/ may hold them.
RULES = {
    "the k floor": re.compile(r"max\(\s*3\s*,|K_FLOOR\s*=|\bk_min\s*[<>]=?"),
    "a proposal status filter": re.compile(r"col\(Proposal\.status\)"),
    "a proposal hidden filter": re.compile(r"col\(Proposal\.hidden\)"),
    "a note visibility filter": re.compile(r"col\(Note\.visibility\)"),
}
# Where a rule-shaped line is not a rule: writes (reveal sets the status) and the one place
# that lists the room's countable proposals through the room audience.
RULE_EXCEPTIONS = {
    ("a proposal status filter", "app/room/runtime.py"): "the reveal selects what it reveals",
    ("a proposal status filter", "app/room/proposals.py"): (
        "a submission lets the waiting proposals join the staff's list (app/policy/pending.py)"
    ),
}


def test_no_import_circle() -> None:
    assert cycles(graph()) == []


def test_the_circle_check_finds_a_circle() -> None:
    from tests.structure.imports import Import

    edges = [Import("a", "b", 1, False, False), Import("b", "a", 1, True, False)]
    assert cycles(edges) == [["a", "b"]]


def test_no_import_inside_a_function_except_where_documented() -> None:
    nested = sorted(
        f"{e.source}:{e.line} imports {e.target}"
        for e in graph()
        if e.nested and e.source not in NESTED_ALLOWED
    )
    assert nested == []


def test_no_visibility_or_aggregation_rule_outside_the_policy() -> None:
    found = []
    for path in sorted(APP.rglob("*.py")):
        relative = path.relative_to(APP.parent).as_posix()
        if relative.startswith("app/policy/"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for name, pattern in RULES.items():
                if pattern.search(line) and (name, relative) not in RULE_EXCEPTIONS:
                    found.append(f"{relative}:{number}: {name}: {line.strip()}")
    assert found == []
