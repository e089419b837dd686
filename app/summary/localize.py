"""The export model in the export's language: the version of that language of the purpose,
the ground rules, the agenda items, the synthesis (app/summary/parallel.py) and the
negotiating texts' final versions (app/summary/texts.py), each text with
its own language (the original's where it has no version, which the formats mark)."""

from __future__ import annotations

from dataclasses import replace

from app.summary.blocks import Block
from app.summary.parallel import TextOut, Version
from app.summary.present import ItemOut, RuleOut, SummaryExport
from app.summary.texts import TextParagraphOut
from app.translations import service as translations


def version(model: SummaryExport, lang: str) -> Version | None:
    """The version for a reader of `lang`, else the original's; None for a model without."""
    wanted = translations.base(lang)
    found = [v for v in model.versions if translations.base(v.lang) == wanted]
    return found[0] if found else (model.versions[0] if model.versions else None)


def _paragraph(paragraph: TextParagraphOut, lang: str) -> TextParagraphOut:
    """A negotiating text's paragraph in `lang` where its version has it, else the original."""
    wanted = translations.base(lang)
    if translations.base(paragraph.lang) == wanted:
        return paragraph
    found = [(code, text) for code, text in paragraph.versions if translations.base(code) == wanted]
    return replace(paragraph, lang=found[0][0], text=found[0][1]) if found else paragraph


def _item(item: ItemOut, text: TextOut, synthesis: tuple[Block, ...] | None, lang: str) -> ItemOut:
    description = "" if item.off_record else text.body
    chosen = item.synthesis if synthesis is None or item.off_record else synthesis
    paragraphs = tuple(_paragraph(p, lang) for p in item.text)
    return replace(
        item,
        title=text.title,
        description=description,
        lang=text.lang,
        synthesis=chosen,
        text=paragraphs,
    )


def localize(model: SummaryExport, lang: str) -> SummaryExport:
    """The model as it is exported in `lang` (the fingerprint and the versions unchanged)."""
    chosen = version(model, lang)
    if chosen is None:
        return model
    texts = iter(chosen.items)
    count = sum(len(s.items) for s in model.sessions)
    per_item = chosen.syntheses if chosen.syntheses and len(chosen.syntheses) == count else None
    syntheses = iter(per_item or [None] * count)
    sessions = tuple(
        replace(
            s,
            items=tuple(_item(item, next(texts), next(syntheses), chosen.lang) for item in s.items),
        )
        for s in model.sessions
    )
    return replace(
        model,
        general=model.general if chosen.syntheses is None else chosen.general,
        purpose=chosen.purpose.body,
        purpose_lang=chosen.purpose.lang,
        rules=tuple(RuleOut(t.title, t.body, t.lang) for t in chosen.rules),
        sessions=sessions,
    )
