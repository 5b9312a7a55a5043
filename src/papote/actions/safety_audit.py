"""The audit entry of an automated decision on a message (docs/moderators.md, Audit).

Holds and escalations are chained in the transaction that files their report
(actions/cases.py ``do_file``); blocks store nothing, so theirs are written a moment
later, in batches (``Services.audit_soon``), never in front of the sender's answer.
The entry names the rule and the model version that decided, not the text.
"""

from __future__ import annotations

from papote.safety.verdict import Verdict
from papote.store.models import AuditLog, Message

MAX_EVIDENCE = 10


def safety_entry(verdict: Verdict, message: Message, now: int) -> AuditLog:
    """``safety.hold``, ``safety.block`` or ``safety.escalate`` by ``system``."""
    where = {"room": message.room_id} if message.room_id else {"dm": message.dm_key}
    return AuditLog(
        actor="system",
        action=f"safety.{verdict.action.label}",
        target=f"message:{message.id}",
        detail=verdict.to_json()
        | where
        | {
            "message": message.id,  # the target becomes the case when a report is filed
            "sender": message.sender_id,
            "rule": verdict.rule or "",
            "evidence": [str(e)[:100] for e in verdict.evidence[:MAX_EVIDENCE]],
        },
        ts=now,
    )
