"""Words shared by every format, so that all five say the same thing."""

from __future__ import annotations

from datetime import date

from app import l10n
from app.summary.present import MethodOut, ProposalOut, SummaryExport

OFF_RECORD_NOTE = "Off the record: nothing from this item is reported."


def day(value: date | None) -> str:
    """A day in the reader's locale, the same in every format (JSON keeps ISO dates)."""
    return l10n.date_format(value) if value else ""


def dates(summary: SummaryExport) -> str:
    if summary.start_date is None:
        return day(summary.end_date)
    return l10n.date_range(summary.start_date, summary.end_date)


def version(summary: SummaryExport) -> str:
    """Which text this is: the start of its fingerprint (the JSON export holds all of it)."""
    return f"SHA-256 {summary.fingerprint[:8]}" if summary.fingerprint else ""


BANDS = {"broad": "broad support", "divided": "divided", "little": "little support"}


def counts(p: ProposalOut) -> str:
    """How many reacted, and the published band: never exact counts per value."""
    if p.band is None:
        return f"{p.reacted} reacted, too few to show more"
    return f"{p.reacted} reacted, {BANDS[p.band]}"


def support_line(p: ProposalOut) -> str:
    parts = [p.support] if p.support else []
    parts.append(counts(p))
    return "Support: " + "; ".join(parts)


def method_lines(method: MethodOut) -> list[str]:
    lines = [f"Format: {method.format}, {method.sessions} session(s)."]
    if method.participants is not None:
        lines.append(f"Participants: {method.participants}.")
    lines.append(f"Re-admissions during the workshop: {method.readmissions}.")
    lines.append(f"Minimum group size for statements about the sides (k): {method.k}.")
    lines.append(method.support_note)
    lines.append(
        "This summary is non-attributed: it names no participant, affiliation or side next "
        "to any contribution, and reports nothing from off-the-record items."
    )
    return lines
