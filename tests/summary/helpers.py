"""Text extraction from every export format, for comparing them and hunting canaries."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import tempfile
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from typing import Any


def norm(line: str) -> str:
    line = unicodedata.normalize("NFC", line)
    line = line.replace("\u00ad", "")
    return " ".join(line.split()).strip(" •-–·:;").casefold()


def md_text(data: bytes) -> str:
    text = data.decode("utf-8")
    text = re.sub(r"\\([\\`*_\[\]<>|~#+=>.)-])", r"\1", text)
    return text.replace("**", "").replace("*", "")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = False

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in {"style", "script", "title"}:
            self.skip = True
        if tag in {"p", "li", "h1", "h2", "h3", "h4", "br", "span", "div"}:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"style", "script", "title"}:
            self.skip = False

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_text(data: bytes) -> str:
    parser = _Text()
    parser.feed(data.decode("utf-8"))
    return "".join(parser.parts)


def pdf_text(data: bytes) -> str:
    exe = shutil.which("pdftotext")
    assert exe, "pdftotext (poppler-utils) is needed"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.pdf"
        path.write_bytes(data)
        out = subprocess.run(
            [exe, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
        )
    return out.stdout.decode("utf-8")


def docx_text(data: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(data))
    return "\n".join(p.text for p in doc.paragraphs)


def json_strings(data: bytes) -> str:
    out: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, str):
            out.append(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            out.append(str(value))

    walk(json.loads(data))
    return "\n".join(out)


EXTRACT = {
    "md": md_text,
    "html": html_text,
    "pdf": pdf_text,
    "docx": docx_text,
    "json": json_strings,
}


def flat(text: str) -> str:
    """Letters and digits only, case folded: PDF line breaks, bidi marks and the placement of
    neutral punctuation between right-to-left runs do not matter; words and order do."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] in {"L", "N"})
    # pdftotext gives the lam-alef ligature back as alef-lam: compare runs of the two sorted
    return re.sub("[\u0627\u0644]+", lambda m: "".join(sorted(m.group())), text)


def _script(ch: str) -> str:
    if "\u0590" <= ch <= "\u05ff":
        return "hebrew"
    if "\u0600" <= ch <= "\u08ff":
        return "arabic"
    return "other"


def script_runs(line: str) -> list[str]:
    """The flat form of each same-script stretch of a line. A PDF keeps each stretch, but a
    text extractor may put two adjacent right-to-left stretches in either order."""
    letters = flat(line)
    runs: list[str] = []
    for ch in letters:
        if runs and _script(runs[-1][-1]) == _script(ch):
            runs[-1] += ch
        else:
            runs.append(ch)
    return runs
