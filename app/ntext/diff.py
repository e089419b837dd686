"""Word-level differences between two versions of a paragraph, for any script.

Tokens follow Unicode word boundaries in the manner of UAX #29's default rules, simplified:
a word is a run of letters, combining marks and digits (so Arabic harakat, Hebrew niqqud and
the Persian zero-width non-joiner stay inside their word, and a Hebrew geresh or gershayim,
typed or not, or an apostrophe between letters joins them); every other character (space,
punctuation) is a token of its own. The direction of the text plays no part: the diff is over
the logical order, and the page gives each paragraph the lang and dir of the language it is
read in, so that the browser lays it out.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

JOINERS = frozenset("\u200c\u200d")  # zero-width non-joiner and joiner (Persian, Urdu)
MEDIAL = frozenset("'\u2019\u05f3\u05f4")  # apostrophe, geresh, gershayim between letters
HEBREW_QUOTES = frozenset("\"'")  # typed for gershayim and geresh between Hebrew letters


def _wordlike(char: str) -> bool:
    return char in JOINERS or unicodedata.category(char)[0] in "LMN"


def _hebrew(char: str) -> bool:
    return "\u0590" <= char <= "\u05ff"


def _medial(char: str, before: str, after: str) -> bool:
    """Whether a mark between two letters belongs to the word (don't, צה"ל, צ'יפס)."""
    if not before or not after or not _wordlike(after):
        return False
    if char in HEBREW_QUOTES and _hebrew(before[-1]) and _hebrew(after):
        return True
    return char in MEDIAL


def tokenise(text: str) -> list[str]:
    """The text as words and single other characters, in logical order; joined, they give
    the text back exactly."""
    tokens: list[str] = []
    word = ""
    for i, char in enumerate(text):
        if _wordlike(char):
            word += char
            continue
        following = text[i + 1] if i + 1 < len(text) else ""
        if _medial(char, word, following):
            word += char
            continue
        if word:
            tokens.append(word)
            word = ""
        tokens.append(char)
    if word:
        tokens.append(word)
    return tokens


@dataclass(frozen=True)
class Segment:
    """A run of the new text: kept ("equal"), added ("ins") or taken out ("del")."""

    op: str
    text: str


def diff(before: str, after: str) -> list[Segment]:
    """The segments that turn `before` into `after`, word by word; a replaced run is its
    deletion followed by its insertion."""
    old, new = tokenise(before), tokenise(after)
    matcher = SequenceMatcher(a=old, b=new, autojunk=False)
    out: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _add(out, "equal", "".join(old[i1:i2]))
            continue
        if tag in ("delete", "replace"):
            _add(out, "del", "".join(old[i1:i2]))
        if tag in ("insert", "replace"):
            _add(out, "ins", "".join(new[j1:j2]))
    return out


def _add(out: list[Segment], op: str, text: str) -> None:
    if not text:
        return
    if out and out[-1].op == op:
        out[-1] = Segment(op, out[-1].text + text)
    else:
        out.append(Segment(op, text))
