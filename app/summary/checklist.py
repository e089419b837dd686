"""The check list of the attribution check: what must not reach officials, and its variants.

Per term its kind (name, affiliation, party, term) and the variants matched: a roster name
whole and each name part of 3+ letters (a pseudonym with a number, "Writer 3", only whole);
an affiliation whole and each significant word (stop words such as University, of, the,
جامعة, אוניברסיטת dropped); a party name whole, each significant word, and its derived forms
(the word without its article, or the word, or it less a final vowel, followed by a demonym
or adjective suffix of its script: "southerners" for "South", "الجنوبيون" for "الجنوب"); each
of the organizer's listed terms as written, which is where other variants go. Every hit says
why it matched: one of the REASONS.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from sqlmodel import Session, col, select

from app.i18n import N_
from app.roster.models import Participant
from app.summary.folding import fold, word_script
from app.summary.models import SummaryTerm
from app.workshops.models import Party, Workshop

NAME_PART_MIN = 3
KINDS = ("name", "affiliation", "party", "term")
_STOP = (
    "university of the and for in at on de la le les des du d l el al et y "
    "college school institute institution centre center department faculty academy "
    "ministry foundation association society council committee office agency group "
    "national international studies research policy affairs union network forum "
    "université institut centre ministère fondation conseil comité études recherche "
    "universidad instituto centro estudios "
    "جامعة الجامعة معهد مركز وزارة كلية مؤسسة جمعية مجلس لجنة دائرة قسم "
    "للدراسات الدراسات للأبحاث الأبحاث الوطني الوطنية الدولي الدولية في من و "
    "אוניברסיטת אוניברסיטה האוניברסיטה מכון המכון מרכז המרכז משרד מכללת מכללה "
    "עמותת עמותה ועדת המועצה מועצת לחקר למחקר של ו "
    "университет университета институт института центр центра министерство "
    "фонд совет комитет академия исследований "
    # common words that name no one on their own
    "del della di van von der den endowment alliance front movement bloc party peace "
    "conflict resolution dialogue democracy development "
    "human rights security strategic cooperation middle east west north south global world "
    "public science sciences technology social economic political law legal water "
    "environment environmental arab jewish hebrew israeli palestinian european american "
    "مركز للسلام السلام الحوار الديمقراطية التنمية حقوق الإنسان الأمن الشرق الأوسط "
    "שלום דמוקרטיה פיתוח זכויות האדם ביטחון המזרח התיכון "
    "мира мир диалога развития прав человека безопасности"
)
STOP_WORDS = frozenset(fold(w) for w in _STOP.split())
SUFFIXES = {
    "latin": (
        "er ers ern erner erners erns ians ian ans an ese i is ite ites ish ic s es ists ist "
        "iste istes ois oise ien ienne iens iennes ais aise"
    ),
    "arabic": "ي يه يون يين يان يا",
    "hebrew": "י ית יימ ימ יות יה",
    "cyrillic": "яне ане янин ян ный ная ное ные ных ный ский ская ские цы ец а у е ом ы и ой",
}
_ARTICLES = {"arabic": ("ال",), "hebrew": ("ה",)}
VOWELS = frozenset("aeiouyаеиоуыэюя")

# why a hit matched: shown to staff, and in the JSON API
NAME = N_("roster name")
NAME_SCRIPT = {
    "arabic": N_("roster name, Arabic script"),
    "hebrew": N_("roster name, Hebrew script"),
    "cyrillic": N_("roster name, Cyrillic script"),
    "latin": N_("roster name, Latin script"),
}
AFFILIATION = N_("affiliation")
AFFILIATION_PART = N_("part of an affiliation")
PARTY = N_("party name")
DERIVED = N_("derived form of a party name")
TERM = N_("listed term")
OTHER_SCRIPT = N_("written in another script")
SCRIPT_OF_KIND = {
    "affiliation": N_("affiliation, in another script"),
    "party": N_("party name, in another script"),
}
HOMOGLYPH = N_("homoglyph")
HIDDEN = N_("hidden formatting character")
REVERSED = N_("reversed by a direction override")
ON_LIST = N_("on the check list")
REASONS = (NAME, *NAME_SCRIPT.values(), AFFILIATION, AFFILIATION_PART, PARTY, DERIVED, TERM)
REASONS += (OTHER_SCRIPT, *SCRIPT_OF_KIND.values(), HOMOGLYPH, HIDDEN, REVERSED, ON_LIST)


@dataclass(frozen=True)
class Variant:
    """One folded form the check looks for: `how` is whole, part or derived."""

    text: str
    how: str


@dataclass(frozen=True)
class Term:
    """One entry of the check list: as written, its kind, and the variants looked for."""

    text: str
    kind: str
    variants: tuple[Variant, ...]


@dataclass(frozen=True)
class CheckList:
    terms: tuple[Term, ...]

    @cached_property
    def _hash(self) -> int:
        return hash(self.terms)

    def __hash__(self) -> int:
        return self._hash

    def variants(self) -> dict[str, tuple[str, str]]:
        """Folded variant -> (kind, how); the first term to claim a variant keeps it."""
        out: dict[str, tuple[str, str]] = {}
        for term in self.terms:
            for variant in term.variants:
                out.setdefault(variant.text, (term.kind, variant.how))
        return out


def _words(text: str) -> list[str]:
    return [w for w in "".join(c if c.isalnum() else " " for c in text).split() if w]


def _derived(word: str) -> list[str]:
    """Derived forms of one party word: the word without its article, and stem + a suffix of
    the word's script; a final vowel may give way to a suffix that begins with one."""
    script = word_script(word)
    suffixes = SUFFIXES.get(script, "").split()
    stems = {word}
    for article in _ARTICLES.get(script, ()):
        if word.startswith(article) and len(word) - len(article) >= NAME_PART_MIN:
            stems.add(word[len(article) :])
    out = [s for s in stems if s != word]
    out += [s + suffix for s in stems for suffix in suffixes]
    for s in stems:
        if len(s) >= 5 and s[-1] in VOWELS:
            out += [s[:-1] + x for x in suffixes if x[0] in VOWELS and x not in {"i", "is", "es"}]
    return out


