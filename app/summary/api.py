"""JSON API for the summary: the attribution check's state, the schema, and exports.

Exports are POST (each one writes an audit entry); the JSON export's schema is published at
/api/v1/summary/schema and in docs/summary-schema.json.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field

from app.apiroutes import WHOLE, ApiRoute, Body
from app.apitext import Line500, Reason500, Term200, Words2000
from app.deps import DbDep, SettingsDep, ViewerDep
from app.errors import NotFound
from app.summary import service
from app.summary.formats import json as json_format
from app.summary.formats.registry import export_language, registry, second_language
from app.summary.formats.registry import render as render_format

router = APIRouter(tags=["summary"], route_class=ApiRoute)


class HitOut(BaseModel):
    fingerprint: str
    where: str
    kind: str
    before: str
    match: str
    after: str
    action: str | None
    reason: str
    match_reason: str
    awaiting_approval: bool


class CheckOut(BaseModel):
    open_hits: int
    hits: list[HitOut]


@router.get("/workshops/{workshop_id}/summary/check", response_model=CheckOut)
async def check(workshop_id: str, db: DbDep, settings: SettingsDep, viewer: ViewerDep) -> CheckOut:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    hits = service.check(db, settings, workshop, viewer=viewer)
    return CheckOut(
        open_hits=sum(1 for h in hits if h.action is None),
        hits=[HitOut(**h.__dict__) for h in hits],
    )


@router.get("/summary/schema")
async def schema() -> dict[str, Any]:
    """The JSON Schema of the JSON export."""
    return json_format.schema()


@router.post(
    "/workshops/{workshop_id}/summary/export.{fmt}",
    responses={
        200: {
            "description": "The summary file (md, html, pdf, docx or json), never stored",
            "content": {"application/json": {"schema": {"$ref": "/api/v1/summary/schema"}}},
        },
        409: {"description": "Blocked: the attribution check has open hits"},
    },
)
async def export(
    workshop_id: str,
    fmt: str,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    lang: str = "",
    lang2: str = "",
) -> Response:
    """`?lang=` picks the export's language (a shipped code; the request's by default);
    `&lang2=` adds a second one (md, html, pdf): side by side, or in sequence in Markdown."""
    formats = registry()
    if fmt not in formats:
        raise NotFound()
    workshop = service.workshop_for(db, workshop_id, viewer=viewer, action="summary.export")
    language = export_language(lang)
    second = second_language(fmt, language, lang2)
    model = service.export_model(db, settings, workshop, viewer=viewer)
    chosen = formats[fmt]
    body = render_format(fmt, model, language, second)
    service.record_export(db, workshop, viewer=viewer, fmt=fmt)
    return Response(
        body,
        media_type=chosen.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="summary-{workshop.id[:8]}.{fmt}"',
            "Cache-Control": "no-store",
        },
    )


# -- the summary's actions, under the same policy and services as the forms ----------------

IN_REVIEW: dict[int | str, dict[str, Any]] = {
    409: {"description": "No draft is open for review, or the draft changed since it was shown"},
}


class Redact(Body):
    action: Literal["redact"]
    reason: Line500 = ""


class Keep(Body):
    action: Literal["keep"]
    reason: Reason500 = Field(description="Required to keep (override) a hit")


DecisionIn = Redact | Keep  # no discriminator: anyOf (schemathesis misreads its oneOf)


class TermIn(Body):
    term: Term200 = Field(description="Not a term already on the list (else 409)")


class TermOut(BaseModel):
    id: str
    term: str


class ChoiceIn(Body):
    choice: Literal["include", "exclude", "default"]


class ChoiceOut(BaseModel):
    id: str
    item: str
    text: str
    included: bool
    overridden: bool


class ReviewIn(Body):
    rule: Literal["every_party", "minimum"]
    min_signoffs: Annotated[int, Field(strict=True, ge=1, le=1000), WHOLE]


class ReleaseIn(Body):
    override: Line500 = Field(
        default="", description="A reason to release although the rule fails (else 409)"
    )


class ReviewOut(BaseModel):
    state: str
    rule: str
    min_signoffs: int
    released: bool
    override: str
    signoffs: int = Field(description="Sign-offs on the current version")
    stale_signoffs: int = Field(description="Sign-offs on an earlier version (not counted)")
    rule_met: bool
    version: str
    released_version: str
    comments: list[str]


class ResponseIn(Body):
    seen: str = Field(
        default="", max_length=128, description="The fingerprint of the version that was shown"
    )


class CommentIn(ResponseIn):
    body: Words2000


class ParticipantOut(BaseModel):
    state: str
    fingerprint: str
    version: str
    signed: bool = Field(description="Signed off on the current version")
    signed_version: str = Field(description="The version signed off on, if any")


class Done(BaseModel):
    ok: bool = True


def _review_out(review: service.ReviewView | None) -> ReviewOut:
    if review is None:
        raise NotFound()
    fields = {k: v for k, v in review.__dict__.items() if k in ReviewOut.model_fields}
    return ReviewOut(**{**fields, "comments": list(review.comments)})


@router.post("/workshops/{workshop_id}/summary/hits/{fingerprint}", response_model=Done)
async def decide(
    workshop_id: str,
    fingerprint: str,
    data: DecisionIn,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
) -> Done:
    """Redact a hit in the summary, or keep it with a reason (audit-logged)."""
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    service.decide(
        db,
        settings,
        workshop,
        viewer=viewer,
        fingerprint=fingerprint,
        action=data.action,
        reason=data.reason,
    )
    return Done()


@router.post(
    "/workshops/{workshop_id}/summary/hits/{kept_hit}/approve",
    response_model=Done,
    responses={409: {"description": "The same staff member who kept the hit"}},
)
async def approve(
    workshop_id: str, kept_hit: str, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> Done:
    """A second staff member approves keeping a participant's name or an affiliation."""
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    service.approve(db, settings, workshop, viewer=viewer, fingerprint=kept_hit)
    return Done()


