"""The attribution check against a corpus of hostile spellings and innocent look-alikes.

tests/summary/corpus/attribution.json holds one check list (roster names in Latin, Arabic,
Hebrew and Cyrillic; affiliations; party names; listed terms), hostile texts, each with the
check-list entry it must be caught as (or "hidden" for a hidden formatting character), and
innocent texts in which nothing may be found. Recall on the hostile texts must be >= 95 %,
the false-positive rate on the innocent ones <= 5 %; both are printed with the misses.
Cases marked "held_out" were written after the matching was tuned on the others (their
numbers are printed apart: 50/58 caught and 1/65 flagged when first run).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.summary import attribution, checklist

CORPUS = json.loads((Path(__file__).parent / "corpus" / "attribution.json").read_text("utf-8"))
TERMS = checklist.build(**CORPUS["check_list"])
VARIANTS = {t.text: {v.text for v in t.variants} for t in TERMS.terms}
MIN_RECALL = 0.95
MAX_FALSE_POSITIVES = 0.05


def caught(text: str, expect: str) -> bool:
    hits = attribution.hits(text, TERMS)
    if expect == "hidden":
        return any(h.kind == "hidden" for h in hits)
    return any(h.term in VARIANTS[expect] for h in hits if h.kind != "hidden")


def test_the_corpus_is_large_and_covers_every_script_and_trick() -> None:
    hostile, innocent = CORPUS["hostile"], CORPUS["innocent"]
    assert len(hostile) >= 200 and len(innocent) >= len(hostile)
    categories = {case["category"] for case in hostile}
    for needed in ("homoglyph", "bidi", "invisible", "affiliation", "derived", "hidden"):
        assert needed in categories
    for script in ("arabic", "hebrew", "cyrillic"):
        assert any(script in c and "->" in c for c in categories), script
    assert all(case["expect"] in VARIANTS or case["expect"] == "hidden" for case in hostile)


def test_recall_and_false_positives_on_the_corpus(capsys: pytest.CaptureFixture[str]) -> None:
    hostile, innocent = CORPUS["hostile"], CORPUS["innocent"]
    missed = [c for c in hostile if not caught(c["text"], c["expect"])]
    flagged = [c for c in innocent if attribution.hits(c["text"], TERMS)]
    recall = 1 - len(missed) / len(hostile)
    false_positives = len(flagged) / len(innocent)
    held_missed = sum(1 for c in missed if c.get("held_out"))
    held_flagged = sum(1 for c in flagged if c.get("held_out"))
    held_hostile = sum(1 for c in hostile if c.get("held_out"))
    held_innocent = sum(1 for c in innocent if c.get("held_out"))
    with capsys.disabled():
        print(
            f"\nattribution corpus: recall {recall:.1%} on {len(hostile)} hostile texts, "
            f"false positives {false_positives:.1%} on {len(innocent)} innocent texts; "
            f"second batch: {held_hostile - held_missed}/{held_hostile} caught, "
            f"{held_flagged}/{held_innocent} flagged"
        )
        for case in missed:
            print(f"  missed ({case['category']}): {case['text']!r} as {case['expect']!r}")
        for case in flagged:
            found = [(h.term, h.how) for h in attribution.hits(case["text"], TERMS)]
            print(f"  false positive ({case['category']}): {case['text']!r} -> {found}")
    assert recall >= MIN_RECALL
    assert false_positives <= MAX_FALSE_POSITIVES


def test_every_hostile_category_is_caught_mostly() -> None:
    """No trick may be given up wholesale: each category keeps recall >= 80 %."""
    by_category: dict[str, list[bool]] = {}
    for case in CORPUS["hostile"]:
        by_category.setdefault(case["category"], []).append(caught(case["text"], case["expect"]))
    weak = {c: sum(r) / len(r) for c, r in by_category.items() if sum(r) / len(r) < 0.8}
    assert not weak, weak
