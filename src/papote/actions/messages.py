"""Sending: ``say`` in a room, ``dm`` to a person; and reading history.

Order of a send: validate (writes nothing) -> rate limit -> safety pipeline ->
store and commit (durable) -> ack -> fan-out, the frame encoded once.
See docs/architecture.md#sending-a-message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from prometheus_client import Counter

from papote import ids
from papote.actions.draft import Draft
from papote.actions.errors import ActionError, Rejected
from papote.actions.media import (
    Attachment,
    check_attachment,
    check_attachment_in_dm,
    check_attachment_in_room,
)
from papote.actions.minors import guard_new_dm
from papote.actions.moderation import judge
from papote.actions.room_state import check_may_speak
from papote.actions.rooms import check_can_see
from papote.actions.services import Services
from papote.actions.session import SessionUser
from papote.actions.views import message_view
from papote.realtime.broker import Envelope
from papote.realtime.events import MessageEvent, MessageView
from papote.safety.context import MessageContext, Participant
from papote.safety.verdict import Action, Category, Verdict
from papote.store import messages, social, users
from papote.store.models import Message, User

MESSAGES_IN = Counter(
    "papote_messages_total", "Messages sent, by channel and outcome", ["channel", "outcome"]
)
HISTORY_MAX = 100
NEW_DM_WINDOW_MS = 10 * 60 * 1000


def check_text(svc: Services, text: Any, *, with_image: bool = False) -> str:
    """The text, stripped; it may be empty only when an image goes with it."""
    if text is None and with_image:
        return ""
    if not isinstance(text, str):
        raise ActionError("bad_frame")
    stripped: str = text.strip()
    if not stripped and not with_image:
        raise Rejected("empty")
    if len(stripped) > svc.settings.max_text:
        raise Rejected("text_too_long")
    return stripped


def _participant(session: SessionUser) -> Participant:
    return Participant(
        id=session.id,
        age=session.age,
        verified_adult=session.verified_adult,
        possibly_minor=session.possibly_minor,
        since=session.created_at,
    )


def _check_can_speak(svc: Services, session: SessionUser) -> None:
    if session.status != "active":
        raise Rejected("suspended")
    if session.muted_until > svc.clock():
        raise Rejected("muted")


def _new_message(
    svc: Services, session: SessionUser, text: str, image: Attachment | None, **where: Any
) -> Message:
    return Message(
        id=svc.ids.next(),
        sender_id=session.id,
        sender=session.public.to_json(),
        text=text,
        ts=svc.clock(),
        state="delivered",
        media_id=image.id if image else None,
        media_info=image.info() if image else None,
        veiled=False,
        **where,
    )


def _ignore(_view: MessageView) -> None:
    return None


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A ``say`` or ``dm`` as it came from the edge."""

    text: Any
    confirm: Any = None  # the token of a warned message sent anyway
    ip_hash: str = ""  # hashed address of the sender's connection (evidence)
    media: Any = None  # id of an uploaded image
    on_stored: Callable[[MessageView], None] = _ignore  # runs once durable, before fan-out


async def _judge(svc: Services, session: SessionUser, draft: Draft, out: Outgoing) -> Verdict:
    """Rate limit, then the safety pipeline; raises Rejected unless it may be delivered."""
    channel = draft.ctx.channel
    try:
        if not await svc.limits.hit("say" if channel == "room" else "dm", session.id):
            raise Rejected("rate_limited")
        return await judge(
            svc, session, Draft(draft.message, draft.ctx, out.confirm), ip_hash=out.ip_hash
        )
    except Rejected as rejected:
        MESSAGES_IN.labels(channel, rejected.code).inc()
        raise


async def _store(svc: Services, session: SessionUser, draft: Draft, out: Outgoing) -> MessageView:
    """Durable commit, then the ack callback."""
    await messages.insert(svc.db, draft.message)  # durable before the ack
    view = message_view(draft.message, viewer=session.id)
    out.on_stored(view)
    MESSAGES_IN.labels(draft.ctx.channel, "delivered").inc()
    return view


def _explicit_sent_anyway(verdict: Verdict) -> bool:
    """Explicit words the sender confirmed after the warning (the veil's trigger)."""
    return verdict.action is Action.WARN and Category.SEXUAL_CONTENT in verdict.categories


async def do_say(svc: Services, session: SessionUser, room_id: Any, out: Outgoing) -> MessageView:
    """Send to a room: every member, the sender included, gets the same encoded frame."""
    room = check_can_see(svc, session, room_id)
    text = check_text(svc, out.text, with_image=out.media is not None)
    if not svc.hub.is_member(room.id, session.id):
        raise Rejected("not_member")
    _check_can_speak(svc, session)
    check_may_speak(svc, session, room.id)  # room locked or in slow mode
    image = await check_attachment(svc, session, out.media)
    check_attachment_in_room(room, image)
    message = _new_message(svc, session, text, image, room_id=room.id)
    ctx = MessageContext(
        text=text,
        channel="room",
        sender=_participant(session),
        room=room.id,
        room_adult=room.adult,
        conversation=f"room:{room.id}",
        ts=message.ts,
    )
    await _judge(svc, session, Draft(message, ctx), out)
    view = await _store(svc, session, Draft(message, ctx), out)
    # one frame for every member: an explicit image blurred in it (the ack is the
    # sender's own view)
    seen = message_view(message, members=True) if image is not None else view
    await svc.broker.publish(
        Envelope(f"room:{room.id}", MessageEvent(seen).encode(), sender=session.id)
    )
    return view


