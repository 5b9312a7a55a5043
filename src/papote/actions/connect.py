"""A WebSocket's life on the actions side: hello -> welcome, and goodbye."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from papote import ids
from papote.actions.caps import do_evict, do_release_seat, do_take_seat
from papote.actions.errors import MESSAGES_FR, ActionError
from papote.actions.presence import do_come_online, do_disconnect
from papote.actions.sanctions import muted_until
from papote.actions.services import Services
from papote.actions.session import SessionUser
from papote.actions.views import own_user, room_json
from papote.realtime.connection import Connection, QueueBounds, Transport
from papote.realtime.events import encode
from papote.store import social, users
from papote.store.notices import pop_outbox


@dataclass(frozen=True, slots=True)
class Opening:
    """A connection being opened: its hashed address prefix (the caps count it), the
    bounds of its send queue (api/transport.py), and the hello's ref."""

    prefix: str
    bounds: QueueBounds
    ref: Any = None


async def do_hello(
    svc: Services, token: Any, transport: Transport, opening: Opening
) -> tuple[SessionUser, Connection]:
    """Authenticate a connection, send it ``welcome``, then announce it online."""
    if not isinstance(token, str) or not token:
        raise ActionError("invalid_token")
    user = await users.by_token(svc.db, ids.token_hash(token))
    if user is None:
        raise ActionError("invalid_token")
    if user.status in ("banned", "suspended"):
        raise ActionError("banned", MESSAGES_FR["suspended"])
    ref = opening.ref
    now = svc.clock()
    resumed = svc.hub.is_online(user.id) or now - user.last_seen > 1000
    session = svc.sessions.get(user.id)
    if session is None:
        session = SessionUser.from_row(user)
        session.muted_until = await muted_until(svc, user.id)  # a mute outlives a reconnection
        svc.sessions[user.id] = session
    blocked = await social.blocked_by(svc.db, user.id)
    seat, evict = await do_take_seat(svc, user.id, opening.prefix)
    conn = Connection(
        transport,
        user.id,
        queue_max=opening.bounds.frames,
        queue_bytes=opening.bounds.bytes,
        stall_s=opening.bounds.stall_s,
    )
    conn.seat = seat
    svc.hub.attach(conn, blocked)
    await do_evict(svc, user.id, evict)
    # A goodbye of this user's previous socket may have dropped the session while we
    # awaited: put it back, so that control envelopes (mute, ...) still reach it.
    session = svc.sessions.setdefault(user.id, session)
    welcome = {
        "type": "welcome",
        "user": own_user(user),
        "rooms": [room_json(svc, room) for room in svc.rooms.values()],
        "prefs": {"dm": session.dm_prefs},
        "resumed": resumed,
        "blocked": sorted(blocked),
        "joined": sorted(svc.hub.rooms_of_user(user.id)),
        "defaults": {"who": {"region": user.region}},
        "ref": ref,
    }
    conn.push(encode(welcome))
    for frame in await pop_outbox(svc.db, user.id):  # told while away (report outcomes...)
        conn.push(frame)
    try:
        await do_come_online(svc, session, conn)
    except BaseException:
        await do_goodbye(svc, conn)  # counted and attached: undo both
        raise
    return session, conn


async def do_goodbye(svc: Services, conn: Connection) -> None:
    seat, conn.seat = conn.seat, None  # released once, even if goodbye runs twice
    await do_release_seat(svc, seat)
    await do_disconnect(svc, conn)
    if not svc.hub.is_local(conn.user_id):
        svc.sessions.pop(conn.user_id, None)
