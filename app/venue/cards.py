"""Printable invitation cards (one per participant, 8 to an A4 page, with crop marks) and the
room poster, as PDF (WeasyPrint); the QR codes are made with segno. The cards carry the
personal links: print them, hand them out, and shred the spares."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import segno

from app import i18n
from app.templating import render_text

PER_PAGE = 8


@dataclass(frozen=True)
class Card:
    name: str
    link: str


def qr_data_uri(text: str, scale: int = 6) -> str:
    """The QR code of `text` as an SVG data URI (error correction M, quiet zone kept)."""
    return str(segno.make(text, error="m", micro=False).svg_data_uri(scale=scale, border=4))


def _pdf(html: str) -> bytes:
    from weasyprint import HTML  # optional dependency (the export extra), as the summary PDF

    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    data: bytes = HTML(string=html, base_url=None).write_pdf()
    return data


def _context(title: str, locale: str) -> dict[str, object]:
    return {"title": title, "lang": locale, "dir": i18n.direction(locale)}


def cards_html(title: str, cards: list[Card], locale: str = "en") -> str:
    sheets = [
        [{"name": c.name, "link": c.link, "qr": qr_data_uri(c.link)} for c in chunk]
        for chunk in (cards[i : i + PER_PAGE] for i in range(0, len(cards), PER_PAGE))
    ]
    token = i18n.current_locale.set(locale)
    try:
        return render_text("venue/cards.html", {**_context(title, locale), "sheets": sheets})
    finally:
        i18n.current_locale.reset(token)


def cards_pdf(title: str, cards: list[Card], locale: str = "en") -> bytes:
    return _pdf(cards_html(title, cards, locale))


def poster_pdf(title: str, url: str, fingerprint: str = "", locale: str = "en") -> bytes:
    """The room's address, written out and as a QR code, with the certificate's fingerprint."""
    token = i18n.current_locale.set(locale)
    try:
        html = render_text(
            "venue/poster.html",
            {
                **_context(title, locale),
                "url": url,
                "qr": qr_data_uri(url, scale=10),
                "fingerprint": fingerprint,
            },
        )
    finally:
        i18n.current_locale.reset(token)
    return _pdf(html)
