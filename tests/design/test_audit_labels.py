"""Every action code the app records has words on the audit page, in the reader's language."""

from __future__ import annotations

import ast
from pathlib import Path

from app.audit.labels import ACTION_LABELS, TARGET_LABELS
from app.l10n import gettext_in

APP = Path(__file__).resolve().parents[2] / "app"
# Codes made at run time (a conditional or an f-string), as the code writes them.
BUILT = {
    "room.reveal", "room.reveal.override", "room.results.show", "room.results.hide",
    "evaluation.open", "evaluation.ended", "evaluation.hide", "evaluation.unhide",
    "summary.release", "summary.release.override", "summary.override", "summary.redact",
    "rules.add", "rules.delete", "rules.edit", "rules.move", "rules.translate",
}  # fmt: skip


def _recorded() -> tuple[set[str], list[str]]:
    """The constant `action=` codes of every audit.record call, and where one is built."""
    found: set[str] = set()
    built: list[str] = []
    for path in APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            for kw in node.keywords if name == "record" else ():
                if kw.arg != "action":
                    continue
                if isinstance(kw.value, ast.Constant):
                    found.add(str(kw.value.value))
                else:
                    built.append(f"{path.relative_to(APP.parent)}:{node.lineno}")
    return found, built


def test_every_recorded_action_has_a_label() -> None:
    found, built = _recorded()
    assert found, "the scan found no audit.record call"
    assert len(built) >= 5, built  # the built codes listed in BUILT come from these
    assert sorted((found | BUILT) - set(ACTION_LABELS)) == []
    assert sorted(set(ACTION_LABELS) - found - BUILT) == []  # no label for a code nobody writes


def test_labels_are_translated() -> None:
    for label in (*ACTION_LABELS.values(), *TARGET_LABELS.values()):
        for lang in ("ar", "fa", "he", "ru"):
            assert gettext_in(lang, label) != label, (lang, label)


def test_the_audit_page_shows_the_words_and_keeps_the_code(org, world) -> None:  # type: ignore[no-untyped-def]
    wid = world.workshop.id
    assert org.post(f"/w/{wid}/manage/parties", {"name": "Coastal"}).status_code == 303
    assert org.post("/language", {"language": "ar"}).status_code == 303
    page = org.get(f"/w/{wid}/manage/audit").text
    assert gettext_in("ar", "Party added") in page and "<code" in page and "party.add" in page
    assert gettext_in("ar", "Party") in page