@router.delete("/workshops/{workshop_id}/summary/hits/{fingerprint}", status_code=204)
async def reopen(workshop_id: str, fingerprint: str, db: DbDep, viewer: ViewerDep) -> Response:
    """Undo the decision on a hit: it is open again."""
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    service.reopen(db, workshop, viewer=viewer, fingerprint=fingerprint)
    return Response(status_code=204)


@router.get("/workshops/{workshop_id}/summary/terms", response_model=list[TermOut])
async def terms(workshop_id: str, db: DbDep, viewer: ViewerDep) -> list[TermOut]:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    return [TermOut(id=t.id, term=t.term) for t in service.terms(db, workshop, viewer=viewer)]


@router.post(
    "/workshops/{workshop_id}/summary/terms",
    status_code=201,
    response_model=Done,
)
async def add_term(workshop_id: str, data: TermIn, db: DbDep, viewer: ViewerDep) -> Done:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    service.add_term(db, workshop, viewer=viewer, term=data.term)
    return Done()


@router.delete("/workshops/{workshop_id}/summary/terms/{term_id}", status_code=204)
async def remove_term(workshop_id: str, term_id: str, db: DbDep, viewer: ViewerDep) -> Response:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    service.remove_term(db, workshop, viewer=viewer, term_id=term_id)
    return Response(status_code=204)


@router.get("/workshops/{workshop_id}/summary/choices", response_model=list[ChoiceOut])
async def choices(workshop_id: str, db: DbDep, viewer: ViewerDep) -> list[ChoiceOut]:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    return [ChoiceOut(**c.__dict__) for c in service.choices(db, workshop, viewer=viewer)]


@router.post(
    "/workshops/{workshop_id}/summary/choices/{proposal_id}",
    response_model=Done,
)
async def choose(
    workshop_id: str, proposal_id: str, data: ChoiceIn, db: DbDep, viewer: ViewerDep
) -> Done:
    """Put a revealed proposal in the summary or leave it out; "default" restores the rule."""
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    service.choose(db, workshop, viewer=viewer, proposal_id=proposal_id, choice=data.choice)
    return Done()


@router.get("/workshops/{workshop_id}/summary/review", response_model=ReviewOut)
async def review_state(
    workshop_id: str, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> ReviewOut:
    """The review as staff see it: counts on the current version, stale ones apart."""
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    return _review_out(service.review_state(db, settings, workshop, viewer=viewer))


@router.post("/workshops/{workshop_id}/summary/review/open", response_model=ReviewOut)
async def open_review(
    workshop_id: str, data: ReviewIn, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> ReviewOut:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer, action="summary.export")
    service.open_review(
        db, settings, workshop, viewer=viewer, rule=data.rule, min_signoffs=data.min_signoffs
    )
    return _review_out(service.review_state(db, settings, workshop, viewer=viewer))


@router.post("/workshops/{workshop_id}/summary/review/close", response_model=ReviewOut)
async def close_review(
    workshop_id: str, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> ReviewOut:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer, action="summary.export")
    service.close_review(db, workshop, viewer=viewer)
    return _review_out(service.review_state(db, settings, workshop, viewer=viewer))


@router.post("/workshops/{workshop_id}/summary/release", response_model=ReviewOut)
async def release(
    workshop_id: str, data: ReleaseIn, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> ReviewOut:
    """Release when the rule holds on the current version, or with an override reason."""
    workshop = service.workshop_for(db, workshop_id, viewer=viewer, action="summary.export")
    service.release(db, settings, workshop, viewer=viewer, override=data.override)
    return _review_out(service.review_state(db, settings, workshop, viewer=viewer))


@router.get("/workshops/{workshop_id}/summary/review/mine", response_model=ParticipantOut)
async def my_review(
    workshop_id: str, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> ParticipantOut:
    """For a participant: the current version, and which version they signed off on."""
    view = service.participant_view(db, settings, workshop_id, viewer=viewer)
    return ParticipantOut(
        state=view.state,
        fingerprint=view.fingerprint,
        version=view.version,
        signed=view.signed,
        signed_version=view.signed_version,
    )


@router.post(
    "/workshops/{workshop_id}/summary/review/signoff",
    response_model=ParticipantOut,
    responses=IN_REVIEW,
)
async def sign_off(
    workshop_id: str, data: ResponseIn, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> ParticipantOut:
    """ "I can live with this", on the version given in `seen` (or the current one)."""
    service.sign_off(db, settings, workshop_id, viewer=viewer, seen=data.seen)
    return await my_review(workshop_id, db, settings, viewer)


@router.post(
    "/workshops/{workshop_id}/summary/review/comment",
    status_code=201,
    response_model=Done,
    responses=IN_REVIEW,
)
async def comment(
    workshop_id: str, data: CommentIn, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> Done:
    """An anonymous comment on the version given in `seen` (or the current one)."""
    service.comment(db, settings, workshop_id, viewer=viewer, body=data.body, seen=data.seen)
    return Done()
