"""Babel extractor for the Python side: gettext calls, N_() marks, error messages, form labels.

Python code marks a fixed UI string where it is defined and the place that shows it translates
it: `N_("Draft")` for labels and titles, a literal as the first argument of a domain error
(`Invalid("Choose a party.", field=...)`), `label="Title"` handed to the form cleaners, or the
values of a module-level table named `*_LABELS` (`STATUS_LABELS = {"draft": "Draft"}`), the
`title` of a domain error subclass, a message given to `super().__init__("...")` or to
`checks.fail("field", "...")`. This
extractor finds all of them so `make i18n` and tests/i18n put them in the catalogs.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

GETTEXT = frozenset({"_", "gettext", "N_", "translate", "lazy_gettext"})
PLURAL = frozenset({"ngettext", "N_plural"})
LABEL_KEYWORDS = frozenset({"label"})
LABEL_TABLE = re.compile(r"(^|_)LABELS$")

Found = tuple[int, str, str | tuple[str, str], list[str]]


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _domain_errors() -> frozenset[str]:
    """Every class of app/errors.py that is a DomainError (read from its source, so a new
    error class needs no entry here: its messages are extracted the day it is written)."""
    tree = ast.parse((Path(__file__).parent / "errors.py").read_text(encoding="utf-8"))
    bases = {
        node.name: {_name(base) for base in node.bases}
        for node in tree.body
        if isinstance(node, ast.ClassDef)
    }
    found = {"DomainError"}
    while True:
        more = {name for name, parents in bases.items() if parents & found} - found
        if not more:
            return frozenset(found)
        found |= more


ERRORS = _domain_errors()


def _text(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
        return node.value
    return None


def _label_table(node: ast.Assign | ast.AnnAssign) -> list[Found]:
    """`STATUS_LABELS = {"draft": "Draft", ...}`: a table of UI labels, shown with `_(label)`."""
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    named = any(isinstance(t, ast.Name) and LABEL_TABLE.search(t.id) for t in targets)
    if not named or not isinstance(node.value, ast.Dict):
        return []
    found: list[Found] = []
    for value in node.value.values:
        text = _text(value)
        if text:
            found.append((value.lineno, "gettext", text, []))
    return found


def _error_title(node: ast.ClassDef) -> list[Found]:
    """`class RulesNotAccepted(DomainError): title = "..."`: an error title, shown translated."""
    bases = {_name(base) for base in node.bases}
    if not (bases & ERRORS or any(base.endswith("Error") for base in bases)):
        return []
    found: list[Found] = []
    for statement in node.body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "title" for t in statement.targets
        ):
            text = _text(statement.value)
            if text:
                found.append((statement.lineno, "gettext", text, []))
    return found


def messages_in(source: str) -> list[Found]:
    """Every translatable literal in one Python source, in line order (as gettext/ngettext)."""
    found: list[Found] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign | ast.AnnAssign):
            found.extend(_label_table(node))
            continue
        if isinstance(node, ast.ClassDef):
            found.extend(_error_title(node))
            continue
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        texts = [_text(arg) for arg in node.args[:2]]
        if name in PLURAL and len(texts) == 2 and texts[0] and texts[1]:
            found.append((node.lineno, "ngettext", (texts[0], texts[1]), []))
        elif (name in GETTEXT or name in ERRORS or name == "__init__") and texts and texts[0]:
            found.append((node.lineno, "gettext", texts[0], []))
        elif name == "fail" and len(texts) == 2 and texts[0] and texts[1]:
            found.append((node.lineno, "gettext", texts[1], []))  # Checks.fail(field, message)
        for keyword in node.keywords:
            if keyword.arg in LABEL_KEYWORDS:
                text = _text(keyword.value)
                if text:
                    found.append((keyword.value.lineno, "gettext", text, []))
    return sorted(found, key=lambda item: item[0])


def extract(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Found]:
    """Babel extraction method (babel.cfg: `tracktwo_python = app.i18n_extract:extract`)."""
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    yield from messages_in(source)
