"""The API docs at /api/docs: Swagger UI 5 served from this server (the files that the
fastapi-offline package ships, under /api/docs/assets/), started by a script file rather than
an inline one, so that the Content-Security-Policy (`script-src 'self'`) allows it and it works
with no network."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_URL = "/api/docs"
OPENAPI_URL = "/api/openapi.json"
ASSETS = f"{DOCS_URL}/assets"
ASSET_DIR = Path(fastapi_offline.__file__).resolve().parent / "static"

PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tracktwo API</title>
<link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
<link rel="icon" type="image/png" href="{ASSETS}/favicon.png">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{OPENAPI_URL}"></div>
<script src="{ASSETS}/swagger-ui-bundle.js"></script>
<script src="/static/js/api-docs.js"></script>
</body>
</html>
"""


def install(app: FastAPI) -> None:
    """Serve the docs page and Swagger UI's files (call only when the docs are on)."""
    app.mount(ASSETS, StaticFiles(directory=str(ASSET_DIR)), name="api-docs-assets")

    @app.get(DOCS_URL, include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return HTMLResponse(PAGE)
