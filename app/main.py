"""create_app(): settings, database, middleware, routers, error handlers, static files."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from app import apidocs, errors, logs
from app.config import ROOT, Settings, get_settings
from app.db import Database
from app.deps import csrf_protect
from app.middleware import TracktwoMiddleware

# Routes are matched in order, one by one: the live room's (hit by every participant, on every
# change) come first. No two features' paths overlap, so the order changes nothing else.
FEATURES = (
    "room",
    "live",
    "health",
    "accounts",
    "workshops",
    "roster",
    "rules",
    "agenda",
    "notes",
    "audit",
    "summary",
)


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    logs.configure(settings)
    database = database or Database(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from app.live.bus import make_bus

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
    from app.room.fragments import SharedFragments

    app.state.fragments = SharedFragments()
    from app.live.bus import make_bus

    app.state.bus = make_bus(settings, database)  # replaced at start-up; lets tests publish early
    errors.install(app)
    import importlib

    for feature in FEATURES:
        routes = importlib.import_module(f"app.{feature}.routes")
        app.include_router(routes.router)
        try:
            api = importlib.import_module(f"app.{feature}.api")
        except ModuleNotFoundError:
            continue
        app.include_router(api.router, prefix="/api/v1")
    if settings.api_docs:
        apidocs.install(app)
    app.mount("/static", StaticFiles(directory=str(ROOT / "static")), name="static")
    from app.retry import RetryMiddleware

    app.add_middleware(RetryMiddleware)  # inside TracktwoMiddleware: busy DB -> retry, not 500
    app.add_middleware(TracktwoMiddleware, settings=settings)
    return app
