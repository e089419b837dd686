"""A synthesis (a note's Markdown) as plain-text blocks, the same in every export format."""

from __future__ import annotations

from dataclasses import dataclass

from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False})


@dataclass(frozen=True)
class Block:
    """A paragraph, a list item or a heading of a synthesis, as plain text."""

    kind: str
    text: str
    lang: str = ""  # the language of the text it comes from, in a version (else the export's)


def blocks(source: str, lang: str = "") -> tuple[Block, ...]:
    """Markdown to plain-text blocks (formatting marks dropped), the same in every format."""
    out: list[Block] = []
    kinds: list[str] = []
    for token in _md.parse(source):
        if token.type in {"heading_open", "bullet_list_open", "ordered_list_open"}:
            kinds.append("h" if token.type == "heading_open" else "li")
        elif token.type in {"heading_close", "bullet_list_close", "ordered_list_close"}:
            kinds.pop()
        elif token.type == "inline":
            text = " ".join(
                (child.content if child.type in {"text", "code_inline"} else " ").strip()
                for child in token.children or []
            )
            text = " ".join(text.split())
            if text:
                out.append(Block(kinds[-1] if kinds else "p", text, lang))
        elif token.type in {"fence", "code_block"}:
            for line in token.content.splitlines():
                if line.strip():
                    out.append(Block("p", " ".join(line.split()), lang))
    return tuple(out)
