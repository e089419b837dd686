"""Cross-script matching: one word in Latin, Arabic, Hebrew or Cyrillic as a Latin sound key.

Both sides are transliterated with `anyascii`, then reduced to a sound key: a doubled letter
written once, two-letter sounds made one symbol (sh S, kh and ch X, gh g, th t, dh d, zh j,
ou u), c and q written k, y written i; a Cyrillic word also without a case ending (Мансуром,
Хаддада, Лундского).

Between the two alphabets (Latin, Cyrillic) the keys are compared whole: equal, or one edit
apart from five symbols on (rapidfuzz's Levenshtein distance).

Arabic and Hebrew write few vowels, so where one side is in those scripts its key keeps its
consonants and marks where the script wrote a vowel letter: alef, ayin and hamza may stand
for any vowel or none ("."), waw/vav is w or the vowel U (o, u), ya/yod the vowel I (i, e),
a final ha/he/ta marbuta is h or the vowel A (a, e, o); a proclitic (the article, "and",
"to"...) may be attached, and Hebrew tsadi is ts or s. The keys then align (`near`): a
Latin vowel the other script did not write is free, except at the end of the word; a vowel
letter must meet a Latin vowel it can stand for; consonants must be equal or neighbours the
script writes with one letter (Hebrew bet b/v, pe p/f, vav v/w, kaf k/kh, het h/kh, shin
s/sh; Arabic has no p or v: b/p, f/v; jim j/g); any other difference is one edit, allowed
only from five consonants on. A word with fewer than `MIN_KEY` consonants never matches on
its own: two consonants are shared by too many common words.
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
MAX_READINGS = 64
KNOWN = frozenset({"latin", "arabic", "hebrew", "cyrillic"})
CONSONANTAL = frozenset({"arabic", "hebrew"})
_SOUNDS: tuple[tuple[str, str], ...] = (
    ("sch", "S"),
    ("sh", "S"),
    ("kh", "X"),
    ("ch", "X"),
    ("gh", "g"),
    ("ph", "f"),
)
_SOUNDS += (("th", "t"), ("dh", "d"), ("zh", "j"), ("ck", "k"), ("ou", "u"), ("x", "ks"))
_LETTERS = str.maketrans("cqy", "kki")
VOWELS = frozenset("aeiou")
MATRES = frozenset("AUI.")
CONSONANTS = frozenset("bpfvwkgjXhtdsSzlmnr")
_COARSE = str.maketrans("pfvwgjXhtSz", "bbbbkkkkdss")
CLOSE = {
    "hebrew": frozenset(map(frozenset, ("bv", "pf", "vw", "kX", "Xh", "sS", "sz"))),
    "arabic": frozenset(map(frozenset, ("bp", "fv", "gj", "sz", "vw"))),
}
_ENDINGS = "ского ской ским ском ских ская ское ские ский скую ого его ому ему ами ями ой ей ом "
_CASE_ENDINGS = tuple((_ENDINGS + "ем ым им ах ях ов ев а я у ю е ы и").split())
_WAW = frozenset("\u0648\u05d5")
_YA = frozenset("\u064a\u05d9")
_FINAL_HA = frozenset("\u0647\u05d4")  # ha (and ta marbuta, folded to it), he
_GERESH = {"\u05d7": "X", "\u05d2": "j", "\u05d6": "j", "\u05e6": "tS"}  # ח' ג' ז' צ'
_PROCLITICS = {
    "arabic": ("وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك"),
    "hebrew": ("וה", "שה", "מה", "כש", "ול", "וב", "ה", "ו", "ב", "ל", "מ", "ש", "כ"),
}


def _sound(latin: str) -> str:
    """The sound key of a lower-case Latin transliteration."""
    latin = "".join(c for i, c in enumerate(latin) if c.isalpha() and (i == 0 or c != latin[i - 1]))
    for pair, one in _SOUNDS:
        latin = latin.replace(pair, one)
    return latin.translate(_LETTERS)


def _letter(ch: str, index: int, last: int) -> tuple[str, ...]:
    """The readings of one Arabic or Hebrew letter."""
    if ch in _WAW:
        return ("w", "U") if index > 0 else ("w",)
    if ch in _YA:
        return ("I",)
    if ch in _FINAL_HA and index == last:
        return ("h", "A")
    if ch == "\u05e6":
        return ("ts", "s")
    latin = "".join(c for c in anyascii(ch).lower() if c.isalpha())
    return (_sound(latin) or ".",) if latin not in {"a", "i", "u"} else (".",)


def _readings(word: str, script: str) -> set[str]:
    """Every key of an Arabic or Hebrew word: with or without a proclitic, each letter read
    each way it can be."""
    bodies = {word}
    for prefix in _PROCLITICS[script]:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            bodies.add(word[len(prefix) :])
    readings: set[str] = set()
    for body in bodies:
        letters = [(i, c) for i, c in enumerate(body) if c.isalpha()]
        options: list[tuple[str, ...]] = []
        for n, (i, ch) in enumerate(letters):
            if ch in _GERESH and body[i + 1 : i + 2] in ("'", "\u05f3"):
                options.append((_GERESH[ch],))
            elif ch in "\u05d5\u05d9" and n > 0 and letters[n - 1][1] == ch:
                options[-1] = ("w",) if ch == "\u05d5" else ("I",)  # וו is v, יי is y or ei
                options.append(("",))
            else:
                options.append(_letter(ch, n, len(letters) - 1))
        count = 1
        for o in options:
            count *= len(o)
        if count > MAX_READINGS:
            options = [o[:1] for o in options]
        readings.update("".join(choice) for choice in product(*options))
    return readings


@lru_cache(maxsize=16384)
def keys(word: str) -> tuple[str, frozenset[str]]:
    """(script, keys) of a folded word: for Latin and Cyrillic its sound key, for Arabic and
    Hebrew the keys of its readings."""
    script = word_script(word)
    if script not in KNOWN:
        return script, frozenset()
    if script in CONSONANTAL:
        return script, frozenset(_readings(word, script))
    forms = {word}
    if script == "cyrillic":  # a name in another case: Мансуром, Хаддада, Лундского
        forms |= {
            word[: -len(e)] for e in _CASE_ENDINGS if word.endswith(e) and len(word) - len(e) >= 4
        }
    return script, frozenset(_sound(anyascii(form).lower()) for form in forms)


def consonants(key: str) -> int:
    return sum(c in CONSONANTS for c in key)


def coarse(key: str) -> str:
    """The consonants of a key, neighbouring sounds merged: what the index groups words by."""
    return "".join(c for c in key if c in CONSONANTS).translate(_COARSE)


def _fits(vowel: str, mater: str, final: bool) -> bool:
    if mater == ".":
        return True
    if mater == "A":
        return vowel in "aeo"
    if mater == "U":
        return vowel in "ou"
    return vowel in "iea"  # ya for an English a ("Dayvid"), and alef maksura, folded to ya


@lru_cache(maxsize=65536)
def near(a: str, b: str, scripts: frozenset[str]) -> bool:
    """Whether key a (Latin, Cyrillic or consonantal) and consonantal key b align."""
    close = frozenset().union(*(CLOSE.get(s, frozenset()) for s in scripts))
    allowed = 0 if min(consonants(a), consonants(b)) < FUZZY_FROM else 1
    both = not any(c in VOWELS for c in a)

    def drop(c: str, final: bool, first: bool = False) -> int:
        if c == ".":  # an alef that begins a word carries its first vowel
            return 1 if first and not both and a[:1] not in VOWELS else 0
        if c in VOWELS:
            return 1 if final and c != "e" else 0
        return 0 if both and c in MATRES else 1

    def swap(x: str, y: str, final: bool) -> int:
        if x == y or frozenset((x, y)) in close:
            return 0
        if x in VOWELS and y in MATRES:
            return 0 if _fits(x, y, final) else 1
        if y in VOWELS and x in MATRES:
            return 0 if _fits(y, x, final) else 1
        return 0 if "." in (x, y) and (x in MATRES or y in MATRES) and both else 1

    row = [0]
    for j, y in enumerate(b):
        row.append(row[-1] + drop(y, j == len(b) - 1, j == 0))
    for i, x in enumerate(a):
        final_x = i == len(a) - 1
        new = [row[0] + drop(x, final_x)]
        for j, y in enumerate(b):
            final = final_x and j == len(b) - 1
            new.append(
                min(
                    row[j + 1] + drop(x, final_x),
                    new[j] + drop(y, j == len(b) - 1, j == 0),
                    row[j] + swap(x, y, final),
                )
            )
        row = new
        if min(row) > allowed:
            return False
    return row[-1] <= allowed


def same(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Whether two (script, key) pairs in different scripts are the same word."""
    (script_a, key_a), (script_b, key_b) = a, b
    if script_a == script_b:
        return False
    if script_a not in CONSONANTAL and script_b not in CONSONANTAL:
        allowed = 0 if min(len(key_a), len(key_b)) < FUZZY_FROM else 1
        return Levenshtein.distance(key_a, key_b, score_cutoff=allowed) <= allowed
    if script_a in CONSONANTAL and script_b not in CONSONANTAL:
        key_a, key_b, script_a, script_b = key_b, key_a, script_b, script_a
    return near(key_a, key_b, frozenset({script_a, script_b}))


