"""Finding times finer than a day in any value: stored cells and shown text alike.

Recognised: date-times (objects, or ISO / SQL text with a clock part other than midnight),
clock times (objects, or HH:MM and HH:MM:SS anywhere inside text) and epoch-like numbers
(seconds or milliseconds between 2001 and 2100, alone or standing free inside text).
A date alone is fine. A ciphertext (app.security.crypto) is read without its prefix, whose
"t2e1:" would otherwise make a clock of the first two characters when they are digits.
"""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Any

from app.security.crypto import PREFIX

EPOCH_SECONDS = (1_000_000_000, 4_102_444_800)  # 2001-09-09 .. 2100-01-01
EPOCH_FACTORS = (1, 1000, 1_000_000)  # seconds, milliseconds, microseconds
DATETIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?")
CLOCK_RE = re.compile(r"(?<![\d:])(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?![\d:])")
FREE_NUMBER_RE = re.compile(r"(?<![0-9A-Za-z_.-])\d{10,16}(?:\.\d+)?(?![0-9A-Za-z_])")


def _epoch_like(number: float) -> bool:
    low, high = EPOCH_SECONDS
    return any(low * f <= number < high * f for f in EPOCH_FACTORS)


def fine_times_in_text(text: str) -> list[str]:
    """Every substring of `text` that reads as a time finer than a day."""
    found = []
    for match in DATETIME_RE.finditer(text):
        if any(part and int(part) for part in match.groups()):
            found.append(match.group(0))
    rest = DATETIME_RE.sub(" ", text)
    found += CLOCK_RE.findall(rest)
    found += [m for m in FREE_NUMBER_RE.findall(rest) if _epoch_like(float(m))]
    return found


def fine_time(value: Any) -> str | None:
    """The value, shown, if it is or contains a time finer than a day; else None."""
    if isinstance(value, datetime):
        return None if value.time() == time(0) else value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(value) if _epoch_like(float(value)) else None
    if isinstance(value, bytes | memoryview):
        value = bytes(value).decode("latin-1")
    if isinstance(value, str):
        if value.startswith(PREFIX):  # a ciphertext: only its base64 body (the prefix's own
            value = value[len(PREFIX) :]  # "1:" before two random digits read as a clock)
        found = fine_times_in_text(value)
        return ", ".join(found) if found else None
    return None
