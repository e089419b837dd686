"""Markdown for notes: rendered with markdown-it-py, then sanitised with nh3 (an allowlist).

Raw HTML in the source is not interpreted; whatever the renderer produces is cleaned again,
so no script, event handler, style or javascript: URL can reach a page.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre", "h3", "h4", "a"}
)
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"
HEADING_TAGS = {"h1": "h3", "h2": "h3", "h3": "h4", "h4": "h4", "h5": "h4", "h6": "h4"}

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable(
    "image"
)


def sanitise(html: str) -> str:
    """Keep only the allowlisted tags and attributes; links get a safe scheme and rel."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        url_relative="deny",
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render(source: str) -> Markup:
    """Markdown to sanitised HTML; headings are shifted to h3/h4 to fit inside a page."""
    tokens = _md.parse(source)
    for token in tokens:
        if token.type in {"heading_open", "heading_close"}:
            token.tag = HEADING_TAGS.get(token.tag, "h4")
    html = _md.renderer.render(tokens, _md.options, {})
    return Markup(sanitise(html))  # noqa: S704 - sanitised by nh3 just above  # nosec B704
