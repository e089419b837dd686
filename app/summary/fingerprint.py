"""The fingerprint of a draft: SHA-256 of a canonical JSON of the presented model every format
is produced from (redactions applied), its status label and the fingerprint field left out.
The model holds the staff-written texts in every workshop language (`versions`), so a change
in any language changes it: a party may have read, and signed, any of them."""

from __future__ import annotations

from dataclasses import asdict, replace

from app import signoffs
from app.summary.present import SummaryExport

SHORT = signoffs.SHORT
short = signoffs.short


def of(model: SummaryExport) -> str:
    """The same for the same text whatever the status label; any change of text changes it."""
    return signoffs.digest(asdict(replace(model, status="", fingerprint="")))
