"""E-mails to the authors of public notices who gave an address (DSA Article 16(4), (5)):
the acknowledgement at once, the decision as soon as it is taken.

Sending never holds up the request or the moderator's action: it runs as a task after
the commit. A decision that could not be delivered stays due on the notice
(``emailed_at`` null) and ``run_mail_retry`` tries it again, up to ``MAX_ATTEMPTS``.
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
from papote.store import notices as notice_store
from papote.store.models import Notice

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
TRANSPORT = "mail"  # key of the transport in svc.extras (set by the app when configured)


def _transport(svc: Services) -> MailTransport | None:
    found = svc.extras.get(TRANSPORT)
    return found if isinstance(found, MailTransport) else None


def _facts(notice: Notice) -> NoticeFacts:
    return NoticeFacts(notice.id, notice.url_or_id, notice.category, notice.created_at, notice.name)


def _spawn(svc: Services, work: Coroutine[Any, Any, Any]) -> None:
    """Run after the caller returns; the set keeps the task alive until it ends."""
    tasks: set[asyncio.Task[Any]] = svc.extras.setdefault("mail_tasks", set())
    task = asyncio.create_task(work)
    tasks.add(task)
    task.add_done_callback(tasks.discard)


async def _deliver(transport: MailTransport, mail: Mail, what: str) -> bool:
    try:
        await transport.send(mail)
    except Exception as exc:  # any SMTP or network failure: logged, tried again later
        log.warning("notice mail not sent", extra={"what": what, "error": type(exc).__name__})
        return False
    return True


def send_acknowledgement_soon(svc: Services, notice: Notice) -> None:
    """The receipt of a notice, if its author gave an address (best effort, one try)."""
    transport = _transport(svc)
    if transport is None or not notice.email:
        return
    subject, body = acknowledgement_fr(_facts(notice))
    _spawn(svc, _deliver(transport, Mail(notice.email, subject, body), "acknowledgement"))


async def _send_decision(svc: Services, transport: MailTransport, notice: Notice) -> None:
    if not notice.email or notice.decided_at is None:
        return
    subject, body = decision_mail_fr(
        _facts(notice), decided_at=notice.decided_at, decision=notice.decision
    )
    sent = await _deliver(transport, Mail(notice.email, subject, body), "decision")
    await notice_store.record_mail(svc.db, notice.id, sent_at=svc.clock() if sent else None)


def send_decisions_soon(svc: Services, decided: list[Notice]) -> None:
    """The decision to every author of these (just decided) notices who gave an address."""
    transport = _transport(svc)
    if transport is None:
        return
    for notice in decided:
        if notice.email:
            _spawn(svc, _send_decision(svc, transport, notice))


async def run_mail_retry(svc: Services) -> None:
    """Decisions not delivered yet (the mail server was down): tried again regularly."""
    transport = _transport(svc)
    if transport is None:
        return
    while True:
        await asyncio.sleep(svc.settings.smtp_retry_s)
        try:
            due = await notice_store.mails_due(
                svc.db, max_attempts=MAX_ATTEMPTS, untried_before=svc.clock() - 60_000
            )
            for notice in due:
                await _send_decision(svc, transport, notice)
        except Exception:
            log.exception("notice mail retry failed")
