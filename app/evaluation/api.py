"""JSON API of the attitude survey: /api/v1/workshops/{id}/evaluation. The same services and
view models as the pages."""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from fastapi import APIRouter, Response
from pydantic import Field, StrictBool

from app import policy
from app.apiroutes import WHOLE, ApiRoute, Body, Id
from app.apitext import Text2000, Title300
from app.audit import service as audit
from app.deps import DbDep, SettingsDep, ViewerDep
from app.evaluation import impact, impact_formats, service, texts
from app.evaluation.library import EXAMPLES
from app.evaluation.present import as_dict
from app.i18n import SHIPPED, gettext
from app.summary.formats.registry import export_language

router = APIRouter(tags=["evaluation"], route_class=ApiRoute)

Moment = Literal["pre", "post", "follow_up"]
Format = Literal["md", "html", "pdf", "docx", "json"]
assert set(get_args(Format)) == set(impact_formats.FORMATS)
Language = Literal["en", "fr", "ru", "ar", "he", "fa", "ur"]
assert get_args(Language) == SHIPPED
Likert = Annotated[int, Field(strict=True, ge=1, le=5), WHOLE]
BINARY = {"schema": {"type": "string", "format": "binary"}}
REPORT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The impact report in the format asked for, never stored",
        "content": {
            "text/markdown": {"schema": {"type": "string"}},
            "text/html": {"schema": {"type": "string"}},
            "application/pdf": BINARY,
            impact_formats.FORMATS["docx"][0]: BINARY,
            "application/json": {"schema": {"type": "object"}},
        },
    },
    409: {"description": "Blocked: the attribution check finds something in the report"},
}


class PromptIn(Body):
    prompt: Title300


class ItemIn(PromptIn):
    kind: Literal["likert", "text"] = "likert"


class HiddenIn(Body):
    hidden: StrictBool


class MomentIn(Body):
    state: Literal["open", "ended"]


class AnswersIn(Body):
    answers: dict[Id, Likert | Text2000] = Field(
        max_length=service.MAX_ITEMS,
        description="By statement id: 1-5 for a statement, text for a question; an id of "
        "no statement, a value of the other kind or nothing answered at all is a 409",
    )


@router.get("/workshops/{workshop_id}/evaluation")
async def read_evaluation(
    workshop_id: str, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> dict[str, Any]:
    """The survey, its statements, the published results; for a participant, the moments
    they have answered (null when this device does not hold their key)."""
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    survey = service.survey_of(db, workshop, viewer=viewer)
    items = service.items_of(db, survey, viewer=viewer)
    results = service.published(db, viewer=viewer, workshop=workshop)
    out: dict[str, Any] = {
        "survey": as_dict(policy.present(survey, viewer)) if survey else None,
        "items": [as_dict(v) for v in policy.present_all(items, viewer)],
        "results": as_dict(policy.present(results, viewer)) if results else None,
        "texts": [
            as_dict(v)
            for v in policy.present_all(
                texts.revealed_texts(db, viewer=viewer, workshop=workshop), viewer
            )
        ],
    }
    pending = texts.questions_ready(db, viewer=viewer, workshop=workshop)
    if pending is not None:
        out["texts_ready"] = pending  # questions with a full batch, never how many wait
    if policy.allowed(viewer, "evaluation.build", workshop):
        out["examples"] = [gettext(e) for e in EXAMPLES]
    if viewer.is_participant and survey is not None:
        done = service.answered(db, settings, viewer=viewer, workshop=workshop, survey=survey)
        out["answered"] = sorted(done) if done is not None else None
    return out


@router.post("/workshops/{workshop_id}/evaluation/items", status_code=201)
async def add_item(workshop_id: str, data: ItemIn, db: DbDep, viewer: ViewerDep) -> dict[str, Any]:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    item = service.add_item(
        db, viewer=viewer, workshop=workshop, prompt=data.prompt, kind=data.kind
    )
    return as_dict(policy.present(item, viewer))


@router.patch("/workshops/{workshop_id}/evaluation/items/{survey_item_id}")
async def edit_item(
    workshop_id: str, survey_item_id: str, data: PromptIn, db: DbDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    item = service.edit_item(
        db, viewer=viewer, workshop=workshop, item_id=survey_item_id, prompt=data.prompt
    )
    return as_dict(policy.present(item, viewer))


@router.delete("/workshops/{workshop_id}/evaluation/items/{survey_item_id}", status_code=204)
async def delete_item(
    workshop_id: str, survey_item_id: str, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    service.delete_item(db, viewer=viewer, workshop=workshop, item_id=survey_item_id)
    return Response(status_code=204)


@router.put("/workshops/{workshop_id}/evaluation/moments/{moment}")
async def set_moment(
    workshop_id: str, moment: Moment, data: MomentIn, db: DbDep, viewer: ViewerDep
) -> dict[str, Any]:
    """Open a moment ("open") or end it ("ended", for good)."""
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    survey = service.set_moment(
        db, viewer=viewer, workshop=workshop, moment=moment, state=data.state
    )
    return as_dict(policy.present(survey, viewer))


@router.post("/workshops/{workshop_id}/evaluation/answers/{moment}", status_code=201)
async def answer(
    workshop_id: str,
    moment: Moment,
    data: AnswersIn,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
) -> dict[str, Any]:
    """Answer the open moment once: values 1-5 by statement id."""
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    service.answer(
        db, settings, viewer=viewer, workshop=workshop, moment=moment, given=dict(data.answers)
    )
    return {"answered": moment}


@router.post("/workshops/{workshop_id}/evaluation/publish")
async def publish(workshop_id: str, db: DbDep, viewer: ViewerDep) -> dict[str, Any]:
    """Publish the results; `held_back`: groups of figures (an item at a moment or over a
    span) a cell of which changed by fewer than k people since the last publication, which
    keep their published figures."""
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    row, held = service.publish(db, viewer=viewer, workshop=workshop)
    return {"results": as_dict(policy.present(row, viewer)), "held_back": held}


@router.post(
    "/workshops/{workshop_id}/evaluation/impact/{fmt}", response_class=Response, responses=REPORT
)
async def impact_report(
    workshop_id: str, fmt: Format, db: DbDep, viewer: ViewerDep, lang: Language | None = None
) -> Response:
    """The impact report (organizer) in md, html, pdf, docx or json; `?lang=` chooses the
    language. 409 while the attribution check finds something in its text."""
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    policy.ensure(viewer, "impact.export", workshop)
    language = export_language(lang)
    body = impact_formats.render(impact.build(db, workshop, viewer=viewer), fmt, language)
    audit.record(db, viewer=viewer, workshop_id=workshop.id, action="impact.export", detail=fmt)
    return Response(body, media_type=impact_formats.FORMATS[fmt][0])


@router.post("/workshops/{workshop_id}/evaluation/texts/reveal")
async def reveal_texts(workshop_id: str, db: DbDep, viewer: ViewerDep) -> dict[str, Any]:
    """Reveal every pending free-text answer: at least the minimum batch (else 409)."""
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    return {"revealed": texts.reveal_texts(db, viewer=viewer, workshop=workshop)}


@router.put("/workshops/{workshop_id}/evaluation/texts/{survey_text_id}/hidden")
async def hide_text(
    workshop_id: str, survey_text_id: str, data: HiddenIn, db: DbDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    texts.set_hidden(
        db, viewer=viewer, workshop=workshop, text_id=survey_text_id, hidden=data.hidden
    )
    return {"hidden": data.hidden}
