"""The node's view of who is where, and local delivery of envelopes.

Every node keeps, in memory, the online directory and every room's members for
the whole cluster (fed by control envelopes from the broker), plus its own
connections. ``deliver`` is the broker's handler: it applies the envelope's state
change, then hands the already-encoded frame to the local connections it targets,
skipping people who block the sender.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from prometheus_client import Counter, Gauge

from papote.realtime.broker import Envelope
from papote.realtime.connection import Connection
from papote.realtime.events import PublicUser

log = logging.getLogger(__name__)

FRAMES_OUT = Counter("papote_frames_out_total", "Frames queued to clients", ["kind"])
CONNECTIONS = Gauge("papote_connections", "Open WebSocket connections on this node")
ONLINE = Gauge("papote_online_users", "Users online in the cluster, as this node sees it")

ControlHandler = Callable[[dict[str, Any]], None]


class Hub:
    def __init__(self) -> None:
        self.conns: dict[str, set[Connection]] = {}
        self.directory: dict[str, PublicUser] = {}
        self.members: dict[str, set[str]] = {}
        self.rooms_of: dict[str, set[str]] = {}
        self.blocks: dict[str, set[str]] = {}  # local user -> the ids they block
        self.control_handlers: dict[str, ControlHandler] = {}

    # -- local connections -------------------------------------------------
    def attach(self, conn: Connection, blocked: set[str]) -> None:
        self.conns.setdefault(conn.user_id, set()).add(conn)
        self.blocks[conn.user_id] = blocked
        CONNECTIONS.inc()

    def detach(self, conn: Connection) -> int:
        """Forget a connection; returns how many the user still has on this node."""
        conns = self.conns.get(conn.user_id)
        if conns is None or conn not in conns:
            return len(conns or ())
        conns.discard(conn)
        CONNECTIONS.dec()
        if not conns:
            del self.conns[conn.user_id]
            self.blocks.pop(conn.user_id, None)
            return 0
        return len(conns)

    def is_local(self, user_id: str) -> bool:
        return user_id in self.conns

    def send_local(self, user_id: str, frame: str) -> None:
        for conn in tuple(self.conns.get(user_id, ())):
            conn.push(frame)

    # -- cluster state -------------------------------------------------------
    def member_count(self, room_id: str) -> int:
        return len(self.members.get(room_id, ()))

    def is_member(self, room_id: str, user_id: str) -> bool:
        return user_id in self.members.get(room_id, ())

    def share_a_room(self, a: str, b: str) -> bool:
        return bool(self.rooms_of.get(a, set()) & self.rooms_of.get(b, set()))

    def _apply(self, control: dict[str, Any]) -> None:
        op = control["op"]
        if op == "online":
            user = PublicUser(**control["user"])
            self.directory[user.id] = user
        elif op == "offline":
            self.directory.pop(control["user_id"], None)
            for room in self.rooms_of.pop(control["user_id"], set()):
                self.members.get(room, set()).discard(control["user_id"])
        elif op == "join":
            self.members.setdefault(control["room"], set()).add(control["user_id"])
            self.rooms_of.setdefault(control["user_id"], set()).add(control["room"])
        elif op == "leave":
            self.members.get(control["room"], set()).discard(control["user_id"])
            self.rooms_of.get(control["user_id"], set()).discard(control["room"])
        elif op == "blocks":
            if control["user_id"] in self.blocks:
                self.blocks[control["user_id"]] = set(control["blocked"])
        elif op == "update_user":
            user = PublicUser(**control["user"])
            if user.id in self.directory:
                self.directory[user.id] = user
        handler = self.control_handlers.get(op)
        if handler is not None:
            handler(control)
        ONLINE.set(len(self.directory))

    # -- delivery ------------------------------------------------------------
    async def deliver(self, envelope: Envelope) -> None:
        if envelope.control is not None:
            self._apply(envelope.control)
        if not envelope.frame:
            return
        target = envelope.target
        sender = envelope.sender
        if target.startswith("room:"):
            members = self.members.get(target[5:], set())
            local = self.conns
            # iterate over the smaller of the two sets
            candidates = members if len(members) < len(local) else local.keys()
            recipients = [u for u in candidates if u in local and u in members]
        elif target.startswith("user:"):
            recipients = [target[5:]] if target[5:] in self.conns else []
        elif target == "all":
            recipients = list(self.conns)
        else:
            return
        frame = envelope.frame
        sent = 0
        for user_id in recipients:
            if sender is not None and sender in self.blocks.get(user_id, ()):
                continue
            for conn in tuple(self.conns.get(user_id, ())):
                conn.push(frame)
                sent += 1
        if sent:
            FRAMES_OUT.labels(target.split(":", 1)[0]).inc(sent)
        if envelope.control is not None and envelope.control.get("op") == "kick":
            for conn in tuple(self.conns.get(envelope.control["user_id"], ())):
                conn.close_soon(4003, "sanction")
