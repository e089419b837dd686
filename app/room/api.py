"""JSON API of the live room: the participant's and the facilitator's actions.

Responses are view models (app/room/present.py): no author field, only `mine` for the
caller's own proposals, as 1 or 0 (not true/false: one length for author and non-author).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from app import policy
from app.apiroutes import ApiRoute, no_json_null
from app.deps import DbDep, SettingsDep, ViewerDep
from app.room import moderation, proposals, queue, reactions, runtime, service
from app.room.bodies import (
    NO_REASON,
    AssignIn,
    EditIn,
    HideIn,
    IntakeIn,
    MergeIn,
    ProposalEdit,
    ProposalIn,
    ReactionIn,
    ResultsIn,
    RevealIn,
    SpeakerIn,
    ThemeIn,
    TimerIn,
)
from app.workshops.models import Workshop

router = APIRouter(prefix="/workshops/{workshop_id}/room", tags=["room"], route_class=ApiRoute)


def _room(db: DbDep, viewer: ViewerDep, workshop_id: str) -> Workshop:
    return service.enter_room(db, viewer=viewer, workshop_id=workshop_id)


def _console(db: DbDep, viewer: ViewerDep, workshop_id: str) -> Workshop:
    return service.enter_console(db, viewer=viewer, workshop_id=workshop_id)


def _state(
    db: DbDep, settings: SettingsDep, viewer: ViewerDep, workshop: Workshop, item: str | None = None
) -> dict[str, Any]:
    db.flush()
    room = service.state(db, settings, viewer=viewer, workshop=workshop, item_id=item)
    return service.as_json(room)


def _proposal(db: DbDep, settings: SettingsDep, viewer: ViewerDep, row: Any) -> dict[str, Any]:
    db.flush()
    workshop = service.enter_room(db, viewer=viewer, workshop_id=row.workshop_id)
    mine = proposals.is_mine(db, settings, viewer=viewer, workshop=workshop, row=row)
    view = policy.present(row, viewer)
    return {**service.proposal_json(view), "mine": int(mine)}


# -- participant ---------------------------------------------------------------------------


@router.get("")
async def room_state(
    workshop_id: str, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> dict[str, Any]:
    """The live item, the caller's own pending proposals, revealed ones, results if shown."""
    return _state(db, settings, viewer, _room(db, viewer, workshop_id))


