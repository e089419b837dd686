"""The text that the API accepts, said in its schema: what app.forms.clean_text refuses.

Every text field has a `format`: "line" (one line: no control character) or "text" (tabs and
line breaks too), and in both no surrogate, private-use or unassigned code point (this
Python's Unicode data, which clean_text asks); "term" adds a letter or a digit (what the
attribution check compares). No regular expression says "unassigned" in a few bytes, so the
formats are named and described here, and clean_text enforces them (422). A required field
also has `minLength` 1 and the pattern `\\S`: something besides spaces (pydantic enforces both).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

FORMATS = {
    "line": "One line of text: no control character; no surrogate, private-use or unassigned "
    "code point",
    "text": "Text: tabs and line breaks, but no other control character; no surrogate, "
    "private-use or unassigned code point",
    "term": 'One line of text (as "line") with at least one letter or digit',
}
VISIBLE = r"\S"
DESCRIPTION = "String formats of this API:\n\n" + "\n".join(
    f"- `{name}`: {meaning}." for name, meaning in FORMATS.items()
)


def _kind(kind: str, max_length: int, *, required: bool = True) -> object:
    extra = {"format": kind}
    if required:
        return Field(min_length=1, max_length=max_length, pattern=VISIBLE, json_schema_extra=extra)
    return Field(max_length=max_length, json_schema_extra=extra)


# Fields: one line or several; required (not only spaces) or not; the longest the service keeps.
Name120 = Annotated[str, _kind("line", 120)]
Title200 = Annotated[str, _kind("line", 200)]
Term200 = Annotated[str, _kind("term", 200)]
Email254 = Annotated[str, _kind("line", 254)]
Title400 = Annotated[str, _kind("line", 400)]
Reason500 = Annotated[str, _kind("line", 500)]
Line200 = Annotated[str, _kind("line", 200, required=False)]
Line500 = Annotated[str, _kind("line", 500, required=False)]
Text1000 = Annotated[str, _kind("text", 1000, required=False)]
Text4000 = Annotated[str, _kind("text", 4000, required=False)]
Words2000 = Annotated[str, _kind("text", 2000)]
Words20000 = Annotated[str, _kind("text", 20000)]
