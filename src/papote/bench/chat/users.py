"""The simulated people of ``papote bench chat``, as seen by one generator process.

Each ``User`` is one WebSocket. Its ``on_text`` is the hot path: a message frame is
recognised by its prefix, its stamp read (``marker``), one latency appended and one
counter bumped; only the rare control frames (welcome, joined, ack, rejected, error)
are decoded as JSON.
"""

from __future__ import annotations

import asyncio
from array import array
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from papote.bench.chat import marker
from papote.bench.chat.dialects import Dialect
from papote.bench.chat.wire import WsClient, open_ws, source_address


@dataclass
class Tally:
    """What one generator process saw, shared by its users."""

    latencies_us: array[int] = field(default_factory=lambda: array("q"))
    ack_latencies_us: array[int] = field(default_factory=lambda: array("q"))
    acked_room: Counter[str] = field(default_factory=Counter)  # room id -> acked messages
    acked_dm: Counter[int] = field(default_factory=Counter)  # recipient index -> acked
    acked_ids: list[tuple[str, str]] = field(default_factory=list)  # (room, message id)
    rejected: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    deliveries: int = 0
    foreign: int = 0  # message frames without a stamp (not ours)
    sent: int = 0
    dropped: int = 0  # connections that ended before the run did

    def take_latencies(self) -> tuple[bytes, bytes]:
        out = (self.latencies_us.tobytes(), self.ack_latencies_us.tobytes())
        self.latencies_us = array("q")
        self.ack_latencies_us = array("q")
        return out


@dataclass
class Target:
    """Where the users connect."""

    host: str
    port: int
    dialect: Dialect


class User:
    def __init__(self, index: int, stable: bool, tally: Tally, dialect: Dialect) -> None:
        self.index = index
        self.stable = stable  # stays the whole run: counted for lost messages
        self.tally = tally
        self.dialect = dialect
        self.token = ""
        self.user_id = ""
        self.rooms: list[str] = []
        self.room_received = 0
        self.dm_received = 0
        self.echoes = 0
        self.epoch = 0  # which batch of connections it came with (see figures.losses)
        self.ws: WsClient | None = None
        self._early: list[bytes] = []  # replies due before open_ws returned (Engine.IO)
        self.alive = False
        self.dropped = False  # lost its connection once (a node killed): not counted live
        self.waiters: dict[str, asyncio.Future[dict[str, Any]]] = {}

    # -- the hot path -----------------------------------------------------------------
    def on_text(self, data: bytes) -> None:
        if data.startswith(self.dialect.message_prefix):
            stamp = marker.read(data)
            tally = self.tally
            if stamp is None:
                tally.foreign += 1
                return
            sender, kind, sent = stamp
            tally.deliveries += 1
            tally.latencies_us.append(marker.elapsed_us(sent))
            if kind == marker.KIND_ROOM:
                self.room_received += 1
            elif sender == self.index:
                self.echoes += 1  # a private message's copy for the sender's own tabs
            else:
                self.dm_received += 1
            return
        frame, reply = self.dialect.decode(data)
        if reply is not None:
            if self.ws is not None:
                self.ws.write(reply)
            else:
                self._early.append(reply)
        if frame is not None:
            self._control(frame, data)

    def _control(self, frame: dict[str, Any], data: bytes) -> None:
        kind = frame.get("type")
        ref = frame.get("ref")
        tally = self.tally
        if kind == "ack" and isinstance(ref, str) and ref[:1] in ("r", "d"):
            if ref[0] == "r":
                tally.acked_room[ref[1:]] += 1
                message = frame.get("message") or {}
                if "id" in message:
                    tally.acked_ids.append((ref[1:], str(message["id"])))
            else:
                tally.acked_dm[int(ref[1:])] += 1
            stamp = marker.read(data)
            if stamp is not None:
                tally.ack_latencies_us.append(marker.elapsed_us(stamp[2]))
            return
        if kind == "rejected":
            tally.rejected[str(frame.get("code"))] += 1
        elif kind == "error":
            tally.errors[str(frame.get("code"))] += 1
        waiter = self.waiters.pop(str(ref), None)
        if waiter is not None and not waiter.done():
            waiter.set_result(frame)

    def _closed(self, why: str) -> None:
        if self.alive:
            self.alive = False
            self.dropped = True
            self.tally.dropped += 1
            self.tally.errors[why[:60]] += 1
        for waiter in self.waiters.values():
            if not waiter.done():
                waiter.set_exception(ConnectionError(why))
        self.waiters.clear()

    # -- setting up -----------------------------------------------------------------
    async def request(self, payload: bytes, ref: str, timeout: float) -> dict[str, Any]:
        waiter = asyncio.get_running_loop().create_future()
        self.waiters[ref] = waiter
        if payload and self.ws is not None:
            self.ws.write(payload)
        return await asyncio.wait_for(waiter, timeout)

    async def connect(self, target: Target, timeout: float) -> None:
        """Open the WebSocket and say hello; raises with the server's code if refused."""
        waiter = asyncio.get_running_loop().create_future()
        self.waiters["hello"] = waiter  # before the socket opens: Engine.IO speaks first
        self.ws = await open_ws(
            target.host,
            target.port,
            target.dialect.path,
            source_address(self.index),
            self.on_text,
            timeout,
        )
        self.ws.on_closed = self._closed
        for reply in self._early:
            self.ws.write(reply)
        self._early.clear()
        hello = self.dialect.hello(self.token)
        if hello:
            self.ws.write(hello)
        welcome = await asyncio.wait_for(waiter, timeout)
        if welcome.get("type") != "welcome":
            self.ws.close()
            raise ConnectionRefusedError(f"hello: {welcome.get('code')}")
        self.alive = True

    async def join(self, room: str, timeout: float) -> bool:
        payload = self.dialect.encode({"type": "join", "room": room, "ref": f"j{room}"})
        reply = await self.request(payload, f"j{room}", timeout)
        if reply.get("type") != "joined":
            self.tally.errors[f"join {reply.get('code')}"] += 1
            return False
        self.rooms.append(room)
        return True

    def say(self, room: str, text: str) -> None:
        frame = {"type": "say", "room": room, "text": text, "ref": f"r{room}"}
        self._send(frame)

    def dm(self, to_index: int, to_id: str, text: str) -> None:
        self._send({"type": "dm", "to": to_id, "text": text, "ref": f"d{to_index}"})

    def _send(self, frame: dict[str, Any]) -> None:
        if self.ws is not None and self.alive:
            self.ws.write(self.dialect.encode(frame))
            self.tally.sent += 1

    def leave(self) -> None:
        self.alive = False  # a departure, not a drop
        if self.ws is not None:
            self.ws.close()

    def summary(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "stable": self.stable,
            "alive": self.alive,
            "dropped": self.dropped,
            "rooms": self.rooms,
            "epoch": self.epoch,
            "room_received": self.room_received,
            "dm_received": self.dm_received,
        }
