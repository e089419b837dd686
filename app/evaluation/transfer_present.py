"""View models of the transfer log, and its own report (Markdown, JSON)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from app import i18n, l10n
from app.evaluation.models import TransferEntry
from app.i18n import gettext


@dataclass(frozen=True)
class TransferView:
    id: str
    item_number: int | None
    item_title: str
    destination: str
    briefed_on: date
    by: str
    outcome: str


def present(entry: TransferEntry, names: dict[str, str]) -> TransferView:
    """`names`: staff names by user id (a staff member since removed is "a former member")."""
    by = names.get(entry.by_user_id or "", "") or gettext("a former staff member")
    return TransferView(
        id=entry.id,
        item_number=entry.item_number,
        item_title=entry.item_title,
        destination=entry.destination,
        briefed_on=entry.briefed_on,
        by=by,
        outcome=entry.outcome,
    )


def as_dict(view: TransferView) -> dict[str, Any]:
    out = asdict(view)
    out["briefed_on"] = view.briefed_on.isoformat()
    return out


def what(view: TransferView) -> str:
    """ "Summary item 3 (title)", or "The summary as a whole"."""
    if view.item_number is None:
        return gettext("The summary as a whole")
    return i18n.translate(
        "Summary item %(number)s: %(title)s", number=view.item_number, title=view.item_title
    )


def markdown(title: str, views: list[TransferView], lang: str) -> bytes:
    """The transfer log as its own report, in `lang`."""
    with i18n.using(lang):
        lines = [f"# {gettext('Transfer log')}: {title}", ""]
        if not views:
            lines.append(gettext("Nothing recorded yet."))
        for view in views:
            lines.append(
                "- "
                + i18n.translate(
                    "%(what)s, briefed to %(where)s on %(day)s by %(who)s.",
                    what=what(view),
                    where=view.destination,
                    day=l10n.date_format(view.briefed_on),
                    who=view.by,
                )
            )
            if view.outcome:
                lines.append("  " + i18n.translate("Outcome: %(text)s", text=view.outcome))
        return ("\n".join(lines) + "\n").encode("utf-8")


def json_report(title: str, views: list[TransferView]) -> bytes:
    body = {"workshop": title, "transfers": [as_dict(v) for v in views]}
    return json.dumps(body, indent=2, ensure_ascii=False).encode("utf-8")
