"""Sanctions: one verb that decides, writes, and reaches the person on every node.

A decision is stored with its statement of reasons (moderation/statements.py) and its
EU transparency fields, in one transaction with its case event and audit entry; then
its effects go out as broker envelopes, so every node applies them at once: a mute sets
``muted_until`` in the live sessions, a kick takes the person out of the room, a ban
or a suspension closes their sockets. A ban falls on the person: their session and
their browser (its cookie key); their address prefix and device only become signals
that raise a challenge at entry (actions/entry_bans.py), never a refusal of the people
who share them. Every sanction can be undone (``do_undo``), by staff or by an appeal.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from papote.actions.entry_bans import ban_keys, signal_rows
from papote.actions.errors import ActionError
from papote.actions.legal import on_legal_case
from papote.actions.outbox import tell_person
from papote.actions.release import GIVEN_BACK, deliver_again, tell_removed
from papote.actions.room_state import publish_room_state
from papote.actions.services import Services
from papote.moderation.statements import Decision, sor_fields, statement_fr, when_fr
from papote.realtime.broker import Envelope
from papote.realtime.events import MemberEvent, NoticeEvent, SanctionEvent, encode
from papote.store import messages
from papote.store import rooms as room_store
from papote.store import sanctions as sanction_store
from papote.store.cases import new_id
from papote.store.models import AuditLog, Case, CaseEvent, Message, Sanction
from papote.store.sanctions import SanctionWrite, UndoWrite

log = logging.getLogger(__name__)
PERSON_ACTIONS = ("dismiss", "warn", "delete", "mute", "kick", "ban", "suspend")
SUSPENSION_MS = 30 * 86_400_000  # a suspension pending review lasts at most this long
CLOSE_BANNED = 4003
LIFTED_FR = {
    "mute": "Ta mise en sourdine est levée\u00a0: tu peux de nouveau écrire.",
    "kick": "Ton exclusion du salon est levée\u00a0: tu peux y revenir.",
    "warn": "L'avertissement que tu as reçu a été retiré.",
    "delete": "La suppression de ton message a été annulée.",
    "ban": "Ton bannissement est levé\u00a0: tu peux de nouveau utiliser Papote.",
    "suspend": "Ta suspension est levée\u00a0: tu peux de nouveau utiliser Papote.",
}


@dataclass(slots=True)
class SanctionSpec:
    """What is decided, on whom, by whom."""

    action: str
    category: str
    decided_by: str
    automated: bool = False
    user_id: str | None = None
    message: Message | None = None
    case: Case | None = None
    duration_ms: int | None = None
    note: str = ""
    room_id: str | None = None
    source: str = "voluntary"  # voluntary | notice | trusted_flagger


def _room_name(svc: Services, room_id: str | None) -> str | None:
    room = svc.rooms.get(room_id) if room_id else None
    return room.name if room else None


def facts_fr(svc: Services, spec: SanctionSpec) -> str:
    message = spec.message
    if message is not None:
        where = (
            f"dans le salon « {_room_name(svc, message.room_id)} »"
            if message.room_id
            else "dans une conversation privée"
        )
        text = message.text if len(message.text) <= 300 else message.text[:300] + "…"
        return f"ton message envoyé {when_fr(message.ts)} {where}\u00a0: « {text} »."
    if spec.case is not None and spec.case.reports:
        n = spec.case.reports
        return f"ton comportement sur Papote a fait l'objet de {n} signalement{'s' * (n > 1)}."
    return ""


def _until(spec: SanctionSpec, now: int) -> int | None:
    if spec.action == "suspend":
        return now + (spec.duration_ms or SUSPENSION_MS)
    if spec.action not in ("dismiss", "warn", "delete") and spec.duration_ms is not None:
        return now + spec.duration_ms
    return None


async def do_sanction(svc: Services, spec: SanctionSpec) -> Sanction:
    """Decide, store (with the case event and the audit entry), then take effect."""
    now = svc.clock()
    until = _until(spec, now)
    sanction_id = new_id("s")
    personal = spec.action in PERSON_ACTIONS and spec.action != "dismiss"
    room_id = spec.room_id or (spec.message.room_id if spec.message else None)
    decision = Decision(
        spec.action,
        spec.category,
        now,
        until,
        facts_fr(svc, spec),
        spec.automated,
        _room_name(svc, room_id),
    )
    content_type = "image" if spec.message is not None and spec.message.media_id else "text"
    sanction = Sanction(
        id=sanction_id,
        case_id=spec.case.id if spec.case else None,
        user_id=spec.user_id,
        room_id=room_id if spec.action == "kick" or spec.action.startswith("room_") else None,
        message_id=spec.message.id if spec.message else None,
        action=spec.action,
        category=spec.category,
        until=until,
        statement=statement_fr(decision) if personal else "",
        sor=sor_fields(decision, puid=sanction_id, content_type=content_type, source=spec.source)
        if personal
        else {},
        automated=spec.automated,
        decided_by=spec.decided_by,
        created_at=now,
    )
    write = SanctionWrite(
        sanction=sanction,
        entry=AuditLog(
            actor=spec.decided_by,
            action=f"sanction.{spec.action}",
            target=f"user:{spec.user_id}" if spec.user_id else f"case:{sanction.case_id}",
            detail={
                "sanction": sanction_id,
                "case": sanction.case_id,
                "category": spec.category,
                "until": until,
                "automated": spec.automated,
            },
            ts=now,
        ),
        report_status="dismissed" if spec.action == "dismiss" else "upheld",
    )
    if spec.case is not None:
        write.event = CaseEvent(
            kind="action",
            actor=spec.decided_by,
            data={
                "action": spec.action,
                "reason": spec.category,
                "sanction": sanction_id,
                "until": until,
                "note": spec.note,
            },
            ts=now,
        )
        write.close_case = spec.action != "suspend"  # a suspension waits for a human
    held = spec.message is not None and spec.message.state == "held"
    if spec.action == "delete" or (spec.action in ("ban", "suspend") and spec.message):
        write.message_state = "removed"
    if held:  # a message kept for review: published if found fine, never otherwise
        write.message_state = "delivered" if spec.action == "dismiss" else "removed"
    if spec.message is not None:
        sanction.message_state_before = spec.message.state
    if spec.action in ("ban", "suspend") and spec.user_id:
        write.user_status = "banned" if spec.action == "ban" else "suspended"
        write.bans = await ban_keys(svc, spec.user_id, sanction)
        write.signals = await signal_rows(svc, spec.user_id, now)
    await _record_and_reach(svc, write)
    await _after_commit(svc, sanction)
    if held and spec.message is not None:
        if spec.action == "dismiss":
            await deliver_again(svc, spec.message.id, was_held=True)
        else:
            await tell_removed(svc, spec.message, spec.category)
    if spec.case is not None and spec.action != "dismiss":
        await on_legal_case(svc, spec.case, sanction)
    return sanction


def _sanction_frame(sanction: Sanction, action: str) -> str:
    room = sanction.room_id or "" if action == "kick" else ""
    event = SanctionEvent(action, sanction.until, sanction.category, sanction.statement, room)  # type: ignore[arg-type]
    return event.encode()


async def _session_fields(
    svc: Services, user_id: str, fields: dict[str, Any], frame: str = ""
) -> None:
    control = {"op": "session", "user_id": user_id, "fields": fields}
    await svc.broker.publish(Envelope(f"user:{user_id}", frame, control=control))


async def remove_from_room(svc: Services, user_id: str, room_id: str) -> None:
    """Take a person out of a room on every node (member_left to the others)."""
    await room_store.remove_member(svc.db, room_id, user_id)
    user = svc.hub.directory.get(user_id)
    count = max(svc.hub.member_count(room_id) - 1, 0)
    frame = MemberEvent(False, room_id, user, count).encode() if user else ""
    control = {"op": "leave", "room": room_id, "user_id": user_id}
    await svc.broker.publish(
        Envelope(f"room:{room_id}", frame, sender=user_id, echo=False, control=control)
    )


async def _record_and_reach(svc: Services, write: SanctionWrite) -> None:
    """Store the decision and reach the person while its commit is under way.

    The person's frame and the enforcement on every node (``_reach_person``) are
    published once the transaction's rows are flushed and its commit started, so the
    durable commit (an fsync with SQLite's ``synchronous=FULL``) is not in front of the
    frame. The commit is then awaited: if it fails, what was published is reversed on
    every node (the sanction lifted, the person told) and the moderator gets
    ``not_recorded``; no sanction stands without its record, statement and audit entry.
    """
    sanction = write.sanction
    if sanction.user_id is None or sanction.action not in PERSON_ACTIONS[1:]:
        await sanction_store.apply(svc.db, write)  # nobody's screen waits for it
        return
    reached = False

    async def reach() -> None:
        nonlocal reached
        reached = True
        await _reach_person(svc, sanction)

    try:
        await sanction_store.apply(svc.db, write, reach)
    except Exception as exc:
        log.error(
            "sanction %s (%s on %s) not recorded, reversing it: %r",
            sanction.id,
            sanction.action,
            sanction.user_id,
            exc,
        )
        await _reverse_unrecorded(svc, sanction)
        raise ActionError("not_recorded", status=503) from exc


async def _reverse_unrecorded(svc: Services, sanction: Sanction) -> None:
    """A published sanction whose commit failed: lifted everywhere, the person told.
    Each step is tried even if another fails (the database may be the broken part)."""
    for step in (_lift, _tell_lifted):
        try:
            await step(svc, sanction)
        except Exception:
            log.exception("reversing unrecorded sanction %s: %s failed", sanction.id, step)


async def _after_commit(svc: Services, sanction: Sanction) -> None:
    """What follows the person's frame once the decision is committed: a kick's room
    departures and a takedown each cost a database round trip."""
    if sanction.message_id and sanction.action in ("delete", "ban", "suspend"):
        await takedown(svc, sanction.message_id)
    if sanction.user_id and sanction.action == "kick":
        user_id = sanction.user_id
        rooms = [sanction.room_id] if sanction.room_id else sorted(svc.hub.rooms_of_user(user_id))
        for room_id in rooms:
            await remove_from_room(svc, user_id, room_id)


async def _reach_person(svc: Services, sanction: Sanction) -> None:
    user_id = sanction.user_id
    action = sanction.action
    if user_id is None or action == "dismiss":
        return
    if action in ("warn", "delete"):
        frame = NoticeEvent(sanction.statement, level="warning", key=f"sanction:{sanction.id}")
        await svc.broker.publish(Envelope(f"user:{user_id}", frame.encode()))
    elif action == "mute":
        await _session_fields(
            svc,
            user_id,
            {"muted_until": sanction.until or 2**62},
            _sanction_frame(sanction, "mute"),
        )
    elif action == "kick":
        await svc.broker.publish(Envelope(f"user:{user_id}", _sanction_frame(sanction, "kick")))
    elif action in ("ban", "suspend"):
        status = "banned" if action == "ban" else "suspended"
        await _session_fields(svc, user_id, {"status": status})
        close = {"op": "close", "user_id": user_id, "code": CLOSE_BANNED, "reason": status}
        await svc.broker.publish(
            Envelope(f"user:{user_id}", _sanction_frame(sanction, action), control=close)
        )


async def takedown(svc: Services, message_id: str) -> None:
    """Remove a message from every screen at once (the rows already say ``removed``)."""
    message = await messages.get(svc.db, message_id)
    if message is None:
        return
    if message.room_id is not None:
        frame = encode({"type": "message_removed", "id": message.id, "room": message.room_id})
        await svc.broker.publish(Envelope(f"room:{message.room_id}", frame))
        return
    for viewer, other in (
        (message.sender_id, message.recipient_id),
        (message.recipient_id, message.sender_id),
    ):
        if viewer:
            frame = encode({"type": "message_removed", "id": message.id, "dm": other})
            await svc.broker.publish(Envelope(f"user:{viewer}", frame))


# -- undo ----------------------------------------------------------------------------


async def do_undo(
    svc: Services, sanction_id: str, *, by: str, note: str = "", why: str = "undo"
) -> Sanction | None:
    """Reverse a sanction everywhere; None if it does not exist or was already undone."""
    sanction = await sanction_store.get(svc.db, sanction_id)
    if sanction is None or sanction.revoked_at is not None:
        return None
    now = svc.clock()
    undo = UndoWrite(
        sanction_id=sanction.id,
        by=by,
        now=now,
        entry=AuditLog(
            actor=by,
            action=f"sanction.{why}",
            target=f"user:{sanction.user_id}" if sanction.user_id else f"room:{sanction.room_id}",
            detail={"sanction": sanction.id, "action": sanction.action, "note": note[:200]},
            ts=now,
        ),
        event=CaseEvent(
            kind="decision" if why == "overturn" else "undone",
            actor=by,
            data={"sanction": sanction.id, "action": sanction.action, "note": note},
            ts=now,
        ),
    )
    if sanction.action in ("ban", "suspend"):
        undo.user_status = "active"
        undo.ban_keys = [b.key for b in await ban_keys(svc, sanction.user_id or "", sanction)]
    # The message comes back if this decision took it (not if the safety engine had
    # already refused it: that refusal stands).
    give_back = (
        sanction.message_id is not None
        and sanction.action in ("delete", "ban", "suspend")
        and sanction.message_state_before in (*GIVEN_BACK, None)
    )
    if give_back:
        undo.message_state = "delivered"
    if sanction.action.startswith("room_"):
        undo.room_id = sanction.room_id
    revoked = await sanction_store.revoke(svc.db, undo)
    if revoked is None:
        return None
    await _lift(svc, revoked)
    given_back = False
    if give_back and revoked.message_id:
        given_back = await deliver_again(
            svc, revoked.message_id, was_held=revoked.message_state_before == "held"
        )
    # The person is told, in their notices: live if connected, else at their next
    # connection. An appeal's answer already says it (actions/appeals.py), and a message
    # given back is told on the message itself (actions/release.py).
    if why != "overturn" and not (given_back and revoked.action == "delete"):
        await _tell_lifted(svc, revoked)
    return revoked


async def _lift(svc: Services, sanction: Sanction) -> None:
    user_id = sanction.user_id
    if sanction.action.startswith("room_") and sanction.room_id:
        await publish_room_state(svc, sanction.room_id, None)
        return
    if user_id is None:
        return
    if sanction.action == "mute":  # another mute may still run
        try:
            still = await muted_until(svc, user_id)
        except Exception:
            log.exception("lifting mute %s: its other mutes unread", sanction.id)
            still = 0
        await _session_fields(svc, user_id, {"muted_until": still})
    elif sanction.action in ("ban", "suspend"):
        await _session_fields(svc, user_id, {"status": "active"})


async def _tell_lifted(svc: Services, sanction: Sanction) -> None:
    text = LIFTED_FR.get(sanction.action)
    if sanction.user_id is None or text is None:
        return
    frame = NoticeEvent(text, level="info", key=f"lifted:{sanction.id}").encode()
    # kept for their next connection as well: a banned person's sockets were closed, and
    # the directory lists anyone for 15 s after their last socket (the page shows one
    # notice per key, so a second copy changes nothing)
    await tell_person(svc, sanction.user_id, frame, keep=True)


async def muted_until(svc: Services, user_id: str) -> int:
    """For a session coming back: the end of its active mute (0 if none)."""
    active = await sanction_store.active_of_user(svc.db, user_id, svc.clock())
    return max((s.until or 2**62 for s in active if s.action == "mute"), default=0)
