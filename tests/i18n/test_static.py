"""Guards for the look: the stylesheet parses as intended and mirrors in right-to-left pages;
templates keep user text isolated and dates localised."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CSS = ROOT / "static" / "css" / "tracktwo.css"
TEMPLATES = ROOT / "templates"

PHYSICAL = re.compile(
    r"(?<![-\w])(margin-left|margin-right|padding-left|padding-right|border-left|border-right"
    r"|left|right)\s*:|text-align\s*:\s*(left|right)|float\s*:\s*(left|right)"
)


def without_comments(css: str) -> str:
    return re.sub(r"/\*.*?\*/", "", css, flags=re.S)


def test_css_comments_are_closed_and_not_nested() -> None:
    css = CSS.read_text(encoding="utf-8")
    for comment in re.findall(r"/\*.*?\*/", css, flags=re.S):
        assert "/*" not in comment[2:], (
            f"nested comment opener breaks the rule after it: {comment[:80]!r}"
        )
    assert "*/" not in without_comments(css), "a stray */ outside a comment"
    rules = without_comments(css)
    assert rules.count("{") == rules.count("}"), "unbalanced braces"


def test_css_uses_logical_properties_so_rtl_mirrors() -> None:
    """margin-inline-start, not margin-left: a physical side is allowed only in a rule that is
    explicitly for one direction ([dir=...])."""
    offending = []
    for block in re.finditer(r"([^{}]+)\{([^{}]*)\}", without_comments(CSS.read_text("utf-8"))):
        selector, body = block.group(1), block.group(2)
        if "[dir=" in selector:
            continue
        for match in PHYSICAL.finditer(body):
            offending.append(f"{selector.strip()[:60]} {{ {match.group(0)} }}")
    assert not offending, "use logical properties (inline-start/end):\n" + "\n".join(offending)


def test_templates_do_not_show_raw_iso_dates() -> None:
    """Dates go through | date_format or | date_range so they follow the reader's locale."""
    raw = [
        f"{path.relative_to(ROOT)}: {line.strip()[:100]}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for line in path.read_text("utf-8").splitlines()
        if re.search(r"\{\{[^}]*\.isoformat\(\)[^}]*\}\}", line) and "datetime=" not in line
    ]
    assert not raw, "format dates with | date_format:\n" + "\n".join(raw)


def test_scrolling_table_wrappers_take_keyboard_focus() -> None:
    """A table that scrolls sideways on a phone must be scrollable from the keyboard."""
    missing = [
        f"{path.relative_to(ROOT)}: {line.strip()[:100]}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for line in path.read_text("utf-8").splitlines()
        if 'class="table-wrap"' in line and 'tabindex="0"' not in line
    ]
    assert not missing, 'add tabindex="0" role="region" aria-label=...:\n' + "\n".join(missing)


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_hidden_proposal_card_keeps_text_contrast() -> None:
    """The hidden card was faded with opacity 0.8: its muted text fell to 4.29:1. It may not
    fade, and its background keeps muted and body text at 4.5:1 at least."""
    css = without_comments(CSS.read_text("utf-8"))
    palette = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", css))
    rule = re.search(r"\.proposal\.is-hidden\s*\{([^}]*)\}", css)
    assert rule, "the hidden-proposal rule is gone"
    assert "opacity" not in rule.group(1)
    background = re.search(r"background:\s*var\(--([\w-]+)\)", rule.group(1))
    surface = palette[background.group(1)] if background else palette["surface"]
    for ink in ("ink", "muted"):
        assert _contrast(palette[ink], surface) >= 4.5
