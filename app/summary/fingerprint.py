"""The fingerprint of a draft: SHA-256 of a canonical JSON of the presented model every format
is produced from (redactions applied), its status label and the fingerprint field left out.
The model holds the staff-written texts in every workshop language (`versions`), so a change
in any language changes it: a party may have read, and signed, any of them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, replace
from datetime import date

from app.summary.present import SummaryExport

SHORT = 8


def _default(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not canonical: {type(value).__name__}")


def of(model: SummaryExport) -> str:
    """The same for the same text whatever the status label; any change of text changes it."""
    body = json.dumps(
        asdict(replace(model, status="", fingerprint="")),
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=_default,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def short(fingerprint: str) -> str:
    return fingerprint[:SHORT]
