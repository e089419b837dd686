"""The attribution check: find roster names, affiliations, party names and listed terms in text.

Four passes over each text, on the forms of `app.summary.folding`:

1. the folded text, for every variant of the check list (`app.summary.checklist`);
2. the confusable skeleton of the folded text ("homoglyph" where pass 1 saw nothing);
3. each word in Latin, Arabic, Hebrew or Cyrillic against the check-list words of names,
   affiliations and parties in the other scripts (`app.summary.crossscript`), one word on
   its own when its key is long enough, and a whole multi-word name word by word;
4. the stretches a bidi override shows reversed, read in the order they are displayed.

A match must sit on word-ish boundaries: no letter or digit directly before or after it.
Before an Arabic or Hebrew term, a short run of the language's one-letter proclitics
(Arabic و ف ب ل ك and the article ال; Hebrew ו ה ב ל מ ש כ) still counts as a boundary.
Scripts written without spaces (Han, Kana, Thai...) match anywhere. Invisible formatting
characters are found by `hidden` and removed from every export by `strip_invisible`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from app.summary import checklist
from app.summary.checklist import CheckList
from app.summary.crossscript import Index
from app.summary.folding import (
    Folded,
    fold,
    fold_char,
    fold_with_map,
    hidden,
    overridden,
    skeleton,
    skeleton_with_map,
    strip_invisible,
    unspaced,
    word_script,
    wordish,
)

__all__ = ["REDACTED", "Hit", "context", "find", "fold", "hits", "redact", "strip_invisible"]

ARABIC_PROCLITICS = ("وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك")
HEBREW_PROCLITIC_LETTERS = frozenset("והבלמשכ")
CROSS_KINDS = frozenset({"name", "affiliation", "party"})
REDACTED = "[redacted]"
WORD = re.compile("(?:[^\\W_]|(?<=[\u05d0-\u05ea])['\u05f3])+")  # geresh: ח' ג' ז' צ'


@dataclass(frozen=True)
class Hit:
    """A span of the ORIGINAL text, the folded check-list variant it matched, and why."""

    start: int
    end: int
    term: str
    kind: str
    how: str


class Matcher:
    """A check list made ready to match: variants, their skeletons and cross-script keys."""

    def __init__(self, terms: CheckList) -> None:
        self.variants = terms.variants()
        self.skeletons: dict[str, str] = {}
        for text in self.variants:
            self.skeletons.setdefault(skeleton(text), text)
        self.exact = Pattern(self.variants)
        self.confusable = Pattern(self.skeletons)
        cross = {t: v for t, v in self.variants.items() if v[0] in CROSS_KINDS}
        cross = {t: v for t, v in cross.items() if v[1] != "derived"}
        self.single = {t: v for t, v in cross.items() if " " not in t}
        names = {w for t, (kind, _) in cross.items() if kind == "name" for w in t.split()}
        self.index = Index(set(self.single) | names)
        self.sequences: dict[str, list[list[str]]] = {}
        for t, (kind, _) in cross.items():
            if kind == "name" and " " in t:
                self.sequences.setdefault(t.split()[0], []).append(t.split())

    def find(self, text: str) -> list[Hit]:
        """Every hit in the text, overlapping ones merged under the longest term."""
        hits = self._passes(text)
        for start, end in overridden(text):
            shown = text[start:end][::-1]
            for hit in self._passes(shown):
                hits.append(Hit(end - hit.end, end - hit.start, hit.term, hit.kind, "reversed"))
        return _merge(hits)

    def _passes(self, text: str) -> list[Hit]:
        folded = fold_with_map(text)
        exact = self.exact.occurrences(folded, text)
        hits = [Hit(s, e, t, *self.variants[t]) for s, e, t in exact]
        taken = [(h.start, h.end) for h in hits]
        for start, end, sk in self.confusable.occurrences(skeleton_with_map(folded), text):
            if not any(s <= start and end <= e for s, e in taken):
                term = self.skeletons[sk]
                hits.append(Hit(start, end, term, self.variants[term][0], "homoglyph"))
        if self.single:
            hits += self._cross(folded, text)
        return hits

    def _cross(self, folded: Folded, text: str) -> list[Hit]:
        words = _words(folded, text)
        hits: list[Hit] = []
        for start, end, word in words:
            for term in self.index.match(word):
                if term in self.single:
                    kind, _ = self.single[term]
                    hits.append(Hit(start, end, term, kind, "script:" + word_script(word)))
        loose = [self.index.match(w, 1) for _, _, w in words]
        for i, first in enumerate(loose):
            for names in (s for f in first for s in self.sequences.get(f, ())):
                got = words[i : i + len(names)]
                if len(got) == len(names) and all(n in loose[i + j] for j, n in enumerate(names)):
                    how = "script:" + word_script(got[0][2])
                    hits.append(Hit(got[0][0], got[-1][1], " ".join(names), "name", how))
        return hits


@lru_cache(maxsize=32)
def matcher(terms: CheckList) -> Matcher:
    """The matcher of a check list, kept while the list is unchanged."""
    return Matcher(terms)


def _words(folded: Folded, text: str) -> list[tuple[int, int, str]]:
    """The folded words of known scripts with their spans in the original text."""
    out: list[tuple[int, int, str]] = []
    for found in WORD.finditer(folded.text):
        word = found.group()
        if word_script(word) != "other":
            end = _after_marks(text, folded.source[found.end() - 1] + 1)
            out.append((folded.source[found.start()], end, word))
    return out


def _after_marks(text: str, last: int) -> int:
    """The end of a span, taking the marks (harakat, niqqud, tatweel) after its last letter."""
    while last < len(text) and not fold_char(text[last]):
        last += 1
    return last


def _prefix_ok(folded: str, start: int, term: str) -> bool:
    """Whether the text before `start` ends a word, allowing proclitics before Arabic/Hebrew."""
    if start == 0 or not wordish(folded[start - 1]):
        return True
    script = word_script(term[0])
    word_start = start
    while word_start > 0 and wordish(folded[word_start - 1]):
        word_start -= 1
    prefix = folded[word_start:start]
    if script == "arabic":
        return prefix in ARABIC_PROCLITICS
    if script == "hebrew":
        return len(prefix) <= 3 and all(c in HEBREW_PROCLITIC_LETTERS for c in prefix)
    return False


class Pattern:
    """All terms in one regular expression: each occurrence that ends a word (any occurrence
    for scripts written without spaces), leftmost first, the longest term at each place."""

    def __init__(self, terms: Iterable[str]) -> None:
        ordered = sorted({t for t in terms if t}, key=len, reverse=True)
        spaced = [re.escape(t) for t in ordered if not (unspaced(t[0]) or unspaced(t[-1]))]
        loose = [re.escape(t) for t in ordered if unspaced(t[0]) or unspaced(t[-1])]
        parts = [f"(?:{'|'.join(spaced)})(?![^\\W_])"] if spaced else []
        parts += [f"(?:{'|'.join(loose)})"] if loose else []
        self.regex = re.compile("|".join(parts)) if parts else None

    def occurrences(self, folded: Folded, text: str) -> list[tuple[int, int, str]]:
        """Spans (start, end) in the original text where a term occurs in folded form."""
        spans: list[tuple[int, int, str]] = []
        if self.regex is None:
            return spans
        value = folded.text
        found = self.regex.search(value)
        while found is not None:
            at, end, term = found.start(), found.end(), found.group()
            if unspaced(term[0]) or unspaced(term[-1]) or _prefix_ok(value, at, term):
                first = folded.source[at]
                spans.append((first, _after_marks(text, folded.source[end - 1] + 1), term))
            found = self.regex.search(value, at + 1)
        return spans


def find(text: str, terms: Iterable[str]) -> list[tuple[int, int, str]]:
    """Spans (start, end) in the ORIGINAL text where a listed term occurs, with that term."""
    hits = matcher(checklist.build(terms=sorted(set(terms)))).find(text)
    return [(h.start, h.end, h.term) for h in hits]


def hits(text: str, terms: CheckList) -> list[Hit]:
    """Every hit of the check list in the text, and each run of hidden formatting characters
    (a hit of its own, never merged into a name: both must be seen)."""
    found = matcher(terms).find(text)
    found += [Hit(s, e, points, "hidden", "hidden") for s, e, points in hidden(text)]
    return sorted(found, key=lambda h: (h.start, h.end))


def any_hit(texts: Iterable[str], terms: CheckList) -> bool:
    """Whether the check list finds anything in these texts: a report with no redaction
    step of its own (the impact report, the transfer log's) is refused while it does."""
    return any(hits(text, terms) for text in texts if text)


_RANK = {"whole": 0, "part": 1, "derived": 2, "homoglyph": 3}  # then reversed, other scripts


def _merge(hits: list[Hit]) -> list[Hit]:
    """Overlapping hits become one, named by the longest term (a full name over its parts)."""
    merged: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (h.start, -(h.end - h.start), _RANK.get(h.how, 4))):
        if merged and hit.start < merged[-1].end:
            prev = merged[-1]
            keep = prev if len(prev.term) >= len(hit.term) else hit
            merged[-1] = Hit(prev.start, max(prev.end, hit.end), keep.term, keep.kind, keep.how)
            continue
        merged.append(hit)
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
