"""A room seen live by a moderator (the console's "Salons" view): who is in it, what is
said (held and removed messages too, marked), and its mode. Pushed to the console as
server-sent events (``room_stream``): every envelope the node receives for the room
wakes its live views (``observe``), which send the new messages since the last one
seen; a held message, which the broker never carries, shows within ``SWEEP_S``. The
same view can be read once (``watch_room``, with ``after``, the last message id seen).
Opening a room's view is audited (reading is an act too); the updates that follow are
not, or the log would fill with them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import orjson

from papote.actions.cases import message_json
from papote.actions.errors import ActionError
from papote.actions.room_state import current
from papote.actions.services import Services
from papote.actions.staff import StaffUser
from papote.realtime.broker import Envelope
from papote.store import audit, messages
from papote.store import sanctions as sanction_store
from papote.store.models import AuditLog

MAX_MEMBERS = 500


def list_rooms(svc: Services) -> dict[str, Any]:
    """Every room with its member count and mode, the busiest first."""
    rooms = sorted(svc.rooms.values(), key=lambda r: (-svc.hub.member_count(r.id), r.name))
    out = []
    for room in rooms:
        mode = current(svc, room.id)
        out.append(
            {
                "id": room.id,
                "name": room.name,
                "kind": room.kind,
                "member_count": svc.hub.member_count(room.id),
                "mode": mode.mode if mode else "open",
            }
        )
    return {"rooms": out}


async def watch_room(
    svc: Services, staff: StaffUser, room_id: Any, after: str | None
) -> dict[str, Any]:
    room = svc.rooms.get(room_id) if isinstance(room_id, str) else None
    if room is None:
        raise ActionError("not_found", "Ce salon n'existe pas.", status=404)
    if after is not None and (len(after) > 40 or not (after.isalnum() or after == "")):
        raise ActionError("bad_request", "« after »\u00a0: l'id du dernier message vu.")
    if after is None:  # opening the view (a refresh sends after, empty if nothing seen)
        await audit.append(
            svc.db,
            AuditLog(
                actor=staff.name,
                action="room.watch",
                target=f"room:{room.id}",
                detail={},
                ts=svc.clock(),
            ),
        )
    feed = await messages.room_feed(svc.db, room.id, after=after or None)
    member_ids = sorted(svc.hub.members.get(room.id, set()))[:MAX_MEMBERS]
    members = [svc.hub.directory[m].to_json() for m in member_ids if m in svc.hub.directory]
    members.sort(key=lambda u: str(u["pseudo"]).lower())
    mode = current(svc, room.id)
    state_row = next(
        (r for r in await sanction_store.room_states(svc.db) if r.room_id == room.id), None
    )
    return {
        "room": {
            "id": room.id,
            "name": room.name,
            "member_count": svc.hub.member_count(room.id),
            "mode": mode.mode if mode else "open",
            "until": mode.until if mode else None,
            "sanction_id": state_row.sanction_id if state_row and mode else None,
        },
        "members": members,
        "messages": [message_json(m) for m in feed],
        "last": feed[-1].id if feed else (after or ""),
    }


# -- pushed to the console (server-sent events) ------------------------------------

WATCHERS = "room_watchers"  # key in svc.extras: room id -> the queues of its live views
KEEPALIVE_S = 15.0  # a comment line this often keeps proxies from closing the stream
SWEEP_S = 10.0  # held messages reach nobody through the broker: looked for this often
COALESCE_S = 0.05  # envelopes arriving together give one update


@dataclass(frozen=True, slots=True)
class Change:
    """What the broker said about a watched room: something new, or a message removed."""

    removed: str = ""


def _watchers(svc: Services) -> dict[str, set[asyncio.Queue[Change]]]:
    found: dict[str, set[asyncio.Queue[Change]]] = svc.extras.setdefault(WATCHERS, {})
    return found


def observe(svc: Services, envelope: Envelope) -> None:
    """Every envelope this node receives passes here (app.py wraps the hub's handler):
    a room's live views learn that it changed. Cheap when nobody watches."""
    watchers = _watchers(svc)
    if not watchers:
        return
    room = envelope.target[5:] if envelope.target.startswith("room:") else None
    control = envelope.control or {}
    if room is None and control.get("op") == "room_state":
        room = str(control.get("room"))
    queues = watchers.get(room or "")
    if not queues:
        return
    change = Change()
    if '"message_removed"' in envelope.frame[:40]:
        change = Change(removed=str(orjson.loads(envelope.frame).get("id", "")))
    for queue in queues:
        queue.put_nowait(change)


def _shape(view: dict[str, Any]) -> tuple[Any, ...]:
    """What a sweep compares: the room's state and who is in it."""
    return (view["room"], [m["id"] for m in view["members"]])


async def room_stream(
    svc: Services, staff: StaffUser, room_id: Any, *, still_allowed: Callable[[], Awaitable[bool]]
) -> AsyncGenerator[tuple[str, dict[str, Any]] | None, None]:
    """The live view of a room, pushed: ``("room", view)`` at once (audited, as opening
    the view is), then ``("room", delta)`` with the new messages each time the room
    changes, ``("removed", {"id"})`` when a message is taken down, and None (keep-alive)
    when nothing happened for ``KEEPALIVE_S``. Ends when ``still_allowed`` says the staff
    session ended."""
    view = await watch_room(svc, staff, room_id, None)
    room = view["room"]["id"]
    last = view["last"]
    seen = _shape(view)
    queue: asyncio.Queue[Change] = asyncio.Queue()
    _watchers(svc).setdefault(room, set()).add(queue)
    try:
        yield "room", view
        loop = asyncio.get_running_loop()
        quiet_since = swept = loop.time()
        while True:
            try:
                changes = [await asyncio.wait_for(queue.get(), SWEEP_S)]
            except TimeoutError:
                changes = []
            await asyncio.sleep(COALESCE_S)
            while not queue.empty():
                changes.append(queue.get_nowait())
            for change in changes:
                if change.removed:
                    yield "removed", {"id": change.removed}
            now = loop.time()
            if changes or now - swept >= SWEEP_S:
                swept = now
                delta = await watch_room(svc, staff, room, last)
                if delta["messages"] or changes or _shape(delta) != seen:
                    last, seen = delta["last"], _shape(delta)
                    quiet_since = now
                    yield "room", delta
            if now - quiet_since >= KEEPALIVE_S:
                if not await still_allowed():
                    return
                quiet_since = now
                yield None
    finally:
        queues = _watchers(svc).get(room, set())
        queues.discard(queue)
        if not queues:
            _watchers(svc).pop(room, None)
