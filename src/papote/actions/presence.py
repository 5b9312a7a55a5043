"""Presence: coming online, lingering after a disconnect, going offline.

A person is online while any node holds a connection of theirs. When their last
connection closes, offline is announced only after ``presence_linger_s`` (a page
reload or a network blip is not a departure). Their token stays valid for
``resume_grace_s`` after that, so a reconnecting client keeps its pseudo.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from papote.actions.services import Services
from papote.actions.session import SessionUser
from papote.realtime.broker import Envelope
from papote.realtime.connection import Connection
from papote.store import rooms, users

log = logging.getLogger(__name__)


async def do_come_online(svc: Services, session: SessionUser, conn: Connection) -> None:
    timer = svc.linger.pop(session.id, None)
    if timer is not None:
        timer.cancel()
    control = {"op": "online", "node": svc.node, "user": session.public.to_json()}
    await svc.broker.publish(Envelope("presence", sender=session.id, control=control))
    await users.touch_grouped(svc.db, session.id, now=svc.clock())


async def do_disconnect(svc: Services, conn: Connection) -> None:
    remaining = svc.hub.detach(conn)
    await conn.stop()
    if remaining:
        return
    try:
        await users.touch_grouped(svc.db, conn.user_id, now=svc.clock())
    except Exception:  # the store is down: going offline must not depend on it
        log.warning("presence: last_seen not saved", extra={"user": conn.user_id})
    if svc.settings.presence_linger_s <= 0:
        await do_go_offline(svc, conn.user_id)
        return
    loop = asyncio.get_running_loop()
    svc.linger[conn.user_id] = loop.call_later(
        svc.settings.presence_linger_s,
        lambda: loop.create_task(_linger_over(svc, conn.user_id)),
    )


async def _linger_over(svc: Services, user_id: str) -> None:
    svc.linger.pop(user_id, None)
    if not svc.hub.is_local(user_id):
        await do_go_offline(svc, user_id)


async def do_go_offline(svc: Services, user_id: str, *, close_connections: bool = False) -> None:
    """This node no longer holds the user; if no node does, they leave their rooms."""
    timer = svc.linger.pop(user_id, None)
    if timer is not None:
        timer.cancel()
    user = svc.hub.directory.get(user_id)
    if close_connections:
        await svc.broker.publish(Envelope("nodes", control={"op": "close", "user_id": user_id}))
    if user is None:
        return
    # Leaving for good (DELETE session) takes the user off every node; otherwise only
    # off this one. Each envelope carries the frame: a hub sends it only once the user
    # is held by no node any more, so it goes out exactly once.
    nodes = {svc.node}
    if close_connections:
        nodes |= set(svc.hub.nodes_of.get(user_id, ()))
    for node in nodes:
        control = {"op": "offline", "node": node, "user_id": user_id}
        await svc.broker.publish(Envelope("presence", sender=user_id, control=control))
    if not svc.hub.is_online(user_id):
        await rooms.remove_all_memberships(svc.db, user_id)


async def run_heartbeat(svc: Services) -> None:
    """Keep local sessions alive in the database; end sessions idle past their grace."""
    grace_ms = int(svc.settings.resume_grace_s * 1000)
    while True:
        await asyncio.sleep(svc.settings.heartbeat_s)
        try:
            now = svc.clock()
            await users.touch(svc.db, list(svc.hub.conns), now=now)
            # a session idle past the grace period (and its heartbeat) has ended
            ended = await users.expire_stale(
                svc.db, now=now, idle_ms=grace_ms + int(svc.settings.heartbeat_s * 2000)
            )
            for user_id in ended:
                user = svc.hub.directory.get(user_id)
                if user is None or svc.hub.is_local(user_id):
                    continue
                for node in tuple(svc.hub.nodes_of.get(user_id, ())):
                    control = {"op": "offline", "node": node, "user_id": user_id}
                    await svc.broker.publish(Envelope("presence", sender=user_id, control=control))
        except Exception:
            log.exception("heartbeat failed")


def cancel_timers(svc: Services) -> None:
    for timer in svc.linger.values():
        with contextlib.suppress(Exception):
            timer.cancel()
    svc.linger.clear()
