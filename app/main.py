"""create_app(): settings, database, middleware, routers, error handlers, static files."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from app import apidocs, errors, logs, presenters
from app.accounts import api as accounts_api
from app.accounts import link_routes as accounts_link_routes
from app.accounts import routes as accounts_routes
from app.agenda import api as agenda_api
from app.agenda import routes as agenda_routes
from app.audit import api as audit_api
from app.audit import routes as audit_routes
from app.config import ROOT, Settings, get_settings
from app.db import Database
from app.deps import csrf_protect
from app.evaluation import api as evaluation_api
from app.evaluation import routes as evaluation_routes
from app.evaluation import transfer_api, transfer_routes
from app.health import routes as health_routes
from app.live import routes as live_routes
from app.live.bus import make_bus
from app.middleware import TracktwoMiddleware
from app.notes import api as notes_api
from app.notes import routes as notes_routes
from app.ntext import api as ntext_api
from app.ntext import routes as ntext_routes
from app.replay.middleware import ReplayMiddleware
from app.retry import RetryMiddleware
from app.room import api as room_api
from app.room import routes as room_routes
from app.room.fragments import SharedFragments
from app.roster import api as roster_api
from app.roster import organizer_routes as roster_organizer_routes
from app.roster import routes as roster_routes
from app.rules import api as rules_api
from app.rules import routes as rules_routes
from app.summary import api as summary_api
from app.summary import routes as summary_routes
from app.translations import api as translations_api
from app.translations import routes as translations_routes
from app.two_step import routes as two_step_routes
from app.workshops import api as workshops_api
from app.workshops import routes as workshops_routes
from app.workshops import series_routes as workshops_series_routes
from app.workshops import staff_routes as workshops_staff_routes

assert presenters.FEATURES  # every feature's presenters are registered with the policy

# Routes are matched in order, one by one: the live room's (hit by every participant, on every
# change) come first. No two features' paths overlap, so the order changes nothing else. Every
# router is imported at the top: a feature that fails to import stops the start-up, loudly.
PAGES = (
    room_routes,
    live_routes,
    health_routes,
    accounts_routes,
    accounts_link_routes,
    two_step_routes,
    workshops_routes,
    workshops_staff_routes,
    roster_routes,
    roster_organizer_routes,
    rules_routes,
    agenda_routes,
    notes_routes,
    audit_routes,
    summary_routes,
    translations_routes,
    evaluation_routes,
    transfer_routes,
    ntext_routes,
    workshops_series_routes,
)
APIS = (
    room_api,
    accounts_api,
    workshops_api,
    roster_api,
    rules_api,
    agenda_api,
    notes_api,
    audit_api,
    summary_api,
    translations_api,
    evaluation_api,
    transfer_api,
    ntext_api,
)


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    logs.configure(settings)
    database = database or Database(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.bus = make_bus(settings, database)
        await app.state.bus.start()
        try:
            yield
        finally:
            await app.state.bus.stop()

    app = FastAPI(
        title="Tracktwo",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # app.apidocs serves Swagger UI from this server
        redoc_url=None,
        openapi_url=apidocs.OPENAPI_URL if settings.api_docs else None,
        dependencies=[Depends(csrf_protect)],
    )
    app.state.settings = settings
    app.state.db = database
    app.state.fragments = SharedFragments()
    app.state.bus = make_bus(settings, database)  # replaced at start-up; lets tests publish early
    errors.install(app)
    for pages in PAGES:
        app.include_router(pages.router)
    for api in APIS:
        app.include_router(api.router, prefix="/api/v1")
    app.include_router(workshops_series_routes.api, prefix="/api/v1")
    if settings.api_docs:
        apidocs.install(app)
    app.mount("/static", StaticFiles(directory=str(ROOT / "static")), name="static")
    app.add_middleware(ReplayMiddleware, settings=settings)  # inside Retry: a retry claims anew
    app.add_middleware(RetryMiddleware)  # inside TracktwoMiddleware: busy DB -> retry, not 500
    app.add_middleware(TracktwoMiddleware, settings=settings)
    return app
