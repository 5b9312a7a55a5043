"""The node's view of who is where, and local delivery of envelopes.

Every node keeps, in memory, the online directory and every room's members for
the whole cluster (fed by control envelopes from the broker), plus its own
connections. ``deliver`` is the broker's handler: it applies the envelope's state
change, then hands the already-encoded frame to the local connections it targets,
skipping people who block the sender.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from prometheus_client import Counter, Gauge

from papote.realtime.broker import Envelope
from papote.realtime.connection import Connection
from papote.realtime.events import MemberEvent, PublicUser
from papote.realtime.presence import PresenceBatch
from papote.realtime.wire import text_frame

log = logging.getLogger(__name__)

FRAMES_OUT = Counter("papote_frames_out_total", "Frames queued to clients", ["kind"])
CONNECTIONS = Gauge("papote_connections", "Open WebSocket connections on this node")
ONLINE = Gauge("papote_online_users", "Users online in the cluster, as this node sees it")

ControlHandler = Callable[[dict[str, Any]], None]


class Hub:
    def __init__(self, presence_batch_s: float = 0.0) -> None:
        self.conns: dict[str, set[Connection]] = {}
        self.directory: dict[str, PublicUser] = {}
        self.members: dict[str, set[str]] = {}
        self.rooms_of: dict[str, set[str]] = {}
        self.blocks: dict[str, set[str]] = {}  # local user -> the ids they block
        self.nodes_of: dict[str, set[str]] = {}  # online user -> nodes holding them
        self.node_seen: dict[str, float] = {}  # node -> when it last said it is alive
        self.control_handlers: dict[str, ControlHandler] = {}
        self.presence = PresenceBatch(
            self.send_batch, self.conns.keys, self._region_of, self.is_member, presence_batch_s
        )

    def _region_of(self, user_id: str) -> str | None:
        user = self.directory.get(user_id)
        return None if user is None else user.region

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
            self.presence.forget(conn.user_id)
            return 0
        return len(conns)

    def is_local(self, user_id: str) -> bool:
        return user_id in self.conns

    def send_local(self, user_id: str, frame: str, wire: bytes | None = None) -> None:
        for conn in tuple(self.conns.get(user_id, ())):
            conn.push(frame, wire)

    def send_batch(self, user_id: str, frames: list[str], wire: bytes) -> None:
        """Several frames in one push (``wire``: their bytes joined)."""
        for conn in tuple(self.conns.get(user_id, ())):
            conn.push_many(frames, wire)

    # -- cluster state -------------------------------------------------------
    def member_count(self, room_id: str) -> int:
        return len(self.members.get(room_id, ()))

    def is_member(self, room_id: str, user_id: str) -> bool:
        return user_id in self.members.get(room_id, ())

    def share_a_room(self, a: str, b: str) -> bool:
        return bool(self.rooms_of.get(a, set()) & self.rooms_of.get(b, set()))

    def is_online(self, user_id: str) -> bool:
        return user_id in self.directory

    def _apply(self, control: dict[str, Any]) -> bool:
        """Apply a state change; False when the envelope's frame must not be sent."""
        op = control["op"]
        deliver = True
        if op in ("node_alive", "online"):  # only a node speaking for itself
            self.node_seen[control["node"]] = time.monotonic()
        if op == "online":
            user = PublicUser(**control["user"])
            deliver = user.id not in self.directory  # announce only a real arrival
            self.directory[user.id] = user
            self.nodes_of.setdefault(user.id, set()).add(control["node"])
        elif op == "offline":
            deliver = self._node_left(control["user_id"], control["node"])
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
        return deliver

    def _node_left(self, user_id: str, node: str) -> bool:
        """A node no longer holds the user; True if the user is now offline everywhere."""
        nodes = self.nodes_of.get(user_id)
        if nodes is not None:
            nodes.discard(node)
            if nodes:
                return False
            del self.nodes_of[user_id]
        user = self.directory.pop(user_id, None)
        for room in self.rooms_of.pop(user_id, set()):
            members = self.members.get(room, set())
            members.discard(user_id)
            if user is not None:
                left = MemberEvent(False, room, user, len(members)).encode()
                wire = text_frame(left)
                for member in members:
                    if member in self.conns:
                        self.send_local(member, left, wire)
        return user is not None

    def drop_silent_nodes(self, max_silence_s: float, keep: str) -> list[PublicUser]:
        """Forget the users of nodes not heard of for ``max_silence_s`` (a crashed node);
        returns those who are now offline everywhere (member_left already sent locally)."""
        now = time.monotonic()
        silent = {
            n for n, seen in self.node_seen.items() if n != keep and now - seen > max_silence_s
        }
        gone: list[PublicUser] = []
        for node in silent:
            del self.node_seen[node]
            for user_id, nodes in list(self.nodes_of.items()):
                user = self.directory.get(user_id)
                if node in nodes and self._node_left(user_id, node) and user is not None:
                    gone.append(user)
        ONLINE.set(len(self.directory))
        return gone

    def rooms_of_user(self, user_id: str) -> set[str]:
        return set(self.rooms_of.get(user_id, ()))

    # -- delivery ------------------------------------------------------------
    async def deliver(self, envelope: Envelope) -> None:
        if envelope.target == "presence":
            self._presence(envelope)
            return
        if envelope.control is not None and not self._apply(envelope.control):
            return
        if not envelope.frame:
            self._close_if_asked(envelope.control)
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
            if recipients and sender is not None:  # a private message or typing
                self.presence.add_peer(recipients[0], sender)
        elif target == "all":
            recipients = list(self.conns)
        else:
            return
        frame = envelope.frame
        wire = text_frame(frame)  # the same bytes for every recipient
        sent = 0
        skip = None if envelope.echo else sender
        conns = self.conns
        blocks = self.blocks
        for user_id in recipients:
            if user_id == skip or (sender is not None and sender in blocks.get(user_id, ())):
                continue
            group = conns.get(user_id, ())
            for conn in tuple(group) if len(group) > 1 else group:
                conn.push(frame, wire)
                sent += 1
        if sent:
            FRAMES_OUT.labels(target.split(":", 1)[0]).inc(sent)
        self._close_if_asked(envelope.control)

    def _presence(self, envelope: Envelope) -> None:
        """An arrival, a departure or a changed person (``sender``), told in the next
        presence batch to those who look at them (presence.py)."""
        user_id = envelope.sender
        known = self.directory.get(user_id) if user_id is not None else None
        control = envelope.control
        if control is not None and not self._apply(control):
            return
        user = self.directory.get(user_id) if user_id is not None else None
        user = user or known
        if user is not None:
            offline = control is not None and control["op"] == "offline"
            self.presence.changed(user, "offline" if offline else "online")

    def _close_if_asked(self, control: dict[str, Any] | None) -> None:
        if control is not None and control.get("op") == "close":
            # after the frame (a sanction, say) has been queued: close that user's sockets
            code = int(control.get("code", 4000))
            for conn in tuple(self.conns.get(control["user_id"], ())):
                conn.close_soon(code, str(control.get("reason", "")))
