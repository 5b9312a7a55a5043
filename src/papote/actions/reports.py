"""Reports: from people (``report`` frame) and from the safety pipeline (holds, escalations).

A report keeps its evidence: the message, the conversation around it, and hashed
identifiers, and joins the open case on its subject (actions/cases.py). A report about
something that does not exist answers like any other but is not stored and opens no
case (abuse paths reveal nothing, and cannot fill the queue); a reporter whose reports
are often dismissed weighs less.
"""

from __future__ import annotations

from typing import Any

from papote import ids
from papote.actions.cases import Filing, do_file
from papote.actions.errors import ActionError
from papote.actions.safety_audit import safety_entry
from papote.actions.services import Services
from papote.actions.session import SessionUser
from papote.actions.views import message_view
from papote.safety.verdict import Category, Verdict
from papote.store import media as media_store
from papote.store import messages, users
from papote.store.cases import Subject
from papote.store.models import Media, Message, Report, User

CATEGORIES = {c.value for c in Category}
# Lower is sooner in the moderators' queue.
PRIORITY = {
    Category.CHILD_SAFETY.value: 0,
    Category.GROOMING.value: 5,
    Category.SEXUAL_VIOLENCE.value: 5,
    Category.NCII.value: 10,
    Category.VIOLENCE.value: 20,
    Category.HATE.value: 30,
    Category.PERSONAL_DATA.value: 30,
    Category.HARASSMENT.value: 30,
    Category.DRUGS.value: 40,
    Category.SCAM.value: 40,
}
MAX_COMMENT = 1000


async def _conversation_evidence(svc: Services, message: Message) -> list[dict[str, Any]]:
    around = await messages.page(
        svc.db, room_id=message.room_id, dm_key=message.dm_key, before=message.id, limit=20
    )
    return [message_view(m).to_json() for m in around]


async def do_report(
    svc: Services,
    session: SessionUser,
    *,
    reason: Any,
    message_id: Any = None,
    user_id: Any = None,
    comment: Any = None,
) -> str:
    if reason not in CATEGORIES:
        raise ActionError("bad_frame", "Motif de signalement inconnu.")
    if (message_id is None) == (user_id is None):
        raise ActionError("bad_frame", "Signale soit un message, soit une personne.")
    if comment is not None and not isinstance(comment, str):
        raise ActionError("bad_frame")
    if not await svc.limits.hit("report", session.id):
        raise ActionError("rate_limited")
    evidence: dict[str, Any] = {}
    target = user_id if isinstance(user_id, str) else None
    subject: Subject | None = None
    if isinstance(message_id, str):
        message = await messages.get(svc.db, message_id)
        visible = message is not None and (
            message.room_id is not None or session.id in (message.sender_id, message.recipient_id)
        )
        if message is not None and visible:
            target = message.sender_id
            subject = Subject("message", message.id, message.sender_id)
            evidence["message"] = message_view(message).to_json()
            evidence["context"] = await _conversation_evidence(svc, message)
            if message.media_id is not None:  # a reported image outlives the retention
                await media_store.keep_as_evidence(svc.db, message.media_id)
        else:
            target = None
    if target is not None:
        reported = await users.by_id(svc.db, target)
        if reported is not None:
            subject = subject or Subject("user", reported.id, reported.id)
            evidence["reported_ip_hash"] = reported.ip_hash
            evidence["reported_user"] = {
                "id": reported.id,
                "pseudo": reported.pseudo,
                "age": reported.age,
            }
    report = Report(
        id=ids.report_id(),
        reporter_id=session.id,
        target_user_id=target,
        message_id=message_id if isinstance(message_id, str) else None,
        reason=reason,
        comment=(comment or "")[:MAX_COMMENT],
        priority=PRIORITY.get(reason, 50),
        status="open",
        evidence=evidence,
        created_at=svc.clock(),
    )
    if subject is not None and target != session.id:
        await do_file(svc, Filing(report, subject))
    return report.id  # the same answer when nothing was stored


async def file_safety_report(
    svc: Services, message: Message, verdict: Verdict, *, sender_ip_hash: str
) -> str:
    """A report filed by the pipeline for a held or escalated message, with evidence."""
    category = verdict.category.value if verdict.category else "other"
    escalated = verdict.action.label == "escalate"
    report = Report(
        id=ids.report_id(),
        reporter_id=None,
        target_user_id=message.sender_id,
        message_id=message.id,
        reason=category,
        comment=f"{verdict.action.label} by {verdict.rule or 'pipeline'}",
        priority=0 if escalated else PRIORITY.get(category, 50) + 10,
        status="open",
        evidence={
            "message": message_view(message).to_json(),
            "context": await _conversation_evidence(svc, message),
            "verdict": verdict.to_json()
            | {"rule": verdict.rule, "evidence": list(verdict.evidence)},
            "sender_ip_hash": sender_ip_hash,
        },
        created_at=svc.clock(),
    )
    subject = Subject("message", message.id, message.sender_id)
    entry = safety_entry(verdict, message, report.created_at)  # in the report's transaction
    await do_file(svc, Filing(report, subject, escalated=escalated, entry=entry))
    return report.id


async def file_media_report(
    svc: Services,
    uploader: User,
    media: Media,
    verdict: Verdict,
    matches: list[dict[str, Any]],
    ip_hash: str,
) -> str:
    """A report filed when an upload matched a hash list: the image's hashes, the
    matches with their distances, and the uploader's session, as evidence."""
    category = verdict.category.value if verdict.category else "other"
    report = Report(
        id=ids.report_id(),
        reporter_id=None,
        target_user_id=uploader.id,
        message_id=None,
        reason=category,
        comment=f"upload matched {verdict.rule}",
        priority=0,
        status="open",
        evidence={
            "subject": {"kind": "media", "id": media.id},
            "media": {
                "id": media.id,
                "md5": media.md5,
                "sha256": media.sha256,
                "pdq": media.pdq,
                "pdq_quality": media.pdq_quality,
                "stored": "hashes only",
            },
            "matches": matches,
            "verdict": verdict.to_json() | {"rule": verdict.rule},
            "uploader": {
                "id": uploader.id,
                "pseudo": uploader.pseudo,
                "age": uploader.age,
                "session_started": uploader.created_at,
                "verified_adult": uploader.verified_adult,
                "possibly_minor": uploader.possibly_minor,
                "ip_hash": ip_hash,
                "entry_ip_hash": uploader.ip_hash,
            },
        },
        created_at=svc.clock(),
    )
    await do_file(svc, Filing(report, Subject("media", media.id, uploader.id), escalated=True))
    return report.id
