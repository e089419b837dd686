"""JSON with a documented schema (docs/summary-schema.json, generated from the model)."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from app.summary.present import SummaryExport

SCHEMA_VERSION = "1"
_adapter: TypeAdapter[SummaryExport] = TypeAdapter(SummaryExport)


def schema() -> dict[str, Any]:
    body = _adapter.json_schema()
    body["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    body["$id"] = f"https://tracktwo.example/schemas/summary-v{SCHEMA_VERSION}.json"
    body["description"] = (
        "The non-attributed summary of a Tracktwo workshop: no names, affiliations, roster, "
        "party labels on text, times, hidden or off-the-record content, or private notes."
    )
    return body


def render(summary: SummaryExport) -> bytes:
    return _adapter.dump_json(summary, indent=2)
