"""Giving back what a decision kept from view: a held message a moderator found fine
(``dismiss``), a message whose removal is undone (by staff or an appeal).

The message goes to its conversation as it would have at first (the room, or both sides
of the private conversation, through the broker so every node delivers it and blocks
still apply), and its sender is told on the message itself (a ``notice`` with
``message_id`` and ``outcome``, docs/protocol.md). It is given back only when that
makes sense: the sender is not barred from Papote, the room still exists, and the
message was seen (or held for review) before the decision; a message the safety engine
refused stays refused.
"""

from __future__ import annotations

from papote.actions.outbox import tell_person
from papote.actions.services import Services
from papote.actions.views import message_view
from papote.moderation.statements import rule_fr
from papote.realtime.broker import Envelope
from papote.realtime.events import MessageEvent, NoticeEvent
from papote.store import messages, users
from papote.store.models import Message

PUBLISHED_FR = "Un modérateur a vérifié ton message\u00a0: il est publié."
RESTORED_FR = "Ton message a été rétabli\u00a0: les autres le voient de nouveau."
REMOVED_FR = "Un modérateur a relu ton message\u00a0: il n'est pas publié."
GIVEN_BACK = ("delivered", "held")  # states before a decision that undoing gives back


async def _fate(svc: Services, message: Message, text: str, outcome: str, reason: str = "") -> None:
    """Told on the message itself: now if the sender is connected, and at their next
    connection too (the directory lists a person for 15 s after their last socket
    closed; their page keeps its held messages across reloads, and a second notice
    about the same message changes nothing)."""
    other = message.recipient_id if message.dm_key else ""
    notice = NoticeEvent(
        text,
        level="info" if outcome == "published" else "warning",
        key=f"held:{message.id}",
        dm=other or "",
        message_id=message.id,
        outcome=outcome,
        reason=reason,
    )
    await tell_person(svc, message.sender_id, notice.encode(), keep=True)


async def tell_removed(svc: Services, message: Message, category: str) -> None:
    """The sender of a held message learns it will not be published, and why."""
    await _fate(svc, message, REMOVED_FR, "removed", reason=rule_fr(category))


async def deliver_again(svc: Services, message_id: str, *, was_held: bool) -> bool:
    """Publish a stored message that is ``delivered`` again; False when it is not given
    back (gone, still kept, its sender barred, its room closed for good)."""
    message = await messages.get(svc.db, message_id)
    if message is None or message.state != "delivered":
        return False
    sender = await users.by_id(svc.db, message.sender_id)
    if sender is None or sender.status != "active":
        return False
    if message.room_id is not None:
        if message.room_id not in svc.rooms:
            return False
        frame = MessageEvent(message_view(message)).encode()
        await svc.broker.publish(Envelope(f"room:{message.room_id}", frame, sender=sender.id))
    elif message.recipient_id is not None and message.dm_key is not None:
        recipient = message.recipient_id
        answered = await messages.has_written(svc.db, message.dm_key, recipient)
        seen = message_view(message, viewer=recipient, answered=answered)
        await svc.broker.publish(
            Envelope(f"user:{recipient}", MessageEvent(seen).encode(), sender=sender.id)
        )
        mine = message_view(message, viewer=sender.id)
        await svc.broker.publish(Envelope(f"user:{sender.id}", MessageEvent(mine).encode()))
    else:
        return False
    await _fate(svc, message, PUBLISHED_FR if was_held else RESTORED_FR, "published")
    return True
