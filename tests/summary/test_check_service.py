"""The attribution check as the workspace runs it: why each hit matched, what a viewer without
roster.read is told, hidden formatting characters flagged and never exported, the check list."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from app.notes.models import Note
from app.summary import attribution, checklist, service
from app.summary.formats.registry import FORMATS
from app.workshops.models import Workshop
from tests.summary.helpers import EXTRACT
from tests.summary.seed import seed
from tests.summary.test_export import export, resolve_all, staff

RLO, PDF, ZWSP = "\u202e", "\u202c", "\u200b"
TRICKS = (
    f"As Samir Haddad said, a hotline first. Per {RLO}{'Ilse Brandt'[::-1]}{PDF}, data next. "
    f"A Birzeit view. The Highlanders agreed. Trust{ZWSP}building."
)


def _note(database, s, body: str) -> None:  # type: ignore[no-untyped-def]
    with database.transaction() as db:
        db.add(
            Note(
                workshop_id=s.world.workshop.id,
                item_id=s.items["needs"].id,
                author_role="rapporteur",
                visibility="summary",
                body=body,
            )
        )


def _hits(database, settings, s, role: str) -> list[service.HitView]:  # type: ignore[no-untyped-def]
    with database.session() as db:
        workshop = db.get(Workshop, s.world.workshop.id)
        return service.check(db, settings, workshop, viewer=s.world.viewer(role))


def test_each_hit_says_why_it_matched(settings, database) -> None:  # type: ignore[no-untyped-def]
    s = seed(settings, database, leak_names=False)
    _note(database, s, TRICKS)
    why = {h.match: h.match_reason for h in _hits(database, settings, s, "organizer")}
    assert why["Samir Haddad"] == checklist.NAME_SCRIPT["latin"]  # roster has it in Arabic
    assert why["Birzeit"] == checklist.SCRIPT_OF_KIND["affiliation"]  # of "جامعة بيرزيت"
    assert why["Highlanders"] == checklist.DERIVED  # party "Highland"
    assert why["U+200B"] == checklist.HIDDEN
    reversed_name = next(m for m in why if "tdnarB" in m)
    assert why[reversed_name] == checklist.REVERSED


def test_without_roster_read_no_reason_tells_which_list(settings, database) -> None:  # type: ignore[no-untyped-def]
    s = seed(settings, database, leak_names=False)
    _note(database, s, TRICKS)
    hits = _hits(database, settings, s, "rapporteur")
    assert {h.match_reason for h in hits} <= {
        checklist.ON_LIST,
        checklist.OTHER_SCRIPT,
        checklist.HIDDEN,
        checklist.REVERSED,
        checklist.HOMOGLYPH,
    }
    assert {h.kind for h in hits} <= {service.KIND_LABELS["listed"], service.KIND_LABELS["hidden"]}
    staff_view = {h.fingerprint for h in _hits(database, settings, s, "organizer")}
    assert {h.fingerprint for h in hits} == staff_view  # the same hits, less said


def test_hidden_characters_never_reach_an_export_even_when_kept(client, settings, database) -> None:  # type: ignore[no-untyped-def]
    s = seed(settings, database, leak_names=False)
    _note(database, s, f"Bulletins{ZWSP} weekly, {RLO}drawkcab{PDF} and \u2066isolated\u2069.")
    browser = staff(client, s.world)
    resolve_all(browser, database, settings, s.world, action="keep")
    for fmt in ("md", "html", "json", "docx"):
        response = export(browser, s.world.workshop.id, fmt)
        assert response.status_code == 200, fmt
        text = EXTRACT[fmt](response.content)
        assert "drawkcab" in text, fmt  # kept: the words go out, the formatting does not
        # The formats' own isolates (FSI ... PDI around an embedded run, for bidi) are theirs;
        # once those balanced pairs are unwrapped, no formatting character may remain.
        unwrapped = re.sub("\u2068([^\u2066-\u2069\u202a-\u202e]*)\u2069", r"\1", text)
        assert not [c for c in unwrapped if unicodedata.category(c) == "Cf"], fmt
    assert "pdf" in FORMATS


def test_strip_invisible_and_hidden_agree() -> None:
    text = f"a{ZWSP}b{RLO}c\u2069d\ufeffe\U000e0041f"
    assert attribution.strip_invisible(text) == "abcdef"
    spans = [(s, e) for s, e, _ in attribution.hidden(text)]
    assert attribution.redact(text, spans, "") == "abcdef"
    assert attribution.strip_invisible("plain ascii") == "plain ascii"


def test_the_check_list_has_kinds_and_variants() -> None:
    terms = checklist.build(
        names=["Omar Khalidi", "Writer 3", None, ""],
        affiliations=["Birzeit University", "Lund"],
        parties=["South", "الساحل"],
        terms=["Abu Omar"],
    )
    variants = {t.text: {(v.text, v.how) for v in t.variants} for t in terms.terms}
    assert {t.kind for t in terms.terms} == set(checklist.KINDS)
    assert variants["Omar Khalidi"] == {
        ("omar khalidi", "whole"),
        ("omar", "part"),
        ("khalidi", "part"),
    }
    assert variants["Writer 3"] == {("writer 3", "whole")}  # a pseudonym: whole only
    assert variants["Birzeit University"] == {("birzeit university", "whole"), ("birzeit", "part")}
    assert variants["Lund"] == {("lund", "whole")}  # one word: never a stop word
    assert ("southerners", "derived") in variants["South"]
    assert ("الساحليون", "derived") in variants["الساحل"]
    assert ("ساحل", "derived") in variants["الساحل"]
    assert variants["Abu Omar"] == {("abu omar", "whole")}


def test_listed_terms_alone_match_only_as_written() -> None:
    """find() with plain terms (the organizer's list) matches no other script or derived form."""
    assert attribution.find("The Highlanders agreed", ["Highland"]) == []
    assert attribution.find("عمر خالدي", ["Omar Khalidi"]) == []
    assert len(attribution.find(f"Omar {ZWSP}Khalidi", ["Omar Khalidi"])) == 1


ALPHABET = st.sampled_from(
    list("abcdeiklmnorsuvyz ABKMOST3'-.,")
    + list("اتدرسعلمنهوي ")
    + list("אדהוילמנעש ")
    + list("авдеикморсх ")
    + ["\u0456", "\u0430", "\u200b", "\u202e", "\u202c", "\u2066", "\u2069", "\ufeff", "\n"]
)
CORPUS_TERMS = checklist.build(
    names=["Omar Khalidi", "Layla Haddad", "سمير طوقان", "נועה כהן", "Игорь Смирнов", "Writer 3"],
    affiliations=["Birzeit University", "جامعة الخليل"],
    parties=["South", "الساحل"],
    terms=["Abu Omar"],
)


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(ALPHABET, max_size=80).map("".join),
    planted=st.sampled_from(["", "Omar Khalidi", "حداد", "\u202eidilahK\u202c", "Wr\u0456ter 3"]),
)
def test_any_text_scans_and_redacting_every_hit_leaves_none(text: str, planted: str) -> None:
    text = f"{text[:40]} {planted} {text[40:]}"
    found = attribution.hits(text, CORPUS_TERMS)
    assert all(0 <= h.start < h.end <= len(text) for h in found)
    if planted:
        assert any(h.kind != "hidden" for h in found), text
    spans = [(h.start, h.end) for h in found if h.kind != "hidden"]
    redacted = attribution.strip_invisible(attribution.redact(text, spans))
    assert not attribution.hits(redacted, CORPUS_TERMS), (text, redacted)


def test_the_workspace_shows_why_each_hit_matched(client, settings, database) -> None:  # type: ignore[no-untyped-def]
    s = seed(settings, database, leak_names=False)
    _note(database, s, TRICKS)
    page = staff(client, s.world).get(f"/w/{s.world.workshop.id}/summary").text
    for reason in (checklist.NAME_SCRIPT["latin"], checklist.DERIVED, checklist.HIDDEN):
        assert reason in page
    page = staff(client, s.world, "rapporteur").get(f"/w/{s.world.workshop.id}/summary").text
    assert checklist.NAME_SCRIPT["latin"] not in page and checklist.ON_LIST in page
