"""The attribution check: find roster names, affiliations, party names and listed terms in text.

Matching is done on a folded copy of the text: NFKC, case folding, combining marks removed
(Latin diacritics, Arabic harakat, Hebrew niqqud and cantillation), tatweel and invisible
format characters dropped, a few spelling variants merged (Arabic alef/ya/ta marbuta forms,
Hebrew final letters), whitespace runs collapsed. Every folded character remembers where it
came from, so a hit can be shown in context and redacted in the original text.

A match must sit on word-ish boundaries: no letter or digit directly before or after it.
Before an Arabic or Hebrew term, a short run of the language's one-letter proclitics
(Arabic و ف ب ل ك and the article ال; Hebrew ו ה ב ל מ ש כ) still counts as a boundary.
Scripts written without spaces (Han, Kana, Thai...) match anywhere.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

TATWEEL = "\u0640"
_VARIANTS = str.maketrans(
    {
        "\u0671": "\u0627",  # alef wasla -> alef
        "\u0649": "\u064a",  # alef maksura -> ya
        "\u0629": "\u0647",  # ta marbuta -> ha
        "\u06cc": "\u064a",  # Farsi ya -> ya
        "\u06a9": "\u0643",  # keheh -> kaf
        "\u05da": "\u05db",  # Hebrew final kaf
        "\u05dd": "\u05de",  # final mem
        "\u05df": "\u05e0",  # final nun
        "\u05e3": "\u05e4",  # final pe
        "\u05e5": "\u05e6",  # final tsadi
        "\u2019": "'",
        "\u02bc": "'",
    }
)
ARABIC_PROCLITICS = ("وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك")
HEBREW_PROCLITIC_LETTERS = frozenset("והבלמשכ")
REDACTED = "[redacted]"


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    if ch == TATWEEL:
        return ""
    category = unicodedata.category(ch)
    if category in {"Mn", "Me", "Cf"}:
        return ""
    if ch.isspace():
        return " "
    out = []
    for part in unicodedata.normalize("NFKC", ch).casefold():
        for base in unicodedata.normalize("NFD", part):
            if unicodedata.category(base) in {"Mn", "Me", "Cf"} or base == TATWEEL:
                continue
            out.append(base.translate(_VARIANTS))
    return "".join(" " if c.isspace() else c for c in out)


@dataclass(frozen=True)
class Folded:
    """Folded text with, for each folded character, the index of its source character."""

    text: str
    source: tuple[int, ...]


def fold_with_map(text: str) -> Folded:
    chars: list[str] = []
    source: list[int] = []
    for index, ch in enumerate(text):
        for out in _fold_char(ch):
            if out == " " and (not chars or chars[-1] == " "):
                continue
            chars.append(out)
            source.append(index)
    return Folded("".join(chars), tuple(source))


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """The folded form used for matching (and for comparing terms)."""
    return fold_with_map(text).text.strip()


def _wordish(ch: str) -> bool:
    return unicodedata.category(ch)[0] in {"L", "N"}


def _unspaced(ch: str) -> bool:
    """Scripts written without spaces between words: no boundary can be asked for."""
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return False
    return name.startswith(
        ("CJK ", "HIRAGANA", "KATAKANA", "THAI", "LAO ", "KHMER", "MYANMAR", "TIBETAN")
    )


def _script(ch: str) -> str:
    if "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\u08a0" <= ch <= "\u08ff":
        return "arabic"
    if "\u0590" <= ch <= "\u05ff":
        return "hebrew"
    return "other"


def _prefix_ok(folded: str, start: int, term: str) -> bool:
    """Whether the text before `start` ends a word, allowing proclitics before Arabic/Hebrew."""
    if start == 0 or not _wordish(folded[start - 1]):
        return True
    script = _script(term[0])
    word_start = start
    while word_start > 0 and _wordish(folded[word_start - 1]):
        word_start -= 1
    prefix = folded[word_start:start]
    if script == "arabic":
        return prefix in ARABIC_PROCLITICS
    if script == "hebrew":
        return len(prefix) <= 3 and all(c in HEBREW_PROCLITIC_LETTERS for c in prefix)
    return False


def find(text: str, terms: Iterable[str]) -> list[tuple[int, int, str]]:
    """Spans (start, end) in the ORIGINAL text where a folded term occurs, with that term."""
    folded = fold_with_map(text)
    source_text = text
    spans: list[tuple[int, int, str]] = []
    for term in {fold(t) for t in terms}:
        if not term:
            continue
        unspaced = _unspaced(term[0]) or _unspaced(term[-1])
        at = folded.text.find(term)
        while at != -1:
            end = at + len(term)
            ok = unspaced or (
                _prefix_ok(folded.text, at, term)
                and (end == len(folded.text) or not _wordish(folded.text[end]))
            )
            if ok:
                first = folded.source[at]
                last = folded.source[end - 1] + 1
                # take the marks (harakat, niqqud, tatweel) that follow the last letter
                while last < len(source_text) and not _fold_char(source_text[last]):
                    last += 1
                spans.append((first, last, term))
            at = folded.text.find(term, at + 1)
    return _merge(spans)


def _merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Overlapping hits become one, named by the longest term (a full name over its parts)."""
    merged: list[tuple[int, int, str]] = []
    for start, end, term in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if merged and start < merged[-1][1]:
            prev = merged[-1]
            longest = prev[2] if len(prev[2]) >= len(term) else term
            merged[-1] = (prev[0], max(prev[1], end), longest)
            continue
        merged.append((start, end, term))
    return merged


def redact(text: str, spans: Sequence[tuple[int, int]], replacement: str = REDACTED) -> str:
    """The text with each span replaced."""
    source = text
    out: list[str] = []
    cursor = 0
    for start, end in sorted(spans):
        if start < cursor:
            start = cursor
        if end <= start:
            continue
        out.append(source[cursor:start])
        out.append(replacement)
        cursor = end
    out.append(source[cursor:])
    return "".join(out)


def context(text: str, start: int, end: int, width: int = 60) -> tuple[str, str, str]:
    """The words around a hit: (before, match, after), cut at whitespace where possible."""
    source = text
    before = source[max(0, start - width) : start]
    after = source[end : end + width]
    if start - width > 0 and " " in before:
        before = "…" + before[before.index(" ") + 1 :]
    if end + width < len(source) and " " in after:
        after = after[: after.rindex(" ")] + "…"
    return before, source[start:end], after
