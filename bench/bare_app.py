"""The bare-stack baseline: FastAPI + Jinja + SQLModel on the same machine, nothing else.

A page of 40 rows read through SQLModel, and a form POST that inserts a row. Routes are
`async def` with the (sub-millisecond) SQLite work inline, as in the real app.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import FastAPI, Form
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment
from sqlalchemy import event
from sqlmodel import Field, Session, SQLModel, create_engine, select

URL = os.environ.get("BARE_DATABASE_URL", "sqlite:///bench-bare.db")


class Row(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(max_length=2000)


if URL.startswith("sqlite"):
    engine = create_engine(URL, connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(conn, _record):  # type: ignore[no-untyped-def]
        cur = conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()
else:
    engine = create_engine(URL.replace("postgresql://", "postgresql+psycopg://"), pool_size=10)

PAGE = Environment(autoescape=True).from_string(
    """<!doctype html><html><head><title>Rows</title></head><body><main><h1>Rows</h1>
<ul>{% for row in rows %}<li id="r{{ row.id }}">{{ row.text }}</li>{% endfor %}</ul>
<form method="post" action="/rows"><input name="text"><button>Add</button></form>
</main></body></html>"""
)


def seed() -> None:
    SQLModel.metadata.create_all(engine)
    with Session(engine) as db:
        if db.exec(select(Row)).first() is None:
            for i in range(40):
                db.add(Row(text=f"Proposal number {i}: a reasonably long line of text to render."))
            db.commit()


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    seed()
    yield


app = FastAPI(lifespan=lifespan)


@app.get("/", response_class=HTMLResponse)
async def page() -> HTMLResponse:
    with Session(engine) as db:
        rows = list(db.exec(select(Row).order_by(Row.id).limit(40)))  # type: ignore[arg-type]
    return HTMLResponse(PAGE.render(rows=rows))


@app.post("/rows")
async def add(text: Annotated[str, Form(max_length=2000)]) -> RedirectResponse:
    with Session(engine) as db:
        db.add(Row(text=text))
        db.commit()
    return RedirectResponse("/", status_code=303)


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}
