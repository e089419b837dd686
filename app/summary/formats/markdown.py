"""Markdown: user text is escaped so it cannot turn into links, headings or HTML."""

from __future__ import annotations

import re

from app.i18n import gettext as _
from app.summary.blocks import Block
from app.summary.formats import text
from app.summary.present import SummaryExport

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_LEADING = re.compile(r"^(\s*)([#+=>-]|\d+[.)])")


def esc(value: str) -> str:
    """One line of text with Markdown's active characters escaped."""
    line = _SPECIAL.sub(r"\\\1", " ".join(value.split()))
    return _LEADING.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], line)


def _blocks(blocks: tuple[Block, ...]) -> list[str]:
    out: list[str] = []
    for block in blocks:
        prefix = "- " if block.kind == "li" else ""
        out.append(f"{prefix}{esc(block.text)}")
        out.append("")
    return out


def _marked(lang: str) -> list[str]:
    """The mark of a text shown in its original language, as its own line."""
    mark = text.original_marker(lang)
    return [f"*{esc(mark)}*", ""] if mark else []


def render(summary: SummaryExport) -> str:
    lines = [f"# {esc(summary.title)}", ""]
    lines += [esc(text.meta(summary)), "", f"*{esc(text.label(text.CONFIDENTIAL))}*", ""]
    if summary.purpose:
        lines += [
            "## " + _("Purpose"),
            "",
            esc(summary.purpose),
            "",
            *_marked(summary.purpose_lang),
        ]
    if summary.rules:
        lines += ["## " + _("Ground rules"), ""]
        for i, rule in enumerate(summary.rules, 1):
            body = f": {esc(rule.body)}" if rule.body else ""
            mark = text.original_marker(rule.lang)
            lines.append(f"{i}. **{esc(rule.title)}**{body}" + (f" *{esc(mark)}*" if mark else ""))
        lines.append("")
    if summary.general:
        lines += ["## " + _("General synthesis"), "", *_blocks(summary.general)]
    lines += ["## " + _("Agenda"), ""]
    for session in summary.sessions:
        lines += [f"### {esc(text.session_heading(session.title, session.day))}", ""]
        for item in session.items:
            lines += [
                f"#### {esc(item.title)}",
                "",
                *_marked(item.lang),
                f"*{esc(text.label(item.level_label))}* · {esc(text.label(item.kind_label))}",
                "",
            ]
            if item.off_record:
                lines += [esc(text.label(text.OFF_RECORD_NOTE)), ""]
                continue
            if item.description:
                lines += [esc(item.description), ""]
            if item.synthesis:
                lines += [f"**{_('Synthesis')}**", "", *_blocks(item.synthesis)]
            if item.themes:
                lines += [
                    f"**{_('Themes:')}** " + esc(text.join_runs(item.themes)),
                    "",
                ]
            if item.text:
                heading = text.text_heading(item.text[0].version)
                lines += [f"**{esc(heading)}**", "", *_marked(item.text[0].lang)]
                for para in item.text:
                    lines.append(f"{para.number}\\. {esc(para.text)}")
                    if para.every_party:
                        lines.append(f"   - {esc(_('Every party can live with it'))}")
                lines.append("")
                if item.signoff:
                    lines += [esc(text.signoff_line(item.signoff)), ""]
            if item.proposals:
                lines += [f"**{_('Proposals')}**", ""]
                for p in item.proposals:
                    lines.append(f"- {esc(p.text)}")
                    if p.theme:
                        lines.append(f"  - {_('Theme:')} {esc(text.isolate(p.theme))}")
                    lines.append(f"  - {esc(text.support_line(p))}")
                    if p.attribution:
                        said = _("Attributed, at the author's wish, to:")
                        lines.append(f"  - {said} {esc(text.isolate(p.attribution))}")
                lines.append("")
    lines += ["## " + _("Method"), ""]
    for line in text.method_lines(summary):
        lines += [esc(line), ""]
    return "\n".join(lines)


def render_bytes(summary: SummaryExport) -> bytes:
    return render(summary).encode("utf-8")
