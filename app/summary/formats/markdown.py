"""Markdown: user text is escaped so it cannot turn into links, headings or HTML."""

from __future__ import annotations

import re

from app.summary.formats import text
from app.summary.present import Block, SummaryExport

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


def render(summary: SummaryExport) -> str:
    lines = [f"# {esc(summary.title)}", ""]
    meta = [summary.track, text.dates(summary), summary.status, text.version(summary)]
    lines += [esc(" · ".join(m for m in meta if m)), ""]
    if summary.purpose:
        lines += ["## Purpose", "", esc(summary.purpose), ""]
    if summary.rules:
        lines += ["## Ground rules", ""]
        for i, rule in enumerate(summary.rules, 1):
            body = f": {esc(rule.body)}" if rule.body else ""
            lines.append(f"{i}. **{esc(rule.title)}**{body}")
        lines.append("")
    if summary.general:
        lines += ["## General synthesis", "", *_blocks(summary.general)]
    lines += ["## Agenda", ""]
    for session in summary.sessions:
        day = f" ({text.day(session.day)})" if session.day else ""
        lines += [f"### {esc(session.title)}{day}", ""]
        for item in session.items:
            lines += [
                f"#### {esc(item.title)}",
                "",
                f"*{esc(item.level_label)}* · {item.kind_label}",
                "",
            ]
            if item.off_record:
                lines += [text.OFF_RECORD_NOTE, ""]
                continue
            if item.description:
                lines += [esc(item.description), ""]
            if item.synthesis:
                lines += ["**Synthesis**", "", *_blocks(item.synthesis)]
            if item.themes:
                lines += ["**Themes:** " + esc("; ".join(item.themes)), ""]
            if item.proposals:
                lines += ["**Proposals**", ""]
                for p in item.proposals:
                    lines.append(f"- {esc(p.text)}")
                    if p.theme:
                        lines.append(f"  - Theme: {esc(p.theme)}")
                    lines.append(f"  - {esc(text.support_line(p))}")
                    if p.attribution:
                        lines.append(
                            f"  - Attributed, at the author's wish, to: {esc(p.attribution)}"
                        )
                lines.append("")
    lines += ["## Method", ""]
    for line in text.method_lines(summary.method):
        lines += [esc(line), ""]
    return "\n".join(lines)


def render_bytes(summary: SummaryExport) -> bytes:
    return render(summary).encode("utf-8")
