"""E-mails to the authors of public notices who gave an address (DSA Article 16(4), (5)):
the acknowledgement at once, the decision as soon as it is taken.

Each mail is written to a durable outbox (``mail_outbox``) in the same transaction as
what it tells (the notice; the decision on it), so that neither a mail server that
refuses nor a restart loses it. Sending never holds up the request or the moderator:
a first try runs as a task after the commit; a mail the server did not take is tried
again by ``run_mail_outbox`` after ``PAPOTE_SMTP_RETRY_S``, then twice as long each
time (capped at ``MAX_DELAY_MS``), up to ``MAX_ATTEMPTS`` tries. A lease on the row
keeps two nodes, or the first try and the loop, from sending it twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from papote.actions.services import Services
from papote.mail import Mail, MailTransport
from papote.moderation.notice_mail import (
    NoticeFacts,
    acknowledgement_fr,
    decision_mail_fr,
)
from papote.store import mail_outbox
from papote.store.models import MailOut, Notice

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
MAX_DELAY_MS = 6 * 3_600_000  # the longest wait between two tries
TRANSPORT = "mail"  # key of the transport in svc.extras (set by the app when configured)


def _transport(svc: Services) -> MailTransport | None:
    found = svc.extras.get(TRANSPORT)
    return found if isinstance(found, MailTransport) else None


def _facts(notice: Notice) -> NoticeFacts:
    return NoticeFacts(notice.id, notice.url_or_id, notice.category, notice.created_at, notice.name)


def _queued(svc: Services, notice: Notice, kind: str, subject: str, body: str) -> MailOut:
    now = svc.clock()
    return MailOut(
        kind=kind,
        notice_id=notice.id,
        to_addr=notice.email or "",
        subject=subject,
        body=body,
        created_at=now,
        attempts=0,
        next_try_at=now,
        leased_until=0,
    )


def acknowledgement_mail(svc: Services, notice: Notice) -> MailOut | None:
    """The receipt of a notice, to queue with it; None without an address or a server."""
    if _transport(svc) is None or not notice.email:
        return None
    subject, body = acknowledgement_fr(_facts(notice))
    return _queued(svc, notice, "acknowledgement", subject, body)


def decision_mail(svc: Services, notice: Notice) -> MailOut | None:
    """The decision on a (just decided) notice, to queue with the decision."""
    if _transport(svc) is None or not notice.email or notice.decided_at is None:
        return None
    subject, body = decision_mail_fr(
        _facts(notice), decided_at=notice.decided_at, decision=notice.decision
    )
    return _queued(svc, notice, "decision", subject, body)


def retry_delay_ms(attempts: int, base_s: float) -> int:
    """The wait after the ``attempts``-th failed try: base, then twice as long each time."""
    return int(min(base_s * 1000 * 2 ** max(attempts - 1, 0), MAX_DELAY_MS))


def _lease_ms(svc: Services) -> int:
    return int((svc.settings.smtp_timeout_s + 30) * 1000)


async def _deliver(svc: Services, transport: MailTransport, mail: MailOut) -> None:
    """One try of one leased mail; the outbox row says what comes next."""
    try:
        await transport.send(Mail(mail.to_addr, mail.subject, mail.body))
    except Exception as exc:  # any SMTP or network failure: tried again later
        attempts = mail.attempts + 1
        give_up = attempts >= MAX_ATTEMPTS
        log.warning(
            "notice mail not sent",
            extra={"what": mail.kind, "attempts": attempts, "error": type(exc).__name__},
        )
        if give_up:
            log.error("notice mail given up", extra={"what": mail.kind, "notice": mail.notice_id})
        delay = retry_delay_ms(attempts, svc.settings.smtp_retry_s)
        await mail_outbox.failed(svc.db, mail, next_try_at=None if give_up else svc.clock() + delay)
        return
    await mail_outbox.sent(svc.db, mail, now=svc.clock())


async def _first_try(svc: Services, transport: MailTransport, mail_id: int) -> None:
    try:
        mail = await mail_outbox.lease(svc.db, mail_id, now=svc.clock(), lease_ms=_lease_ms(svc))
        if mail is not None:
            await _deliver(svc, transport, mail)
    except Exception:  # the outbox keeps it: the loop tries again
        log.exception("notice mail first try failed")


def _spawn(svc: Services, work: Coroutine[Any, Any, Any]) -> None:
    """Run after the caller returns; the set keeps the task alive until it ends."""
    tasks: set[asyncio.Task[Any]] = svc.extras.setdefault("mail_tasks", set())
    task = asyncio.create_task(work)
    tasks.add(task)
    task.add_done_callback(tasks.discard)


def send_soon(svc: Services, mail_ids: list[int | None]) -> None:
    """A first try of these queued mails, after the caller's answer."""
    transport = _transport(svc)
    if transport is None:
        return
    for mail_id in mail_ids:
        if mail_id is not None:
            _spawn(svc, _first_try(svc, transport, mail_id))


async def run_mail_outbox(svc: Services) -> None:
    """Mails due again (the mail server refused them, or a node stopped before sending):
    looked for at start, then every ``PAPOTE_SMTP_RETRY_S`` (a minute at most)."""
    transport = _transport(svc)
    if transport is None:
        return
    every = min(svc.settings.smtp_retry_s, 60.0)
    while True:
        try:
            for mail in await mail_outbox.lease_due(
                svc.db, now=svc.clock(), lease_ms=_lease_ms(svc)
            ):
                await _deliver(svc, transport, mail)
        except Exception:
            log.exception("notice mail outbox failed")
        await asyncio.sleep(every)
