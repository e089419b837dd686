"""Cross-script keys: one word in Latin, Arabic, Hebrew or Cyrillic, as a common Latin skeleton.

Both sides are transliterated with `anyascii`. Between the two alphabets (Latin, Cyrillic)
the transliterations are compared whole, vowels included. Where a side is in a consonantal
script (Arabic, Hebrew) vowels are not written, so both sides are reduced to a consonant key:
letters are grouped by sound (b f p v w; c g j k q x and kh ch gh; d t; s z and sh ts zh;
h; l; m; n; r), vowels and alef/ayin/hamza dropped, a doubled Latin letter written once (a
shadda or dagesh is not written either). In Arabic and Hebrew, waw/vav may be a vowel or a
consonant and a final ha/he/ta marbuta may be a vowel, and a proclitic (the article, "and",
"to"...) may be attached: each reading gives one key of the word.

Two words match when a key of one equals a key of the other, or, for keys of five letters
or more, is one edit away (rapidfuzz's Levenshtein distance). Keys shorter than `MIN_KEY`
never match on their own: a two-consonant key is shared by too many common words.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import product

from anyascii import anyascii
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from app.summary.folding import word_script

MIN_KEY = 3
FUZZY_FROM = 5
KNOWN = frozenset({"latin", "arabic", "hebrew", "cyrillic"})
CONSONANTAL = frozenset({"arabic", "hebrew"})
# sounds written with two Latin letters, as one symbol (upper case: no Latin letter is)
_DIGRAPHS = {"sch": "s", "kh": "X", "ch": "X", "gh": "g", "ph": "f", "th": "t", "dh": "d"}
_DIGRAPHS |= {"sh": "s", "zh": "j", "ts": "C", "tz": "C", "ck": "k"}
_FINE = str.maketrans("cqx", "kkk", "aeiouy'`-")
_COARSE = str.maketrans("pfvwgjXhtzC", "bbbbkkkkdss")
# sounds one script writes with the letter another uses for a neighbour: Hebrew bet is b or
# v, pe p or f, vav v or w; Arabic has no p (b) and no v (f); kaf is k or kh, het h or kh...
CLOSE = frozenset(
    frozenset(pair) for pair in ("bv", "pf", "wv", "pb", "vf", "kX", "Xh", "gj", "sz", "zC", "sC")
)
_WAW = frozenset("وו")
_FINAL_HA = frozenset("\u0647\u05d4")  # ha (and ta marbuta, folded to it), he
_PROCLITICS = {
    "arabic": ("وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك"),
    "hebrew": ("וה", "שה", "מה", "כש", "ול", "וב", "ה", "ו", "ב", "ל", "מ", "ש", "כ"),
}


def _reduce(latin: str) -> str:
    """The fine consonant key of a lower-case transliteration: vowels dropped."""
    for digraph, single in _DIGRAPHS.items():
        latin = latin.replace(digraph, single)
    return "".join(c for c in latin.translate(_FINE) if c.isalpha())


def coarse(key: str) -> str:
    """The key with neighbouring sounds merged: what the index groups words by."""
    return key.translate(_COARSE)


@lru_cache(maxsize=65536)
def near(a: str, b: str, allowed: int) -> bool:
    """Whether fine keys a and b are within `allowed` edits, a neighbouring sound being free."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            cost = 0 if x == y or frozenset((x, y)) in CLOSE else 1
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + cost)
        if min(row) > allowed:
            return False
    return row[-1] <= allowed


def _undoubled(latin: str) -> str:
    """A doubled Latin letter written once, as Arabic and Hebrew write it."""
    return "".join(c for i, c in enumerate(latin) if i == 0 or c != latin[i - 1] or not c.isalpha())


def _latin(word: str) -> str:
    return "".join(c for c in anyascii(word).lower() if c.isalpha() or c in "'`")


def _readings(word: str, script: str) -> set[str]:
    """The word with or without each proclitic, each waw/vav as vowel or not, final ha or not."""
    bodies = {word}
    for prefix in _PROCLITICS.get(script, ()):
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            bodies.add(word[len(prefix) :])
    readings: set[str] = set()
    for body in bodies:
        options: list[tuple[str, ...]] = []
        for index, ch in enumerate(body):
            if ch in _WAW and index > 0:
                options.append((ch, "a"))
            elif ch in _FINAL_HA and index == len(body) - 1:
                options.append((ch, ""))
            else:
                options.append((ch,))
        if len(options) > 8 and sum(len(o) > 1 for o in options) > 3:
            options = [(o[0],) for o in options]
        readings.update("".join(choice) for choice in product(*options))
    return readings


@lru_cache(maxsize=16384)
def keys(word: str) -> tuple[str, frozenset[str]]:
    """(script, keys) of a folded word: whole transliterations for Latin and Cyrillic (prefixed
    "=") and consonant keys for every script."""
    script = word_script(word)
    if script not in KNOWN:
        return script, frozenset()
    if script in CONSONANTAL:
        readings = _readings(word, script)
        return script, frozenset("".join(_reduce(_latin(c)) for c in r) for r in readings)
    latin = _latin(word)
    whole = "=" + latin.replace("'", "").replace("`", "")
    return script, frozenset({whole, _reduce(_undoubled(latin))})


def _fits(text_script: str, term_script: str, key: str) -> bool:
    """Whole transliterations compare between the alphabets, consonant keys otherwise."""
    if text_script == term_script:
        return False
    alphabetic = text_script not in CONSONANTAL and term_script not in CONSONANTAL
    return key.startswith("=") == alphabetic


class Index:
    """The words of the check list by key, to find a text word's matches in other scripts."""

    def __init__(self, words: set[str]) -> None:
        self.by_key: dict[str, list[tuple[str, str, str]]] = {}
        for word in words:
            script, word_keys = keys(word)
            for key in word_keys:
                entry = (script, word, key)
                self.by_key.setdefault(_grouped(key), []).append(entry)
        self.long_keys = [k for k in self.by_key if _length(k) >= FUZZY_FROM]
        self.cache: dict[tuple[str, int], frozenset[str]] = {}

    def match(self, text_word: str, min_key: int = MIN_KEY) -> frozenset[str]:
        """The check-list words in another script that text_word transliterates to."""
        cached = self.cache.get((text_word, min_key))
        if cached is not None:
            return cached
        script, text_keys = keys(text_word)
        found: set[str] = set()
        for key in text_keys:
            if _length(key) < min_key:
                continue
            group = _grouped(key)
            groups = [group]
            if _length(key) >= FUZZY_FROM:
                groups += [
                    k
                    for k, _, _ in process.extract(
                        group,
                        self.long_keys,
                        scorer=Levenshtein.distance,
                        score_cutoff=1,
                        limit=None,
                    )
                    if k != group
                ]
            for other in groups:
                for term_script, word, term_key in self.by_key.get(other, ()):
                    if _fits(script, term_script, key) and _same(key, term_key):
                        found.add(word)
        result = frozenset(found)
        if len(self.cache) < 100_000:
            self.cache[(text_word, min_key)] = result
        return result


def _length(key: str) -> int:
    return len(key) - key.startswith("=")


def _grouped(key: str) -> str:
    return key if key.startswith("=") else coarse(key)


def _same(a: str, b: str) -> bool:
    """Keys of the same kind, equal or near (one edit from FUZZY_FROM letters on)."""
    if a.startswith("=") != b.startswith("="):
        return False
    allowed = 0 if min(_length(a), _length(b)) < FUZZY_FROM else 1
    if a.startswith("="):
        return Levenshtein.distance(a, b, score_cutoff=allowed) <= allowed
    return near(a, b, allowed)
