"""Typing signals: checked like the conversation they belong to, and coalesced.

At most one ``typing`` event per sender and conversation every ``typing_every_s``
(2.5 s; the page sends one every 3 s while someone types): the surplus is dropped
here, before any fan-out, so a flood of ``typing`` frames costs its sender's frame
budget and nobody else anything. With Redis the interval holds for the cluster (a
person with sockets on several nodes still gets one event through per interval): a
``SET NX PX`` per signal that passed this node's gate; while Redis is away, this
node's gate alone. In a room, only a member may signal (a member could
join, so could see it); to a person, only in a conversation that exists, and never
between people who block each other.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from papote import ids
from papote.actions.errors import ActionError, Rejected
from papote.actions.rooms import check_can_see
from papote.actions.services import Services
from papote.actions.session import SessionUser
from papote.realtime.broker import Envelope
from papote.realtime.events import TypingEvent
from papote.store import social

MAX_TRACKED = 50_000  # senders x conversations remembered (old ones are swept)


class TypingGate:
    """Remembers when each (sender, conversation) last signalled; memory stays bounded."""

    def __init__(self, every_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._every_s = every_s
        self._clock = clock
        self._last: dict[tuple[str, str], float] = {}

    def too_soon(self, sender: str, conversation: str) -> bool:
        last = self._last.get((sender, conversation))
        return last is not None and self._clock() - last < self._every_s

    def passed(self, sender: str, conversation: str) -> None:
        now = self._clock()
        if len(self._last) >= MAX_TRACKED:
            self._last = {k: t for k, t in self._last.items() if now - t < self._every_s}
        self._last[(sender, conversation)] = now


async def _first_in_cluster(svc: Services, sender: str, conversation: str) -> bool:
    """True unless another node forwarded this sender's signal in this interval."""
    if svc.redis is None:
        return True
    key = f"papote:typing:{sender}:{conversation}"
    try:
        return bool(
            await svc.redis.set(key, b"1", nx=True, px=int(svc.settings.typing_every_s * 1000))
        )
    except Exception:  # Redis away: this node's gate alone
        return True


def typing_gate(svc: Services) -> TypingGate:
    gate = svc.extras.get("typing_gate")
    if not isinstance(gate, TypingGate):
        gate = TypingGate(svc.settings.typing_every_s)
        svc.extras["typing_gate"] = gate
    return gate


async def do_typing(
    svc: Services, session: SessionUser, *, room_id: Any = None, to: Any = None
) -> None:
    gate = typing_gate(svc)
    if room_id is not None:
        room = check_can_see(svc, session, room_id)
        if not svc.hub.is_member(room.id, session.id):
            raise Rejected("not_member")
        if gate.too_soon(session.id, room.id):
            return
        gate.passed(session.id, room.id)
        if not await _first_in_cluster(svc, session.id, room.id):
            return
        frame = TypingEvent(session.public, room=room.id).encode()
        await svc.broker.publish(Envelope(f"room:{room.id}", frame, sender=session.id, echo=False))
        return
    if not isinstance(to, str) or to == session.id or not svc.hub.is_online(to):
        raise ActionError("unknown_user")
    if gate.too_soon(session.id, to):
        return
    gate.passed(session.id, to)
    if not await _first_in_cluster(svc, session.id, to):
        return
    key = ids.dm_key(session.id, to)
    if not await social.contact_exists(svc.db, key) or await social.either_blocks(
        svc.db, session.id, to
    ):
        return  # answers like any other typing: nothing
    frame = TypingEvent(session.public, dm=session.id).encode()
    await svc.broker.publish(Envelope(f"user:{to}", frame, sender=session.id))
