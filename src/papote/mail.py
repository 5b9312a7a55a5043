"""Outgoing e-mail: the one way Papote writes to someone outside the chat (the author of
a public notice who gave an address, DSA Article 16(4) and (5)).

Configured by the ``PAPOTE_SMTP_*`` settings (docs/configuration.md); unset host: no
mail is sent and nothing is queued. The transport only delivers; what is written lives
in ``moderation/notice_mail.py`` and when it is sent in ``actions/notice_mail.py``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import aiosmtplib

from papote.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Mail:
    to: str
    subject: str
    body: str  # plain text, UTF-8


class MailTransport:
    """Hands mails to the configured SMTP server (STARTTLS or TLS, optional login)."""

    def __init__(self, settings: Settings) -> None:
        if not settings.smtp_host:
            raise ValueError("PAPOTE_SMTP_HOST is not set")
        self.settings = settings

    def _message(self, mail: Mail) -> EmailMessage:
        sender = self.settings.smtp_from
        message = EmailMessage()
        message["From"] = sender
        message["To"] = mail.to
        message["Subject"] = mail.subject
        message["Date"] = formatdate(localtime=False, usegmt=True)
        message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
        message["Auto-Submitted"] = "auto-generated"  # no vacation replies
        message.set_content(mail.body, charset="utf-8")
        return message

    async def send(self, mail: Mail) -> None:
        """Deliver one mail; raises ``aiosmtplib.SMTPException`` or ``OSError`` on failure."""
        s = self.settings
        await aiosmtplib.send(
            self._message(mail),
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_username or None,
            password=s.smtp_password or None,
            use_tls=s.smtp_security == "tls",
            start_tls=s.smtp_security == "starttls",
            timeout=s.smtp_timeout_s,
        )


def mail_transport(settings: Settings) -> MailTransport | None:
    return MailTransport(settings) if settings.smtp_host else None