@router.post("/proposals", status_code=201)
async def submit(
    workshop_id: str, body: ProposalIn, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = _room(db, viewer, workshop_id)
    row = proposals.submit(
        db,
        settings,
        viewer=viewer,
        workshop=workshop,
        text=body.text,
        idempotency_key=body.idempotency_key,
        attribute=body.attribute,
    )
    return _proposal(db, settings, viewer, row)


@router.patch("/proposals/{proposal_id}")
async def edit(
    workshop_id: str,
    proposal_id: str,
    body: ProposalEdit,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
) -> dict[str, Any]:
    workshop = _room(db, viewer, workshop_id)
    row = proposals.edit(
        db,
        settings,
        viewer=viewer,
        workshop=workshop,
        proposal_id=proposal_id,
        text=body.text,
        attribute=body.attribute,
    )
    return _proposal(db, settings, viewer, row)


@router.delete("/proposals/{proposal_id}", status_code=204)
async def withdraw(
    workshop_id: str, proposal_id: str, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> None:
    workshop = _room(db, viewer, workshop_id)
    proposals.withdraw(db, settings, viewer=viewer, workshop=workshop, proposal_id=proposal_id)


@router.put("/proposals/{proposal_id}/reaction")
async def react(
    workshop_id: str,
    proposal_id: str,
    body: ReactionIn,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
) -> dict[str, str]:
    workshop = _room(db, viewer, workshop_id)
    value = reactions.react(
        db, settings, viewer=viewer, workshop=workshop, proposal_id=proposal_id, value=body.value
    )
    return {"proposal_id": proposal_id, "value": value}


@router.post("/queue")
async def ask_floor(workshop_id: str, db: DbDep, viewer: ViewerDep) -> dict[str, Any]:
    workshop = _room(db, viewer, workshop_id)
    return asdict(queue.ask(db, viewer=viewer, workshop=workshop))


@router.delete("/queue", status_code=204)
async def leave_floor(workshop_id: str, db: DbDep, viewer: ViewerDep) -> None:
    queue.withdraw(db, viewer=viewer, workshop=_room(db, viewer, workshop_id))


# -- facilitator ---------------------------------------------------------------------------


@router.get("/console")
async def console_state(
    workshop_id: str,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    item: Annotated[str, Query(max_length=64, pattern=r"^[0-9a-f]*$")] = "",
) -> dict[str, Any]:
    """The console's state, of the live item or of `item` (an agenda item's id)."""
    return _state(db, settings, viewer, _console(db, viewer, workshop_id), item or None)


@router.post("/advance")
async def advance(
    workshop_id: str, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = _console(db, viewer, workshop_id)
    runtime.advance(db, viewer=viewer, workshop=workshop)
    return _state(db, settings, viewer, workshop)


@router.post("/items/{item_id}/start")
async def start(
    workshop_id: str, item_id: str, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = _console(db, viewer, workshop_id)
    runtime.start(db, viewer=viewer, workshop=workshop, item_id=item_id)
    return _state(db, settings, viewer, workshop, item_id)


@router.post("/items/{item_id}/finish")
async def finish(
    workshop_id: str, item_id: str, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = _console(db, viewer, workshop_id)
    runtime.finish(db, viewer=viewer, workshop=workshop, item_id=item_id)
    return _state(db, settings, viewer, workshop, item_id)


@router.put("/items/{item_id}/intake")
async def intake(
    workshop_id: str,
    item_id: str,
    body: IntakeIn,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
) -> dict[str, Any]:
    workshop = _console(db, viewer, workshop_id)
    runtime.set_intake(db, viewer=viewer, workshop=workshop, item_id=item_id, open_=body.open)
    return _state(db, settings, viewer, workshop, item_id)


@router.post("/items/{item_id}/reveal", dependencies=[Depends(no_json_null)])
async def reveal(
    workshop_id: str, item_id: str, db: DbDep, viewer: ViewerDep, body: RevealIn = NO_REASON
) -> dict[str, int]:
    """Reveal the pending batch; below the minimum only with `override_reason` (else 409)."""
    workshop = _console(db, viewer, workshop_id)
    count = runtime.reveal(
        db,
        viewer=viewer,
        workshop=workshop,
        item_id=item_id,
        override_reason=body.override_reason,
    )
    return {"revealed": count}


@router.post("/items/{item_id}/publish")
async def publish(
    workshop_id: str, item_id: str, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> dict[str, Any]:
    """Publish the item's results snapshot: figures change only where at least k people
    changed their reactions since the last one (`withheld` counts the proposals that kept
    their earlier figures)."""
    workshop = _console(db, viewer, workshop_id)
    withheld = runtime.publish(db, viewer=viewer, workshop=workshop, item_id=item_id)
    return {"withheld": withheld, **_state(db, settings, viewer, workshop, item_id)}


@router.put("/items/{item_id}/results")
async def results(
    workshop_id: str,
    item_id: str,
    body: ResultsIn,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
) -> dict[str, Any]:
    workshop = _console(db, viewer, workshop_id)
    runtime.set_results(db, viewer=viewer, workshop=workshop, item_id=item_id, shown=body.shown)
    return _state(db, settings, viewer, workshop, item_id)


@router.post("/items/{item_id}/timer")
async def timer(
    workshop_id: str,
    item_id: str,
    body: TimerIn,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
) -> dict[str, Any]:
    workshop = _console(db, viewer, workshop_id)
    runtime.timer(
        db,
        viewer=viewer,
        workshop=workshop,
        item_id=item_id,
        action=body.action,
        minutes=body.minutes,
    )
    return _state(db, settings, viewer, workshop, item_id)


@router.post("/items/{item_id}/themes", status_code=201)
async def create_theme(
    workshop_id: str, item_id: str, body: ThemeIn, db: DbDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = _console(db, viewer, workshop_id)
    theme = moderation.create_theme(
        db, viewer=viewer, workshop=workshop, item_id=item_id, name=body.name
    )
    return asdict(policy.present(theme, viewer))


@router.patch("/themes/{theme_id}")
async def rename_theme(
    workshop_id: str, theme_id: str, body: ThemeIn, db: DbDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = _console(db, viewer, workshop_id)
    theme = moderation.rename_theme(
        db, viewer=viewer, workshop=workshop, theme_id=theme_id, name=body.name
    )
    return asdict(policy.present(theme, viewer))


def _moderated(row: Any, viewer: ViewerDep) -> dict[str, Any]:
    return asdict(policy.present(row, viewer))


@router.post("/proposals/{proposal_id}/hide")
async def hide(
    workshop_id: str, proposal_id: str, body: HideIn, db: DbDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = _console(db, viewer, workshop_id)
    row = moderation.hide(
        db, viewer=viewer, workshop=workshop, proposal_id=proposal_id, reason=body.reason
    )
    return _moderated(row, viewer)


@router.post("/proposals/{proposal_id}/unhide")
async def unhide(
    workshop_id: str, proposal_id: str, db: DbDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = _console(db, viewer, workshop_id)
    row = moderation.unhide(db, viewer=viewer, workshop=workshop, proposal_id=proposal_id)
    return _moderated(row, viewer)


@router.post("/proposals/{proposal_id}/edit")
async def moderate_edit(
    workshop_id: str, proposal_id: str, body: EditIn, db: DbDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = _console(db, viewer, workshop_id)
    row = moderation.edit(
        db, viewer=viewer, workshop=workshop, proposal_id=proposal_id, text=body.text
    )
    return _moderated(row, viewer)


@router.post("/proposals/{proposal_id}/merge")
async def merge(
    workshop_id: str, proposal_id: str, body: MergeIn, db: DbDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = _console(db, viewer, workshop_id)
    row = moderation.merge(
        db, viewer=viewer, workshop=workshop, proposal_id=proposal_id, into_id=body.into
    )
    return _moderated(row, viewer)


@router.put("/proposals/{proposal_id}/theme")
async def assign_theme(
    workshop_id: str, proposal_id: str, body: AssignIn, db: DbDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = _console(db, viewer, workshop_id)
    row = moderation.assign_theme(
        db, viewer=viewer, workshop=workshop, proposal_id=proposal_id, theme_id=body.theme_id
    )
    return _moderated(row, viewer)


@router.get("/queue")
async def speaking_queue(
    workshop_id: str, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> list[dict[str, Any]]:
    workshop = _console(db, viewer, workshop_id)
    room = service.state(db, settings, viewer=viewer, workshop=workshop, regions=("queue",))
    return [asdict(entry) for entry in room.queue]


@router.post("/queue/{request_id}")
async def mark_speaker(
    workshop_id: str, request_id: str, body: SpeakerIn, db: DbDep, viewer: ViewerDep
) -> dict[str, str]:
    workshop = _console(db, viewer, workshop_id)
    queue.mark(db, viewer=viewer, workshop=workshop, request_id=request_id, status=body.status)
    return {"id": request_id, "status": body.status}
