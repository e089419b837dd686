"""The impact report in the summary's five formats (Markdown, print HTML, PDF, DOCX, JSON),
each rendered from one list of sections in the language chosen for it (`i18n.using`). The
PDF is the print HTML through the summary's WeasyPrint renderer."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from docx import Document

from app import i18n, l10n
from app.evaluation.impact import ImpactReport
from app.evaluation.transfer_present import what
from app.i18n import gettext
from app.summary.formats import docx as summary_docx
from app.summary.formats import pdf as summary_pdf
from app.summary.formats import text
from app.templating import render_text


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Section:
    heading: str
    lines: tuple[str, ...] = ()
    tables: tuple[tuple[str, Table], ...] = field(default_factory=tuple)


def _signed(value: float) -> str:
    return ("+" if value > 0 else "") + l10n.number(value)


def _counts(report: ImpactReport) -> Section:
    c = report.counts
    rows = [
        (gettext("Sessions"), l10n.number(c.sessions)),
        (gettext("Parties"), l10n.number(c.parties)),
        (gettext("Proposals made"), l10n.number(c.proposals)),
        (gettext("Proposals revealed"), l10n.number(c.revealed)),
    ]
    if c.consensus is not None:
        rows.append((gettext("Supported across all sides"), l10n.number(c.consensus)))
    if c.participants is not None:
        rows.append((gettext("Participants"), l10n.number(c.participants)))
    return Section(gettext("The workshop"), tables=(("", Table(("", ""), tuple(rows))),))


def _results(report: ImpactReport) -> Section:
    if report.results is None:
        return Section(gettext("Survey results"), (gettext("No results published yet."),))
    note = gettext(
        "A figure appears only where at least k answered and not all alike; by party only "
        "where that holds for every party."
    )
    tables = []
    scale = tuple(l10n.number(v) for v in range(1, 6))
    for item in report.results.items:
        rows = []
        for f in item.moments:
            if f.total is None:
                rows.append((gettext(f.label), *([""] * 5), gettext("not shown")))
                continue
            counts = tuple(l10n.number(n) for n in f.total.distribution or [])
            rows.append((gettext(f.label), *counts, l10n.number(f.total.mean)))
            for p in f.parties:
                party = tuple(l10n.number(n) for n in p.distribution or [])
                rows.append((f"  {p.party}", *party, l10n.number(p.mean)))
        for f in item.changes:
            shown = _signed(f.total.mean) if f.total else gettext("not shown")
            rows.append((gettext("Mean change") + " " + gettext(f.label), *([""] * 5), shown))
            for p in f.parties:
                rows.append((f"  {p.party}", *([""] * 5), _signed(p.mean)))
        header = (gettext("Moment"), *scale, gettext("Mean"))
        tables.append((item.prompt, Table(header, tuple(rows))))
    return Section(gettext("Survey results"), (note,), tuple(tables))


def _transfers(report: ImpactReport) -> Section:
    lines = []
    for view in report.transfers:
        line = i18n.translate(
            "%(what)s, briefed to %(where)s on %(day)s by %(who)s.",
            what=what(view),
            where=text.isolate(view.destination),
            day=l10n.date_format(view.briefed_on),
            who=text.isolate(view.by),
        )
        if view.outcome:
            line += " " + i18n.translate("Outcome: %(text)s", text=text.isolate(view.outcome))
        lines.append(line)
    return Section(gettext("Transfer log"), tuple(lines) or (gettext("Nothing recorded yet."),))


def sections(report: ImpactReport) -> list[Section]:
    return [_counts(report), _results(report), _transfers(report)]


def _title(report: ImpactReport) -> str:
    return i18n.translate("Impact report: %(title)s", title=report.title)


def markdown(report: ImpactReport) -> bytes:
    out = [f"# {_title(report)}", ""]
    if report.start_date:
        out += [l10n.date_range(report.start_date, report.end_date), ""]
    for section in sections(report):
        out += [f"## {section.heading}", ""]
        out += [*(f"{line}  " for line in section.lines), ""] if section.lines else []
        for caption, table in section.tables:
            if caption:
                out += [f"### {caption}", ""]
            out.append("| " + " | ".join(table.header) + " |")
            out.append("|" + "---|" * len(table.header))
            out += ["| " + " | ".join(row) + " |" for row in table.rows]
            out.append("")
    return "\n".join(out).encode("utf-8")


def html(report: ImpactReport) -> str:
    locale = i18n.current_locale.get()
    context = {
        "title": _title(report),
        "dates": l10n.date_range(report.start_date, report.end_date) if report.start_date else "",
        "sections": sections(report),
        "lang": locale,
        "dir": i18n.direction(locale),
        "dir_of": text.direction,
    }
    return render_text("evaluation/impact_print.html", context)


def pdf(report: ImpactReport) -> bytes:
    return summary_pdf.from_html(html(report))


def docx(report: ImpactReport) -> bytes:
    document = Document()
    document.core_properties.author = ""
    heading = document.add_heading(_title(report), level=0)
    summary_docx._rtl(heading, _title(report))
    for section in sections(report):
        summary_docx._rtl(document.add_heading(section.heading, level=1), section.heading)
        for line in section.lines:
            summary_docx._rtl(document.add_paragraph(line), line)
        for caption, table in section.tables:
            if caption:
                summary_docx._rtl(document.add_heading(caption, level=2), caption)
            grid = document.add_table(rows=1, cols=len(table.header))
            for cell, value in zip(grid.rows[0].cells, table.header, strict=True):
                cell.text = value
            for row in table.rows:
                for cell, value in zip(grid.add_row().cells, row, strict=True):
                    cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def as_json(report: ImpactReport) -> bytes:
    data = asdict(report)
    for entry in data["transfers"]:
        entry["briefed_on"] = _plain(entry["briefed_on"])
    for key in ("start_date", "end_date"):
        data[key] = _plain(data[key])
    if data["results"]:
        data["results"]["published_on"] = _plain(data["results"]["published_on"])
    return json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")


FORMATS: dict[str, tuple[str, Callable[[ImpactReport], bytes]]] = {
    "md": ("text/markdown; charset=utf-8", markdown),
    "html": ("text/html; charset=utf-8", lambda r: html(r).encode("utf-8")),
    "pdf": ("application/pdf", pdf),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        docx,
    ),
    "json": ("application/json", as_json),
}


def render(report: ImpactReport, fmt: str, lang: str) -> bytes:
    """The report in one format and language."""
    with i18n.using(lang):
        return FORMATS[fmt][1](report)
