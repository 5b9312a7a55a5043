"""A public notice with an e-mail address: the receipt, then the decision, reach a real
SMTP server (aiosmtpd on the loopback); a decision the mail server could not take at
first is delivered once it is back."""

from __future__ import annotations

import asyncio
import email
import re
from email.message import Message

import httpx
from aiosmtpd.controller import Controller

from tests.serverproc import free_port
from tests.staff.test_cases import case_for, room_pair, say, staff_post
from tests.staffhelp import add_staff, login

CODES = re.compile(r"\b(scam|harassment|dismiss|delete|[a-z]+_[a-z_]+)\b")


class Inbox:
    """What the SMTP server accepted, parsed."""

    def __init__(self) -> None:
        self.mails: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd names it so
        self.mails.append(email.message_from_bytes(envelope.original_content))
        return "250 OK"

    async def wait(self, count: int, timeout: float = 10.0) -> list[Message]:
        for _ in range(int(timeout / 0.05)):
            if len(self.mails) >= count:
                return self.mails
            await asyncio.sleep(0.05)
        raise AssertionError(f"{len(self.mails)} mails, {count} expected")


def _body(mail: Message) -> str:
    part = mail.get_payload(decode=True)
    assert isinstance(part, bytes)
    return part.decode(mail.get_content_charset() or "utf-8")


async def test_the_author_of_a_notice_gets_the_receipt_then_the_decision(fresh_server):
    inbox = Inbox()
    port = free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    fresh_server.env.update(
        {
            "PAPOTE_SMTP_HOST": "127.0.0.1",
            "PAPOTE_SMTP_PORT": str(port),
            "PAPOTE_SMTP_SECURITY": "none",
            "PAPOTE_SMTP_FROM": "Papote <moderation@papote.test>",
            "PAPOTE_SMTP_RETRY_S": "5",
        }
    )
    server = fresh_server.start()
    mod = login(server, add_staff(server))
    a, b = await room_pair(server)
    msg = await say(a, "general", "salut tout le monde, ça va ?")
    notice = httpx.post(
        f"{server.url}/api/v1/notices",
        json={
            "url_or_id": msg["id"],
            "category": "scam",
            "explanation": "Ce compte propose de faux papiers en privé.",
            "name": "Claire",
            "email": "claire@example.org",
        },
    )
    assert notice.status_code == 201, notice.text
    notice_id = notice.json()["notice"]["id"]
    (receipt,) = await inbox.wait(1)
    assert receipt["To"] == "claire@example.org"
    assert receipt["From"] == "Papote <moderation@papote.test>"
    assert notice_id in receipt["Subject"]
    text = _body(receipt)
    assert text.startswith("Bonjour Claire,") and "bien reçu" in text and msg["id"] in text
    assert "l'interdiction des arnaques" in text and not CODES.search(text), text

    # the mail server goes down before the decision: it is delivered once it is back
    smtp.stop()
    case = case_for(server, mod, msg["id"])
    acted = staff_post(
        server, mod, f"/cases/{case['id']}/actions", {"action": "delete", "reason": "scam"}
    )
    assert acted.status_code == 200, acted.text
    await asyncio.sleep(1.0)
    assert len(inbox.mails) == 1
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        _, decision = await inbox.wait(2, timeout=15)
    finally:
        smtp.stop()
    assert decision["To"] == "claire@example.org" and notice_id in decision["Subject"]
    text = _body(decision)
    assert "Le contenu a été supprimé de Papote." in text, text
    assert "l'interdiction des arnaques, article 5 des règles de Papote" in text
    assert "tu peux" in text and "article 21" in text and not CODES.search(text), text
    assert a.user["pseudo"] not in text, "the person reported is not named"
    # delivered once, not again at the next retry
    await asyncio.sleep(0.5)
    assert len(inbox.mails) == 2
    for c in (a, b):
        await c.close()