def _long_enough(script: str, key: str, other: str, min_key: int) -> bool:
    """Consonants count where a side is consonantal; between the alphabets, letters do (one
    more than min_key)."""
    if script in CONSONANTAL or other in CONSONANTAL:
        return consonants(key) >= min_key
    return len(key) > min_key


def _grouped(script: str, key: str) -> str:
    return coarse(key) if script in CONSONANTAL else "=" + key


class Index:
    """The words of the check list by key, to find a text word's matches in other scripts."""

    def __init__(self, words: set[str]) -> None:
        self.groups: dict[str, list[tuple[str, str, str]]] = {}
        for word in words:
            script, word_keys = keys(word)
            for key in word_keys:
                self.groups.setdefault(_grouped(script, key), []).append((script, key, word))
                if script not in CONSONANTAL:
                    self.groups.setdefault(coarse(key), []).append((script, key, word))
        self.long = [g for g in self.groups if len(g.lstrip("=")) >= FUZZY_FROM]
        self.cache: dict[tuple[str, int], frozenset[str]] = {}

    def match(self, text_word: str, min_key: int = MIN_KEY) -> frozenset[str]:
        """The check-list words in another script that text_word transliterates to."""
        cached = self.cache.get((text_word, min_key))
        if cached is not None:
            return cached
        script, text_keys = keys(text_word)
        found: set[str] = set()
        for key in text_keys:
            for group in self._groups(script, key):
                for term_script, term_key, word in self.groups.get(group, ()):
                    if word in found or not _long_enough(script, key, term_script, min_key):
                        continue
                    if same((script, key), (term_script, term_key)):
                        found.add(word)
        result = frozenset(found)
        if len(self.cache) < 100_000:
            self.cache[(text_word, min_key)] = result
        return result

    def _groups(self, script: str, key: str) -> set[str]:
        own = {coarse(key)} if script in CONSONANTAL else {coarse(key), "=" + key}
        out = set(own)
        for group in own:
            if len(group.lstrip("=")) >= FUZZY_FROM:
                out.update(
                    k
                    for k, _, _ in process.extract(
                        group, self.long, scorer=Levenshtein.distance, score_cutoff=1, limit=None
                    )
                )
        return out
