"""The SSE stream: one per workshop and viewer; events name a region, never content."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from app.deps import DbDep, ViewerDep
from app.live.bus import MemoryBus
from app.workshops import service as workshops

router = APIRouter(tags=["live"])

HEARTBEAT_SECONDS = 20.0
BATCH_PAUSE_SECONDS = 0.25
# After a dropped stream each browser waits its own time before reconnecting, so that a
# restart or a network blip does not bring every participant back in the same instant.
RETRY_MS = (2000, 7000)


def retry_ms() -> int:
    """A reconnection delay drawn uniformly from RETRY_MS, afresh for every stream."""
    low, high = RETRY_MS
    return low + secrets.randbelow(high - low + 1)


@router.get("/w/{workshop_id}/events", include_in_schema=False)
async def events(
    workshop_id: str, request: Request, db: DbDep, viewer: ViewerDep
) -> StreamingResponse:
    workshops.get(db, workshop_id, viewer=viewer, action="workshop.read")
    db.close()  # a stream may last hours: give the connection back now
    bus: MemoryBus = request.app.state.bus
    return StreamingResponse(
        _stream(bus, workshop_id, request),
        media_type="text/event-stream",
        headers={"X-Accel-Buffering": "no", "Cache-Control": "no-store"},
    )


async def _stream(bus: MemoryBus, workshop_id: str, request: Request) -> AsyncIterator[str]:
    async with bus.subscribe(workshop_id) as sub:
        yield f"retry: {retry_ms()}\nevent: ready\ndata: connected\n\n"
        while True:
            try:
                batch = await asyncio.wait_for(sub.next_batch(), timeout=HEARTBEAT_SECONDS)
            except TimeoutError:
                if await request.is_disconnected():
                    return
                yield ": keep-alive\n\n"
                continue
            for region in batch:
                yield f"event: changed\ndata: {region}\n\n"
            await asyncio.sleep(BATCH_PAUSE_SECONDS)  # coalesce bursts (reactions) into batches
