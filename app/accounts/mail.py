"""Outgoing e-mail (staff invitations and password-reset links) over SMTP with the standard
library; off unless TRACKTWO_SMTP_HOST is set. Nothing about a message is logged but that
it failed and why (never its address or link)."""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from app.config import Settings

log = logging.getLogger("tracktwo.mail")
TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class Outgoing:
    to: str
    subject: str
    body: str


def configured(settings: Settings) -> bool:
    return bool(settings.smtp_host)


def send(settings: Settings, message: Outgoing) -> bool:
    """Send one plain-text message; False (and a warning) if the server could not take it.
    Blocking: call it from a worker thread."""
    if not configured(settings):
        return False
    mail = EmailMessage()
    mail["From"] = settings.smtp_from
    mail["To"] = message.to
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain=settings.smtp_from.rpartition("@")[2] or None)
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(message.body)
    try:
        if settings.smtp_security == "tls":
            context = ssl.create_default_context()
            with smtplib.SMTP_SSL(
                settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS, context=context
            ) as smtp:
                _deliver(smtp, settings, mail)
        else:
            with smtplib.SMTP(
                settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS
            ) as smtp:
                if settings.smtp_security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                _deliver(smtp, settings, mail)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("e-mail not sent: %s", type(exc).__name__)
        return False
    return True


def _deliver(smtp: smtplib.SMTP, settings: Settings, mail: EmailMessage) -> None:
    if settings.smtp_username:
        smtp.login(settings.smtp_username, settings.smtp_password)
    smtp.send_message(mail)
