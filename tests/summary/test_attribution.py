"""The folding and matching of the attribution check, including a Hypothesis property."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.summary.attribution import REDACTED, context, find, fold, redact

NAME = "José Núñez"
ARABIC = "سمير حداد"
HEBREW = "נועה כהן"


def hit_texts(text: str, terms: list[str]) -> list[str]:
    return [text[s:e] for s, e, _ in find(text, terms)]


@pytest.mark.parametrize(
    "text",
    [
        "As José Núñez said, data first.",
        "As JOSÉ NÚÑEZ said, data first.",
        "As jose nunez said, data first.",
        "As Jose\u0301 Nun\u0303ez said (decomposed accents).",
        "As ｊｏｓé ｎúñｅｚ said (full width).",
        "As José\n  Núñez said, across a line break.",
        "«José Núñez» was quoted.",
    ],
)
def test_latin_name_in_other_case_with_and_without_diacritics(text: str) -> None:
    hits = find(text, [NAME])
    assert len(hits) == 1
    start, end, _ = hits[0]
    assert fold(text[start:end]) == fold(NAME)


@pytest.mark.parametrize(
    "text",
    [
        "قال سمير حداد إن البيانات أولاً",
        "قال سَمِير حَدَّاد إن البيانات أولاً",  # harakat and shadda
        "قال ســمـيـر حـداد إن البيانات أولاً",  # tatweel
        "قال وسمير حداد",  # the conjunction wa- attached
        "قال \u200fسمير\u200f حداد",  # right-to-left marks
    ],
)
def test_arabic_name_with_harakat_tatweel_and_proclitics(text: str) -> None:
    hits = find(text, [ARABIC])
    assert len(hits) == 1, text
    assert REDACTED in redact(text, [(s, e) for s, e, _ in hits])
    assert not find(redact(text, [(s, e) for s, e, _ in hits]), [ARABIC])


@pytest.mark.parametrize(
    "text",
    [
        "אמרה נועה כהן שהמידע קודם",
        "אמרה נוֹעָה כֹּהֵן שהמידע קודם",  # niqqud and dagesh
        "אמרה לנועה כהן שהמידע קודם",  # the preposition le- attached
        "אמרה נֹ֑ועה כהן",  # cantillation
    ],
)
def test_hebrew_name_with_niqqud_and_prefixes(text: str) -> None:
    hits = find(text, [HEBREW])
    assert len(hits) == 1, text
    redacted = redact(text, [(s, e) for s, e, _ in hits])
    assert "כה" not in redacted and REDACTED in redacted


def test_hebrew_final_letters_fold_with_their_plain_forms() -> None:
    assert fold("כהן") == fold("כהנ")


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Joseph arrived", "José"),
        ("the Highlanders", "Highland"),
        ("محمدي", "محمد"),
        ("Brandtner", "Brandt"),
    ],
)
def test_no_match_inside_a_longer_word(text: str, term: str) -> None:
    assert find(text, [term]) == []


def test_unspaced_scripts_match_anywhere() -> None:
    assert len(find("我们在北京见面", ["北京"])) == 1


def test_overlapping_hits_are_merged_under_the_longest_term() -> None:
    hits = find("José Núñez spoke", ["José Núñez", "Núñez", "José"])
    assert len(hits) == 1 and hits[0][2] == fold("José Núñez")


def test_redaction_takes_the_marks_after_the_last_letter() -> None:
    text = "قال سَمِيرُ هنا"
    hits = find(text, ["سمير"])
    out = redact(text, [(s, e) for s, e, _ in hits])
    assert out == f"قال {REDACTED} هنا"


def test_context_shows_the_words_around_a_hit() -> None:
    text = "word " * 30 + "José Núñez" + " more" * 30
    ((start, end, _),) = find(text, [NAME])
    before, match, after = context(text, start, end)
    assert match == "José Núñez" and before.startswith("…") and after.endswith("…")


# -- property ------------------------------------------------------------------------------

LETTERS = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyzéñüøçł")
    + list("ابتثجحخدذرزسشصضطظعغفقكلمنهوي")
    + list("אבגדהוזחטיכלמנסעפצקרשת")
)
MARKS = [
    "\u0301",
    "\u0303",
    "\u0308",
    "\u064e",
    "\u064f",
    "\u0650",
    "\u0651",
    "\u05b8",
    "\u05bc",
    "\u0640",
]
SEP = st.sampled_from([" ", "  ", "\n", ", ", ". ", " (", ") ", " «", "» "])


def _word(draw: st.DrawFn) -> str:
    letters = draw(st.lists(LETTERS, min_size=3, max_size=8))
    return "".join(letters)


@st.composite
def decorated(draw: st.DrawFn) -> tuple[str, str]:
    """A term and a variant of it: other case, marks added, NFD or NFC, tatweel."""
    term = " ".join(_word(draw) for _ in range(draw(st.integers(1, 2))))
    out = []
    for ch in term:
        ch = ch.upper() if draw(st.booleans()) else ch
        out.append(ch)
        if ch.isalpha() and draw(st.integers(0, 4)) == 0:
            out.append(draw(st.sampled_from(MARKS)))
    variant = "".join(out)
    form = draw(st.sampled_from(["NFC", "NFD", "NFKC"]))
    return term, unicodedata.normalize(form, variant)


@settings(max_examples=200, deadline=None)
@given(pair=decorated(), before=SEP, after=SEP, filler=st.sampled_from(["", "x1 ", "data "]))
def test_any_decorated_term_is_found_and_redaction_removes_it(
    pair: tuple[str, str], before: str, after: str, filler: str
) -> None:
    term, variant = pair
    text = f"{filler}intro{before}{variant}{after}outro"
    hits = find(text, [term])
    assert hits, (term, variant, text)
    redacted = redact(text, [(s, e) for s, e, _ in hits])
    assert not find(redacted, [term])
    assert redacted.startswith(filler + "intro") and redacted.endswith("outro")


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=60))
def test_fold_is_idempotent_and_never_raises(text: str) -> None:
    once = fold(text)
    assert fold(once) == once
    find(text, ["abc", "سمير", "כהן"])
