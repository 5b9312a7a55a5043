"""A public notice with an e-mail address: the receipt, then the decision, reach a real
SMTP server (aiosmtpd on the loopback); a decision the mail server could not take at
first is delivered once it is back; a receipt it refused is sent again, even after the
node restarted (the durable outbox)."""

from __future__ import annotations

import asyncio
import email
import re
import sqlite3
from email.message import Message
from email.policy import default
from pathlib import Path
from typing import Any

import httpx
from aiosmtpd.controller import Controller

from papote.actions.notice_mail import MAX_DELAY_MS, retry_delay_ms
from tests.serverproc import free_port
from tests.staff.test_cases import case_for, room_pair, say, staff_post
from tests.staffhelp import add_staff, login

CODES = re.compile(r"\b(scam|harassment|dismiss|delete|[a-z]+_[a-z_]+)\b")


class Inbox:
    """What the SMTP server accepted, parsed."""

    def __init__(self) -> None:
        self.mails: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd names it so
        # the default policy decodes headers (a subject with a no-break space is encoded)
        self.mails.append(email.message_from_bytes(envelope.original_content, policy=default))
        return "250 OK"

    async def wait(self, count: int, timeout: float = 10.0) -> list[Message]:
        for _ in range(int(timeout / 0.05)):
            if len(self.mails) >= count:
                return self.mails
            await asyncio.sleep(0.05)
        raise AssertionError(f"{len(self.mails)} mails, {count} expected")


def _mail_server(inbox: Any, fresh_server: Any, **extra: str) -> Controller:
    """A real SMTP server on a free port, and the node's settings pointing at it."""
    port = free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    fresh_server.env.update(
        {
            "PAPOTE_SMTP_HOST": "127.0.0.1",
            "PAPOTE_SMTP_PORT": str(port),
            "PAPOTE_SMTP_SECURITY": "none",
            "PAPOTE_SMTP_RETRY_S": "5",
            **extra,
        }
    )
    return smtp


def _body(mail: Message) -> str:
    part = mail.get_payload(decode=True)
    assert isinstance(part, bytes)
    return part.decode(mail.get_content_charset() or "utf-8")


async def test_the_author_of_a_notice_gets_the_receipt_then_the_decision(fresh_server):
    inbox = Inbox()
    smtp = _mail_server(inbox, fresh_server, PAPOTE_SMTP_FROM="Papote <moderation@papote.test>")
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
    smtp = Controller(inbox, hostname="127.0.0.1", port=smtp.port)
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


class RefusingFirst(Inbox):
    """A mail server that answers "try again later" (451) to the first ``refuse`` mails."""

    def __init__(self, refuse: int) -> None:
        super().__init__()
        self.refuse = refuse
        self.refused = 0

    async def handle_DATA(self, server, session, envelope):
        if self.refused < self.refuse:
            self.refused += 1
            return "451 4.3.0 Try again later"
        return await super().handle_DATA(server, session, envelope)


def _outbox_rows(server) -> int:
    with sqlite3.connect(Path(server.data_dir) / "papote.db") as db:
        return int(db.execute("SELECT count(*) FROM mail_outbox").fetchone()[0])


async def test_a_refused_acknowledgement_is_sent_again_even_after_a_restart(fresh_server):
    """The receipt is queued with the notice; the mail server refuses it, the node
    restarts, and the receipt still arrives, once."""
    inbox = RefusingFirst(refuse=1)
    smtp = _mail_server(inbox, fresh_server)
    server = fresh_server.start()
    try:
        a, b = await room_pair(server)
        msg = await say(a, "general", "je vends des places de concert pas chères")
        for c in (a, b):
            await c.close()
        notice = httpx.post(
            f"{server.url}/api/v1/notices",
            json={
                "url_or_id": msg["id"],
                "category": "scam",
                "explanation": "Des places qui n'existent pas.",
                "email": "paul@example.org",
            },
        )
        assert notice.status_code == 201, notice.text
        for _ in range(200):  # the first try, refused
            if inbox.refused:
                break
            await asyncio.sleep(0.05)
        assert inbox.refused == 1 and inbox.mails == []
        fresh_server.stop()
        assert _outbox_rows(server) == 1, "kept across the stop"

        server = fresh_server.start()
        (receipt,) = await inbox.wait(1, timeout=30)
        assert receipt["To"] == "paul@example.org"
        assert notice.json()["notice"]["id"] in receipt["Subject"]
        assert "bien reçu" in _body(receipt)
        await asyncio.sleep(1.0)
        assert len(inbox.mails) == 1, "sent once"
        assert _outbox_rows(server) == 0, "gone from the outbox once sent"
    finally:
        smtp.stop()


def test_the_wait_between_tries_doubles_up_to_a_cap():
    assert [retry_delay_ms(n, 5) for n in (1, 2, 3, 4)] == [5_000, 10_000, 20_000, 40_000]
    assert retry_delay_ms(30, 300) == MAX_DELAY_MS
