"""Public notices of illegal content (DSA Article 16): anyone, without a chat session.

A notice names what it is about (a message's link or id, or the pseudo of someone
connected), a category and an explanation; a name and an e-mail are optional and never
required for child safety. It is acknowledged with its id and joins the case on its
subject. A notice whose subject cannot be found is refused (``unknown_subject``, 422,
with a French sentence saying what to give): otherwise anyone could fill the top of
the moderators' queue with child-safety notices about nothing (issue 9). Trusted
flaggers (``PAPOTE_TRUSTED_FLAGGERS``, a key each) go first.
"""

from __future__ import annotations

import hmac
import re
from typing import Any

from papote.actions.cases import Filing, do_file
from papote.actions.entry import pseudo_key
from papote.actions.errors import ActionError
from papote.actions.notice_mail import acknowledgement_mail, send_soon
from papote.actions.reports import CATEGORIES, PRIORITY
from papote.actions.services import Services
from papote.store import messages, users
from papote.store import notices as notice_store
from papote.store.cases import Subject, new_id
from papote.store.models import Notice, Report

MESSAGE_ID = re.compile(r"\b([0-9A-HJKMNP-TV-Z]{13})\b")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")
MAX_EXPLANATION = 5000


def _text(payload: dict[str, Any], name: str, limit: int, *, required: bool) -> str | None:
    value = payload.get(name)
    if value is None or (isinstance(value, str) and not value.strip() and not required):
        if required:
            raise ActionError("bad_request", f"« {name} » est requis.")
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise ActionError("bad_request", f"« {name} »\u00a0: du texte, {limit} caractères au plus.")
    return value.strip()


def trusted_flagger(svc: Services, key: str | None) -> str | None:
    if not key:
        return None
    for name, expected in svc.settings.trusted_flagger_keys().items():
        if hmac.compare_digest(key.encode(), expected.encode()):
            return name
    return None


async def _subject(svc: Services, url_or_id: str) -> Subject | None:
    for candidate in MESSAGE_ID.findall(url_or_id):
        message = await messages.get(svc.db, candidate)
        if message is not None:
            return Subject("message", message.id, message.sender_id)
    owner = await users.live_pseudo_owner(svc.db, pseudo_key(url_or_id.strip().lstrip("@")))
    if owner is not None:
        return Subject("user", owner.id, owner.id)
    return None


async def do_notice(
    svc: Services, payload: Any, *, ip_hash: str, flagger_key: str | None
) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise ActionError("bad_request")
    url_or_id = _text(payload, "url_or_id", 500, required=True) or ""
    category = payload.get("category")
    if category not in CATEGORIES:
        raise ActionError("bad_request", "« category »\u00a0: une catégorie de la charte.")
    explanation = _text(payload, "explanation", MAX_EXPLANATION, required=True) or ""
    name = _text(payload, "name", 100, required=False)
    email = _text(payload, "email", 200, required=False)
    if email is not None and not EMAIL.match(email):
        raise ActionError("bad_request", "Cette adresse e-mail n'est pas valide.")
    flagger = trusted_flagger(svc, flagger_key)
    if flagger is None and not await svc.limits.hit("notice", ip_hash):
        raise ActionError("rate_limited", status=429)
    now = svc.clock()
    notice = Notice(
        id=new_id("n"),
        url_or_id=url_or_id,
        category=category,
        explanation=explanation,
        name=name,
        email=email,
        trusted_flagger=flagger,
        created_at=now,
        decision="",
    )
    subject = await _subject(svc, url_or_id)
    if subject is None:
        raise ActionError("unknown_subject", status=422)
    report = Report(
        id=new_id("r"),
        reporter_id=None,
        target_user_id=subject.user_id,
        message_id=subject.id if subject.kind == "message" else None,
        reason=category,
        comment=f"notice {notice.id}: {explanation[:900]}",
        priority=PRIORITY.get(category, 50),
        status="open",
        evidence={"notice": notice.id, "url_or_id": url_or_id, "trusted_flagger": flagger},
        created_at=now,
    )
    case = await do_file(
        svc, Filing(report, subject, escalated=flagger is not None, automated=False)
    )
    notice.case_id = case.id
    mail_id = await notice_store.add_notice(svc.db, notice, acknowledgement_mail(svc, notice))
    send_soon(svc, [mail_id])
    return {"notice": {"id": notice.id, "received_at": now}}