async def _check_dm_allowed(
    svc: Services, session: SessionUser, recipient: User, *, new_conversation: bool
) -> None:
    if await social.either_blocks(svc.db, session.id, recipient.id):
        raise Rejected("blocked")
    if recipient.status != "active":
        raise ActionError("unknown_user")
    await guard_new_dm(svc, session, recipient, new_conversation)
    if not new_conversation:
        return
    prefs: dict[str, Any] = recipient.dm_prefs or {}
    refused = (
        prefs.get("accept") == "none"
        or session.gender not in prefs.get("genders", [session.gender])
        or not (prefs.get("age_min", 0) <= session.age <= prefs.get("age_max", 200))
        or (prefs.get("verified_only") and not session.verified_adult)
        or (prefs.get("only_shared_rooms") and not svc.hub.share_a_room(session.id, recipient.id))
    )
    if refused:
        raise Rejected("dm_refused")
    now = svc.clock()
    window_start = now - NEW_DM_WINDOW_MS
    limit = svc.settings.dm_new_per_10min
    if session.created_at > window_start:  # a newcomer gets fewer: windows must not flood in
        limit = min(limit, svc.settings.dm_new_per_10min_newcomer)
    opened = await social.opened_since(svc.db, session.id, window_start)
    if opened >= limit:
        raise Rejected("too_many_new_dms")


async def do_dm(svc: Services, session: SessionUser, to: Any, out: Outgoing) -> MessageView:
    """Send a private message, after the blocks, preferences and minors' protections."""
    if not isinstance(to, str):
        raise ActionError("bad_frame")
    text = check_text(svc, out.text, with_image=out.media is not None)
    if to == session.id:
        raise Rejected("dm_self")
    recipient = await users.by_id(svc.db, to)
    if recipient is None or recipient.ended_at is not None:
        raise ActionError("unknown_user")
    _check_can_speak(svc, session)
    key = ids.dm_key(session.id, recipient.id)
    new_conversation = not await social.contact_exists(svc.db, key)
    await _check_dm_allowed(svc, session, recipient, new_conversation=new_conversation)
    image = await check_attachment(svc, session, out.media)
    message = _new_message(svc, session, text, image, dm_key=key, recipient_id=recipient.id)
    ctx = MessageContext(
        text=text,
        channel="dm",
        sender=_participant(session),
        recipient=Participant(
            id=recipient.id,
            age=recipient.age,
            verified_adult=recipient.verified_adult,
            possibly_minor=recipient.possibly_minor,
            since=recipient.created_at,
        ),
        conversation=f"dm:{key}",
        first_contact=new_conversation,
        ts=message.ts,
    )
    verdict = await _judge(svc, session, Draft(message, ctx), out)
    await check_attachment_in_dm(svc, session, recipient, image)  # after judging: the quota
    answered = True  # whether the recipient has written in this conversation
    if image is not None or _explicit_sent_anyway(verdict):
        answered = not new_conversation and await messages.has_written(svc.db, key, recipient.id)
        message.veiled = _explicit_sent_anyway(verdict) and not answered
    view = await _store(svc, session, Draft(message, ctx), out)
    if new_conversation:
        await social.open_contact(svc.db, key, session.id, now=message.ts)
    # the recipient sees dm = sender's id, the image blurred unless they answered; the
    # sender's other tabs see dm = recipient's id
    seen = message_view(message, viewer=recipient.id, answered=answered)
    await svc.broker.publish(
        Envelope(f"user:{recipient.id}", MessageEvent(seen).encode(), sender=session.id)
    )
    await svc.broker.publish(Envelope(f"user:{session.id}", MessageEvent(view).encode()))
    svc.hub.presence.add_peer(session.id, recipient.id)  # the sender hears of their presence
    return view


async def history(
    svc: Services,
    session: SessionUser,
    *,
    room_id: Any = None,
    with_user: Any = None,
    before: Any = None,
    after: Any = None,
    limit: Any = None,
) -> list[dict[str, Any]]:
    """A page of a conversation the session may see, oldest first (see docs/protocol.md)."""
    if limit is None:
        limit = 50
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= HISTORY_MAX:
        raise ActionError("bad_frame", "« limit » doit être un entier de 1 à 100.")
    if any(cursor is not None and not isinstance(cursor, str) for cursor in (before, after)):
        raise ActionError("bad_frame")
    cursors = {"before": before, "after": after, "limit": limit}
    blocked = svc.hub.blocks.get(session.id, set())
    answered = False
    if room_id is not None:
        room = check_can_see(svc, session, room_id)
        rows = await messages.page(svc.db, room_id=room.id, **cursors)
    elif isinstance(with_user, str):
        key = ids.dm_key(session.id, with_user)
        rows = await messages.page(svc.db, dm_key=key, **cursors)
        if svc.hub.is_online(with_user):  # an open private tab: its presence is followed
            svc.hub.presence.add_peer(session.id, with_user)
        if any(m.media_id or m.veiled for m in rows):
            answered = await messages.has_written(svc.db, key, session.id)
    else:
        raise ActionError("bad_frame", "Indique « room » ou « with ».")
    return [
        message_view(m, viewer=session.id, answered=answered).to_json()
        for m in rows
        if m.sender_id not in blocked
    ]
