"""What a safety verdict does to a message before it is delivered.

allow: delivered. warn: rejected with a confirmation token; sent if re-sent with it.
hold: stored out of sight and queued for a moderator. block: rejected with the
category. escalate: blocked, stored as evidence, reported at the top of the queue.
"""

from __future__ import annotations

import hashlib
import hmac

from papote.actions.draft import Draft
from papote.actions.errors import Rejected
from papote.actions.minors import calls_for_suspension, do_suspend, react_to_flags
from papote.actions.reports import file_safety_report
from papote.actions.safety_audit import safety_entry
from papote.actions.services import Services
from papote.actions.session import SessionUser
from papote.realtime.broker import Envelope
from papote.realtime.events import NoticeEvent
from papote.safety.verdict import Action, NoticeTarget, Verdict
from papote.store import messages

CONFIRM_WINDOW_MS = 10 * 60 * 1000


def confirm_token(svc: Services, user_id: str, text: str, window: int) -> str:
    mac = hmac.new(svc.settings.secret, f"{user_id}|{window}|{text}".encode(), hashlib.sha256)
    return mac.hexdigest()[:32]


def _confirmed(svc: Services, user_id: str, text: str, token: object) -> bool:
    if not isinstance(token, str):
        return False
    window = svc.clock() // CONFIRM_WINDOW_MS
    return any(
        hmac.compare_digest(token, confirm_token(svc, user_id, text, w))
        for w in (window, window - 1)
    )


async def send_nudges(svc: Services, verdict: Verdict, sender: str, recipient: str | None) -> None:
    for nudge in verdict.nudges:
        # (user, the other participant): each side's notice names its own conversation
        targets: list[tuple[str, str]] = []
        if nudge.target in (NoticeTarget.SENDER, NoticeTarget.BOTH):
            targets.append((sender, recipient or ""))
        if recipient is not None and nudge.target in (NoticeTarget.RECIPIENT, NoticeTarget.BOTH):
            targets.append((recipient, sender))
        for user_id, other in targets:
            notice = NoticeEvent(nudge.text, level=nudge.level, key=nudge.key, dm=other)  # type: ignore[arg-type]
            await svc.broker.publish(Envelope(f"user:{user_id}", notice.encode()))


async def judge(svc: Services, session: SessionUser, draft: Draft, *, ip_hash: str) -> Verdict:
    """Run the pipeline and enforce its verdict; raises Rejected unless delivered."""
    verdict = await svc.pipeline.judge_message(draft.ctx)
    await react_to_flags(svc, session, draft, verdict)
    action = verdict.action
    category = verdict.category.value if verdict.category else None
    recipient = draft.ctx.recipient.id if draft.ctx.recipient else None
    if action is Action.ALLOW:
        await send_nudges(svc, verdict, session.id, recipient)
        return verdict
    if action is Action.WARN:
        if _confirmed(svc, session.id, draft.message.text, draft.confirm):
            await send_nudges(svc, verdict, session.id, recipient)
            return verdict
        window = svc.clock() // CONFIRM_WINDOW_MS
        raise Rejected(
            "confirm",
            verdict.explanation,
            category=category,
            confirm=confirm_token(svc, session.id, draft.message.text, window),
        )
    draft.message.state = "held" if action is Action.HOLD else "removed"
    if action in (Action.HOLD, Action.ESCALATE):
        await messages.insert(svc.db, draft.message)
        await file_safety_report(svc, draft.message, verdict, sender_ip_hash=ip_hash)
    if action is Action.HOLD:
        raise Rejected("held", category=category, message_id=draft.message.id)
    if action is Action.BLOCK:  # nothing stored: its entry is written a moment later
        svc.audit_soon(safety_entry(verdict, draft.message, svc.clock()))
    aftermath = None
    if calls_for_suspension(verdict):

        async def aftermath() -> None:
            await do_suspend(svc, session, verdict, draft.message)

    raise Rejected(
        "moderation", verdict.explanation, category=category or "other", aftermath=aftermath
    )
