"""Frames for one person that must reach them: now if they are connected anywhere in the
cluster, otherwise at their next connection (the ``outbox`` table, emptied by
``actions/connect.py`` when a socket says hello)."""

from __future__ import annotations

from papote.actions.services import Services
from papote.realtime.broker import Envelope
from papote.store import notices as notice_store
from papote.store import sanctions as sanction_store


async def tell_person(svc: Services, user_id: str, frame: str, *, keep: bool = False) -> None:
    """Publish ``frame`` to the person if the directory lists them; keep it for their next
    connection when it does not, or always with ``keep`` (a person whose sockets are being
    closed, by a ban, may still be listed for a moment)."""
    online = svc.hub.is_online(user_id)
    if online:
        await svc.broker.publish(Envelope(f"user:{user_id}", frame))
    if keep or not online:
        await notice_store.push_outbox(svc.db, user_id, frame, svc.clock())


async def earlier_sessions(svc: Services, user_id: str, browser_key: str) -> list[str]:
    """The other sessions this browser entered with, not connected now."""
    return [
        u
        for u in await sanction_store.users_of_browser(svc.db, browser_key)
        if u != user_id and not svc.hub.is_online(u)
    ]
