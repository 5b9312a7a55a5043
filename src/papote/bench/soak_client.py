"""One person of the soak: a WebSocket that reconnects, catches up, and keeps a ledger.

Each client sends at a human pace, records what was acknowledged and what it
received (live, or fetched with ``history`` ``after`` once it reconnected or was told
to ``resync``). Losing its socket — a node killed, a network drop — it reconnects to
any node with the same token, rejoins its rooms and fetches what it missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

PAGE = 100
# Ids are assigned before storage: across nodes a message may be stored (and seen) after
# one with a greater id. Catching up restarts from a message received this long before.
CATCH_UP_MARGIN_S = 60.0

SUBJECTS = [
    "Ce soir",
    "Franchement",
    "Pour moi",
    "Ce matin",
    "Au boulot",
    "Chez nous",
    "Avec les copains",
    "En ville",
]
VERBS = [
    "on a parlé de",
    "je pensais à",
    "quelqu'un connaît",
    "j'adore",
    "je découvre",
    "on cherche",
    "vous aimez",
    "je recommande",
]
THINGS = [
    "la nouvelle série",
    "ce petit resto",
    "la rando en montagne",
    "un bon livre",
    "le marché du dimanche",
    "la musique des années quatre-vingt",
    "le match de ce soir",
    "les balades au bord de la mer",
]
OPENERS = ["", "Bon, ", "Alors ", "Tiens, ", "Au fait, ", "Bref, ", "Sinon, ", "Dites, "]
ENDS = ["!", " ?", ", non ?", ", trop bien.", " hein.", " en vrai.", " :)", ", voilà."]


def human_text(rng: random.Random) -> str:
    """A short, ordinary French line (no digits: the moderation reads ages in them)."""
    subject = rng.choice(SUBJECTS)
    opener = rng.choice(OPENERS)
    if opener:
        subject = subject[0].lower() + subject[1:]
    return f"{opener}{subject} {rng.choice(VERBS)} {rng.choice(THINGS)}{rng.choice(ENDS)}"


def dm_key(a: str, b: str) -> str:
    return f"dm:{a}:{b}" if a < b else f"dm:{b}:{a}"


class TryAgain(Exception):
    """The server refused for a while (``unavailable``: its database is down)."""


def _expect(frame: dict[str, Any], kind: str) -> None:
    if frame.get("type") == kind:
        return
    if frame.get("code") in ("unavailable", "rate_limited"):
        raise TryAgain(frame["code"])
    raise RuntimeError(f"{kind} expected: {frame}")


@dataclass
class Ledger:
    """What every client saw, for the final account."""

    acked: dict[str, tuple[str, float, str]] = field(default_factory=dict)  # id -> conv, t, from
    received: dict[str, dict[str, tuple[float, str]]] = field(default_factory=dict)
    ack_latency: list[float] = field(default_factory=list)
    ack_sent_at: list[float] = field(default_factory=list)  # perf_counter when sent
    rejected: Counter[str] = field(default_factory=Counter)
    unanswered: int = 0  # sent, then the socket died before any reply
    reconnects: int = 0
    resyncs: int = 0

    def got(self, user: str, message_id: str, how: str) -> None:
        mine = self.received.setdefault(user, {})
        if message_id not in mine:
            mine[message_id] = (time.perf_counter(), how)


class SoakClient:
    def __init__(
        self,
        session: dict[str, Any],
        urls: list[str],
        rooms: list[str],
        ledger: Ledger,
        preferred: int,
    ) -> None:
        self.token: str = session["token"]
        self.id: str = session["user"]["id"]
        self.urls = urls
        self.rooms = rooms
        self.partners: list[str] = []
        self.ledger = ledger
        self.preferred = preferred
        self.ws: ClientConnection | None = None
        self.online = asyncio.Event()
        self.stopping = False
        self._waiters: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._seen: dict[str, list[tuple[float, str]]] = {}  # conversation -> (when, id)
        self._refs = 0
        self._reader: asyncio.Task[None] | None = None
        self._catching_up: asyncio.Task[None] | None = None
        self._keeper: asyncio.Task[None] | None = None

    # -- connection -------------------------------------------------------------------
    async def start(self) -> None:
        await self._connect(first=True)
        self._keeper = asyncio.create_task(self._keep_connected())

    async def _connect(self, first: bool = False) -> None:
        for attempt in range(10_000):
            url = self.urls[(self.preferred + attempt) % len(self.urls)]
            try:
                ws = await connect(url, max_size=None, ping_interval=None, open_timeout=5)
            except (OSError, TimeoutError, ConnectionClosed):
                await asyncio.sleep(0.3)
                continue
            self.ws = ws
            self._reader = asyncio.create_task(self._read(ws))
            try:
                welcome = await self.request({"type": "hello", "token": self.token}, 10)
                _expect(welcome, "welcome")
                for room in self.rooms:
                    joined = await self.request({"type": "join", "room": room}, 10)
                    _expect(joined, "joined")
                    for message in joined["history"]:
                        self._note(message, "history")
            except (ConnectionError, TimeoutError, TryAgain):
                with contextlib.suppress(Exception):
                    await ws.close()
                await asyncio.sleep(0.5)
                continue
            self.online.set()
            if not first:
                self.ledger.reconnects += 1
                self._schedule_catch_up()
            return
        raise RuntimeError("could not reconnect")

    async def _keep_connected(self) -> None:
        while not self.stopping:
            reader = self._reader
            if reader is not None:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await asyncio.shield(reader)
            if self.stopping:
                return
            self.online.clear()
            await asyncio.sleep(0.5)
            await self._connect()

    async def drop(self) -> None:
        """A network drop: the socket goes away without a closing handshake."""
        if self.ws is not None and self.ws.transport is not None:
            self.ws.transport.abort()

    async def stop(self) -> None:
        self.stopping = True
        for task in (self._keeper, self._catching_up):
            if task is not None:
                task.cancel()
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()

    # -- frames -----------------------------------------------------------------------
    async def _read(self, ws: ClientConnection) -> None:
        try:
            async for raw in ws:
                frame = orjson.loads(raw)
                kind = frame.get("type")
                if kind == "message":
                    self._note(frame["message"], "live")
                elif kind == "resync":
                    self.ledger.resyncs += 1
                    self._schedule_catch_up()
                waiter = self._waiters.pop(str(frame.get("ref")), None)
                if waiter is not None and not waiter.done():
                    waiter.set_result(frame)
        except ConnectionClosed:
            pass
        finally:
            for waiter in self._waiters.values():
                if not waiter.done():
                    waiter.set_exception(ConnectionError("socket closed"))
            self._waiters.clear()

    async def request(self, frame: dict[str, Any], timeout: float = 15.0) -> dict[str, Any]:
        ws = self.ws
        if ws is None:
            raise ConnectionError("not connected")
        self._refs += 1
        ref = f"{self.id}-{self._refs}"
        waiter = asyncio.get_running_loop().create_future()
        self._waiters[ref] = waiter
        try:
            await ws.send(orjson.dumps({**frame, "ref": ref}).decode())
        except ConnectionClosed as exc:
            self._waiters.pop(ref, None)
            raise ConnectionError("socket closed") from exc
        try:
            return await asyncio.wait_for(waiter, timeout)
        finally:
            self._waiters.pop(ref, None)

    def _conversation(self, message: dict[str, Any]) -> str:
        if message.get("room"):
            return f"room:{message['room']}"
        return dm_key(self.id, message["dm"])

    def _note(self, message: dict[str, Any], how: str) -> None:
        conv = self._conversation(message)
        seen = self._seen.setdefault(conv, [])
        if message["id"] not in self.ledger.received.get(self.id, {}):
            seen.append((time.monotonic(), message["id"]))
        self.ledger.got(self.id, message["id"], how)

    # -- catching up ------------------------------------------------------------------
    def _schedule_catch_up(self) -> None:
        if self._catching_up is None or self._catching_up.done():
            self._catching_up = asyncio.create_task(self._catch_up())

    async def _catch_up(self) -> None:
        while not self.stopping:
            try:
                for room in self.rooms:
                    await self._fetch(f"room:{room}", {"room": room})
                for partner in self.partners:
                    await self._fetch(dm_key(self.id, partner), {"with": partner})
                return
            except TryAgain:  # the store is down for a moment: the history is still due
                await asyncio.sleep(1.0)
            except (ConnectionError, TimeoutError):
                return  # the socket died: the next connection catches up

    async def _fetch(self, conv: str, where: dict[str, Any]) -> None:
        seen = self._seen.get(conv, [])
        settled = [i for t, i in seen if t <= time.monotonic() - CATCH_UP_MARGIN_S]
        cursor = max(settled) if settled else min((i for _, i in seen), default=None)
        while True:
            frame: dict[str, Any] = {"type": "history", **where, "limit": PAGE}
            if cursor is not None:
                frame["after"] = cursor
            page = await self.request(frame)
            _expect(page, "history")
            messages = page["messages"]
            for message in messages:
                self._note(message, "history")
            if cursor is None or len(messages) < PAGE:
                return
            cursor = messages[-1]["id"]

    # -- sending ----------------------------------------------------------------------
    async def send_one(self, rng: random.Random) -> None:
        if not self.online.is_set():
            return
        if self.partners and rng.random() < 0.15:
            partner = rng.choice(self.partners)
            frame: dict[str, Any] = {"type": "dm", "to": partner}
            conv = dm_key(self.id, partner)
        else:
            room = rng.choice(self.rooms)
            frame = {"type": "say", "room": room}
            conv = f"room:{room}"
        frame["text"] = human_text(rng)
        t0 = time.perf_counter()
        try:
            reply = await self.request(frame)
        except (ConnectionError, TimeoutError):
            self.ledger.unanswered += 1
            return
        if reply["type"] == "ack":
            self.ledger.ack_latency.append(time.perf_counter() - t0)
            self.ledger.ack_sent_at.append(t0)
            self.ledger.acked[reply["message"]["id"]] = (conv, t0, self.id)
            self._note(reply["message"], "live")
        else:
            self.ledger.rejected[str(reply.get("code") or reply["type"])] += 1
