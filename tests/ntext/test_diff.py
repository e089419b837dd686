"""The word-level diff, on right-to-left scripts above all: words keep their marks and
joiners, the segments rebuild both texts exactly, and the page keeps logical order with
dir="auto" on each paragraph."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.ntext.diff import Segment, diff, tokenise


def old_and_new(segments: list[Segment]) -> tuple[str, str]:
    old = "".join(s.text for s in segments if s.op != "ins")
    new = "".join(s.text for s in segments if s.op != "del")
    return old, new


def test_arabic_words_keep_their_harakat() -> None:
    assert tokenise("كَتَبَ الطالبُ الدرسَ.") == ["كَتَبَ", " ", "الطالبُ", " ", "الدرسَ", "."]


def test_arabic_replaced_word() -> None:
    before = "تتقاسم الأطراف مياه النهر بالتساوي."
    after = "تتقاسم الأطراف مياه النهر بالعدل."
    assert diff(before, after) == [
        Segment("equal", "تتقاسم الأطراف مياه النهر "),
        Segment("del", "بالتساوي"),
        Segment("ins", "بالعدل"),
        Segment("equal", "."),
    ]


def test_arabic_inserted_words() -> None:
    segments = diff("لجنة مشتركة تقرر", "لجنة فنية مشتركة تقرر وحدها")
    assert [s for s in segments if s.op != "equal"] == [
        Segment("ins", " فنية"),
        Segment("ins", " وحدها"),
    ]


def test_hebrew_acronym_with_gershayim_is_one_word() -> None:
    assert tokenise('צה"ל יסוג.') == ['צה"ל', " ", "יסוג", "."]
    assert tokenise("צה״ל יסוג.") == ["צה״ל", " ", "יסוג", "."]


def test_hebrew_with_niqqud_and_punctuation() -> None:
    before = "הַמַּיִם יְחֻלְּקוּ, לפי הסכם."
    after = "הַמַּיִם יְחֻלְּקוּ בשוויון, לפי הסכם חדש."
    segments = diff(before, after)
    assert [s for s in segments if s.op != "equal"] == [
        Segment("ins", " בשוויון"),
        Segment("ins", " חדש"),
    ]
    assert old_and_new(segments) == (before, after)


def test_persian_zero_width_non_joiner_stays_inside_the_word() -> None:
    assert tokenise("می‌خواهیم صلح") == ["می\u200cخواهیم", " ", "صلح"]


def test_mixed_direction_paragraph() -> None:
    before = "The board (اللجنة) meets in Geneva."
    after = "The board (הוועדה) meets in Geneva."
    assert [s for s in diff(before, after) if s.op != "equal"] == [
        Segment("del", "اللجنة"),
        Segment("ins", "הוועדה"),
    ]


@given(st.text(max_size=60), st.text(max_size=60))
def test_segments_rebuild_both_texts(before: str, after: str) -> None:
    assert "".join(tokenise(before)) == before
    assert old_and_new(diff(before, after)) == (before, after)


@pytest.mark.parametrize("text", ["", " ", "שלום", "سلام", "a-b"])
def test_no_change_is_all_equal(text: str) -> None:
    assert all(s.op == "equal" for s in diff(text, text))