def term(raw: str, kind: str) -> Term | None:
    """A check-list term of the given kind with its variants, or None if it folds to nothing."""
    whole = fold(raw)
    if not whole:
        return None
    variants = [Variant(whole, "whole")]
    if kind == "term":
        return Term(raw, kind, tuple(variants))
    words = _words(whole)
    significant = [w for w in words if len(w) >= NAME_PART_MIN]
    if kind != "name" and len(words) > 1:
        significant = [w for w in significant if w not in STOP_WORDS]
    if kind == "name" and any(w.isdigit() for w in words):
        significant = []  # "Writer 3": a pseudonym is matched whole
    if len(words) > 1:
        variants += [Variant(w, "part") for w in significant]
    if kind == "party":
        variants += [Variant(d, "derived") for w in significant for d in _derived(w)]
    return Term(
        raw, kind, tuple(dict.fromkeys(v for v in variants if v.text != whole or v.how == "whole"))
    )


def build(
    *,
    names: Iterable[str | None] = (),
    affiliations: Iterable[str | None] = (),
    parties: Iterable[str | None] = (),
    terms: Iterable[str | None] = (),
) -> CheckList:
    """The check list from raw texts; empty and duplicate entries dropped."""
    out: list[Term] = []
    seen: set[tuple[str, str]] = set()
    for kind, raws in (("name", names), ("affiliation", affiliations), ("party", parties)):
        for raw in raws:
            _add(out, seen, raw, kind)
    for raw in terms:
        _add(out, seen, raw, "term")
    return CheckList(tuple(out))


def _add(out: list[Term], seen: set[tuple[str, str]], raw: str | None, kind: str) -> None:
    made = term(raw or "", kind)
    if made is not None and (made.variants[0].text, kind) not in seen:
        seen.add((made.variants[0].text, kind))
        out.append(made)


def for_workshop(db: Session, workshop: Workshop) -> CheckList:
    """The workshop's check list: roster names and affiliations, parties, listed terms."""
    people = list(db.exec(select(Participant).where(col(Participant.workshop_id) == workshop.id)))
    parties = db.exec(select(Party).where(col(Party.workshop_id) == workshop.id))
    listed = db.exec(select(SummaryTerm).where(col(SummaryTerm.workshop_id) == workshop.id))
    return build(
        names=(p.display_name for p in people),
        affiliations=(p.affiliation for p in people),
        parties=(p.name for p in parties),
        terms=(t.term for t in listed),
    )


def reason(kind: str, how: str, *, show_kind: bool) -> str:
    """Why a hit matched, in words; without roster.read, nothing that tells which list."""
    if how in {"homoglyph", "hidden", "reversed"}:
        return {"homoglyph": HOMOGLYPH, "hidden": HIDDEN, "reversed": REVERSED}[how]
    if how.startswith("script:"):
        if kind == "name" and show_kind:
            return NAME_SCRIPT[how.removeprefix("script:")]
        return SCRIPT_OF_KIND.get(kind, OTHER_SCRIPT) if show_kind else OTHER_SCRIPT
    if not show_kind:
        return ON_LIST
    if kind == "name":
        return NAME
    if kind == "affiliation":
        return AFFILIATION_PART if how == "part" else AFFILIATION
    if kind == "party":
        return DERIVED if how == "derived" else PARTY
    return TERM
