"""The normal forms the attribution check compares: folded text, confusable skeletons, scripts.

`fold` is NFKC and case folding, with combining marks removed (Latin diacritics, Arabic
harakat, Hebrew niqqud and cantillation), tatweel and invisible format characters dropped, a
few spelling variants merged (Arabic alef/ya/ta marbuta forms, Hebrew final letters),
hyphens and dashes made spaces and whitespace runs collapsed. Every folded character
remembers where it came from, so a hit can be shown in context and redacted in the original.

`skeleton` is the UTS #39 confusable skeleton of ICU's spoof checker, applied to folded text,
so "Wrіter" with a Cyrillic і and "Writer" compare equal.

Invisible characters are every format character (general category Cf: bidi embeddings,
overrides and isolates, zero-width spaces and joiners, direction marks, the byte-order mark,
word joiners, tag characters...) and the Hangul fillers, which render as nothing.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import icu

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
        "-": " ",  # hyphens and dashes (and the Hebrew maqaf) separate words
        "\u2010": " ",
        "\u2011": " ",
        "\u2012": " ",
        "\u2013": " ",
        "\u2014": " ",
        "\u05be": " ",
        "\u2019": "'",
        "\u02bc": "'",
    }
)
FILLERS = frozenset("\u115f\u1160\u3164\uffa0")
OVERRIDES = frozenset("\u202d\u202e")  # left-to-right and right-to-left override
OVERRIDE_ENDS = frozenset("\u202c\u202a\u202b\u202d\u202e\n\u2029")
_SPOOF = icu.SpoofChecker()


def is_invisible(ch: str) -> bool:
    """A character that renders as nothing but can reorder, join or hide text."""
    return unicodedata.category(ch) == "Cf" or ch in FILLERS


def strip_invisible(text: str) -> str:
    """The text without invisible formatting characters: what every export carries."""
    if text.isascii():
        return text
    return "".join(ch for ch in text if not is_invisible(ch))


def hidden(text: str) -> list[tuple[int, int, str]]:
    """Runs of invisible characters: (start, end, their code points as "U+XXXX ...")."""
    runs: list[tuple[int, int, str]] = []
    if text.isascii():
        return runs
    start = -1
    for index, ch in enumerate([*text, ""]):
        if ch and is_invisible(ch):
            if start < 0:
                start = index
            continue
        if start >= 0:
            points = sorted({f"U+{ord(c):04X}" for c in text[start:index]})
            runs.append((start, index, " ".join(points)))
            start = -1
    return runs


def overridden(text: str) -> list[tuple[int, int]]:
    """Spans shown reversed by a bidi override (U+202D, U+202E), up to U+202C or the line end."""
    spans: list[tuple[int, int]] = []
    at = 0
    while at < len(text):
        if text[at] in OVERRIDES:
            end = at + 1
            while end < len(text) and text[end] not in OVERRIDE_ENDS:
                end += 1
            if end > at + 1:
                spans.append((at + 1, end))
            at = end
        else:
            at += 1
    return spans


@lru_cache(maxsize=16384)
def fold_char(ch: str) -> str:
    if ch == TATWEEL or is_invisible(ch):
        return ""
    if unicodedata.category(ch) in {"Mn", "Me"}:
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
        for out in fold_char(ch):
            if out == " " and (not chars or chars[-1] == " "):
                continue
            chars.append(out)
            source.append(index)
    return Folded("".join(chars), tuple(source))


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """The folded form used for matching (and for comparing terms)."""
    return fold_with_map(text).text.strip()


@lru_cache(maxsize=16384)
def _skeleton_char(ch: str) -> str:
    if ch == " ":
        return ch
    out = ch
    for _ in range(
        3
    ):  # a prototype may case-fold to a letter that has a prototype again (Ꮇ M m rn)
        step = unicodedata.normalize("NFD", _SPOOF.getSkeleton(0, out).casefold())
        step = "".join(c for c in step if unicodedata.category(c) not in {"Mn", "Me"})
        if step == out:
            break
        out = step
    return out or ch


def skeleton_with_map(folded: Folded) -> Folded:
    """The confusable skeleton of folded text, each character mapped to its source index."""
    chars: list[str] = []
    source: list[int] = []
    for ch, index in zip(folded.text, folded.source, strict=True):
        for out in _skeleton_char(ch):
            chars.append(out)
            source.append(index)
    return Folded("".join(chars), tuple(source))


@lru_cache(maxsize=8192)
def skeleton(folded_text: str) -> str:
    """The skeleton of an already folded text."""
    return "".join(_skeleton_char(ch) for ch in folded_text)


def wordish(ch: str) -> bool:
    return unicodedata.category(ch)[0] in {"L", "N"}


def unspaced(ch: str) -> bool:
    """Scripts written without spaces between words: no boundary can be asked for."""
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return False
    return name.startswith(
        ("CJK ", "HIRAGANA", "KATAKANA", "THAI", "LAO ", "KHMER", "MYANMAR", "TIBETAN")
    )


@lru_cache(maxsize=4096)
def script(ch: str) -> str:
    """latin, arabic, hebrew, cyrillic or other: the scripts the cross-script match knows."""
    if "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\u08a0" <= ch <= "\u08ff":
        return "arabic"
    if "\u0590" <= ch <= "\u05ff":
        return "hebrew"
    if "\u0400" <= ch <= "\u052f":
        return "cyrillic"
    if ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN"):
        return "latin"
    return "other"


def word_script(word: str) -> str:
    """The script of a word's first letter of a known script, else other."""
    for ch in word:
        found = script(ch)
        if found != "other":
            return found
    return "other"
