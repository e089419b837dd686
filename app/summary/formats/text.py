"""Words shared by every format, so that all five say the same thing, in the export's language.

Every fixed label goes through the catalogs and every date and number through Babel, in the
locale the export was asked for (`render` runs under `i18n.using`). Direction: each paragraph
takes it from its first strong character, else from the export's language (`direction`);
plain-text formats wrap embedded runs of user text in Unicode isolates (`isolate`).
"""

from __future__ import annotations

import unicodedata
from datetime import date

from app import i18n, l10n, signoffs
from app.i18n import N_, gettext, translate
from app.summary.present import ProposalOut, SummaryExport
from app.summary.texts import TextSignoffOut
from app.translations import service as translations

OFF_RECORD_NOTE = N_("Off the record: nothing from this item is reported.")
CONFIDENTIAL = N_("Chatham House Rule — not for attribution")
FSI, PDI = "\u2068", "\u2069"


def strong_direction(value: str) -> str | None:
    """ "rtl" or "ltr" from the first strong character outside isolates (UAX #9, P2), as
    dir="auto" does; None if there is none."""
    depth = 0
    for ch in value:
        bidi = unicodedata.bidirectional(ch)
        if bidi in {"FSI", "LRI", "RLI"}:
            depth += 1
        elif bidi == "PDI":
            depth = max(0, depth - 1)
        elif depth == 0 and bidi in {"R", "AL"}:
            return "rtl"
        elif depth == 0 and bidi == "L":
            return "ltr"
    return None


def direction(value: str = "", lang: str = "") -> str:
    """A paragraph's direction: its content's, else its language's (`lang`, for a text
    shown in the original's language), else the export language's (computed here, because
    WeasyPrint and Word ignore dir="auto")."""
    return strong_direction(value) or (
        translations.direction(lang) if lang else i18n.direction(i18n.current_locale.get())
    )


def foreign(lang: str) -> bool:
    """Whether a text is in another language than the export's (an original shown where
    the export's language has no version of it)."""
    return bool(lang) and translations.base(lang) != translations.base(i18n.current_locale.get())


def original_marker(lang: str) -> str:
    """The visible mark of a text shown in its original language, in the export's language."""
    if not foreign(lang):
        return ""
    return translate("(original language: %(name)s)", name=translations.language_name(lang))


def isolate(value: str) -> str:
    """User text embedded in a translated line, isolated so neither reorders the other."""
    return f"{FSI}{value}{PDI}" if value else ""


def join_runs(values: tuple[str, ...]) -> str:
    """User texts in one line (themes): each isolated, and each separator held to the line's
    direction by a mark, so two RTL names in an LTR line (or the reverse) keep their order
    even where isolates are not honoured (WeasyPrint across inline boxes)."""
    mark = "\u200f" if direction() == "rtl" else "\u200e"  # RLM / LRM
    separator = mark + l10n.list_join(("", ""), ";")
    return separator.join(isolate(value) for value in values)


def label(message: str) -> str:
    """A fixed label of the model (level, kind, track, status, support) in the export's
    language."""
    return gettext(message) if message else ""


def day(value: date | None) -> str:
    """A day in the export's locale, the same in every format (JSON keeps ISO dates)."""
    return l10n.date_format(value) if value else ""


def dates(summary: SummaryExport) -> str:
    if summary.start_date is None:
        return day(summary.end_date)
    return l10n.date_range(summary.start_date, summary.end_date)


def meta(summary: SummaryExport) -> str:
    """Track · dates · status; the date isolated so an RTL date keeps its order in any line."""
    parts = (
        label(summary.track),
        isolate(dates(summary)),
        label(summary.status),
        version(summary),
    )
    return " · ".join(part for part in parts if part)


def session_heading(title: str, when: date | None) -> str:
    """A session's title with its day, each isolated: "(012026/12/)" was an Arabic date
    reordered by an English title around it."""
    return f"{isolate(title)} ({isolate(day(when))})" if when else title


def version(summary: SummaryExport) -> str:
    """Which text this is: the start of its fingerprint (the JSON export holds all of it)."""
    return f"SHA-256 {summary.fingerprint[:8]}" if summary.fingerprint else ""


def counts(p: ProposalOut) -> str:
    """How many reacted, and the published band: never exact counts per value."""
    n = l10n.number(p.reacted)
    if p.band == "broad":
        return translate("%(n)s reacted, broad support", n=n)
    if p.band == "divided":
        return translate("%(n)s reacted, divided", n=n)
    if p.band == "little":
        return translate("%(n)s reacted, little support", n=n)
    return translate("%(n)s reacted, too few to show more", n=n)


def support_line(p: ProposalOut) -> str:
    parts = [label(p.support)] if p.support else []
    parts.append(counts(p))
    return f"{gettext('Support:')} {l10n.list_join(parts, ';')}"


def method_lines(summary: SummaryExport) -> list[str]:
    method, number = summary.method, l10n.number
    kind = translate("%(track)s problem-solving workshop", track=label(summary.track))
    lines = [translate("Format: %(f)s, %(n)s session(s).", f=kind, n=number(method.sessions))]
    if method.participants is not None:
        lines.append(translate("Participants: %(n)s.", n=number(method.participants)))
    lines.append(
        translate("Re-admissions during the workshop: %(n)s.", n=number(method.readmissions))
    )
    lines.append(
        translate(
            "Minimum group size for statements about the sides (k): %(k)s.", k=number(method.k)
        )
    )
    lines.append(
        translate(
            "Support is stated without party labels. A statement about the sides is made only "
            "where every side had at least %(k)s reacting members; otherwise only totals are "
            "given.",
            k=number(method.k),
        )
    )
    lines.append(
        gettext(
            "This summary is non-attributed: it names no participant, affiliation or side next "
            "to any contribution, and reports nothing from off-the-record items."
        )
    )
    return lines


def signoff_line(signoff: TextSignoffOut) -> str:
    """A negotiating text's sign-off: which version, its fingerprint, and whether every side
    signed it off (never a party label or a count)."""
    return translate(
        "Sign-off of version %(num)s (fingerprint %(fp)s): %(status)s",
        num=signoff.version,
        fp=signoffs.short(signoff.fingerprint),
        status=gettext(signoff.status),
    )


def text_heading(version: int) -> str:
    """The heading of a negotiating text's final version in the summary."""
    return translate("Negotiating text, final version %(num)s", num=version)
