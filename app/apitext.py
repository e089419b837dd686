"""The text that the API accepts, said in its schema: what app.forms.clean_text refuses.

A one-line field holds no control character, a multi-line one none but tabs and line breaks
(a pattern says so, and pydantic enforces it); a required one has something besides spaces.
clean_text also refuses private-use and unassigned code points (the attribution check cannot
see through characters nobody knows): the descriptions say so in words, because a pattern that
lists every unassigned range costs generators seconds a field. That one answers 422 too.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

CONTROLS = r"\x00-\x1f\x7f-\x9f"
LINE_BREAKS_TOO = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # keeps \t \n \r
REFUSED = "no private-use or unassigned code point"


def _pattern(controls: str, required: bool) -> str:
    if required:
        return rf"^[^{controls}]*[^\s{controls}][^{controls}]*$"
    return rf"^[^{controls}]*$"


def _kind(multiline: bool, max_length: int, *, required: bool = True) -> Any:
    what = "Text (tabs and line breaks too)" if multiline else "One line of text"
    if required:
        what += ", not only spaces"
    return Field(
        min_length=1 if required else None,
        max_length=max_length,
        pattern=_pattern(LINE_BREAKS_TOO if multiline else CONTROLS, required),
        description=f"{what}; {REFUSED}",
    )


# Fields: one line or several; required (not only spaces) or not; the longest the service keeps.
Name120 = Annotated[str, _kind(False, 120)]
Title200 = Annotated[str, _kind(False, 200)]
Email254 = Annotated[str, _kind(False, 254)]
Title300 = Annotated[str, _kind(False, 300)]
Title400 = Annotated[str, _kind(False, 400)]
Reason500 = Annotated[str, _kind(False, 500)]
Line200 = Annotated[str, _kind(False, 200, required=False)]
Line500 = Annotated[str, _kind(False, 500, required=False)]
Line1000 = Annotated[str, _kind(False, 1000, required=False)]
Text1000 = Annotated[str, _kind(True, 1000, required=False)]
Text2000 = Annotated[str, _kind(True, 2000, required=False)]
Text4000 = Annotated[str, _kind(True, 4000, required=False)]
Text60000 = Annotated[str, _kind(True, 60000, required=False)]
Words2000 = Annotated[str, _kind(True, 2000)]
Words20000 = Annotated[str, _kind(True, 20000)]
Words60000 = Annotated[str, _kind(True, 60000)]
# An e-mail address as the services take it: an @, no space or control character anywhere.
Address254 = Annotated[
    str,
    Field(
        min_length=1,
        max_length=254,
        pattern=r"^[^\s\x00-\x1f\x7f-\x9f]*@[^\s\x00-\x1f\x7f-\x9f]*$",
        description=f"An e-mail address: an @, no space; {REFUSED}",
    ),
]
# A term of the attribution check: something it can compare, so not only invisible characters.
Term200 = Annotated[str, _kind(False, 200)]
