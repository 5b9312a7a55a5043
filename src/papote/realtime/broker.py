"""Fan-out between server processes: one interface, in-process and Redis implementations.

Every node receives every envelope and delivers it to its own connections (see
hub.py). With Redis, a node's own envelopes also come back through Redis, so that
all nodes see one total order of events. See docs/architecture.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
import redis.asyncio as aioredis

log = logging.getLogger(__name__)

CHANNEL = "papote:events"


@dataclass(frozen=True, slots=True)
class Envelope:
    """An event on its way to connections: where it goes and its encoded frame."""

    # "room:<id>" | "user:<id>" | "all" | "nodes" (control only) | "presence" (the
    # person is ``sender``; sent in batches to those who look at them, hub.py)
    target: str
    frame: str = ""  # encoded JSON frame, the same string for every recipient
    sender: str | None = None  # recipients who block the sender do not get it
    echo: bool = True  # False: the sender's own connections do not get it (typing)
    control: dict[str, Any] | None = field(default=None)  # state change for every hub

    def pack(self) -> bytes:
        meta = {"t": self.target, "s": self.sender, "c": self.control, "e": self.echo}
        head = orjson.dumps(meta)
        return head + b"\n" + self.frame.encode()

    @classmethod
    def unpack(cls, data: bytes) -> Envelope:
        head, _, frame = data.partition(b"\n")
        meta = orjson.loads(head)
        return cls(meta["t"], frame.decode(), meta["s"], meta["e"], meta["c"])


Handler = Callable[[Envelope], Awaitable[None]]
Hook = Callable[[], Awaitable[None]]


class Broker(ABC):
    on_recover: Hook | None = None  # after an outage of the shared channel (resync)

    @abstractmethod
    async def start(self, handler: Handler) -> None: ...

    @abstractmethod
    async def publish(self, envelope: Envelope) -> None: ...

    @abstractmethod
    async def close(self) -> None: ...


class InProcessBroker(Broker):
    """One process: publishing is delivering."""

    def __init__(self) -> None:
        self._handler: Handler | None = None

    async def start(self, handler: Handler) -> None:
        self._handler = handler

    async def publish(self, envelope: Envelope) -> None:
        if self._handler is not None:
            await self._handler(envelope)

    async def close(self) -> None:
        self._handler = None


class RedisBroker(Broker):
    """Several processes share one Redis pub/sub channel.

    While Redis is unreachable the node keeps serving its own clients: envelopes are
    delivered to this node only (the others cannot be reached anyway), and once the
    channel is back ``on_recover`` runs, which asks every node to re-announce its
    state (presence, memberships). See docs/security-floods-faults.md.
    """

    def __init__(self, redis: aioredis.Redis, retry_s: float = 0.5) -> None:
        self._redis = redis
        self._pubsub: Any = None
        self._task: asyncio.Task[None] | None = None
        self._handler: Handler | None = None
        self._retry_s = retry_s
        self.down = False

    async def start(self, handler: Handler) -> None:
        self._handler = handler
        self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        await self._pubsub.subscribe(CHANNEL)
        self._task = asyncio.create_task(self._listen(handler), name="redis-broker")

    def _went_down(self, what: str) -> None:
        if not self.down:
            log.warning("redis broker: %s failed; serving this node's clients alone", what)
            self.down = True

    async def _came_back(self) -> None:
        self.down = False
        log.warning("redis broker: Redis is back; resynchronising the cluster")
        with contextlib.suppress(Exception):
            await self._pubsub.subscribe(CHANNEL)  # idempotent; redis-py resubscribes too
        if self.on_recover is not None:
            try:
                await self.on_recover()
            except Exception:
                log.exception("redis broker: resync failed")

    async def _listen(self, handler: Handler) -> None:
        while True:
            try:
                message = await self._pubsub.get_message(timeout=1.0)
            except asyncio.CancelledError:
                raise
            except Exception:
                self._went_down("read")
                await asyncio.sleep(self._retry_s)
                continue
            if self.down:
                await self._came_back()
            if message is None or message.get("type") != "message":
                continue
            try:
                await handler(Envelope.unpack(message["data"]))
            except Exception:
                log.exception("redis broker: handler failed")

    async def publish(self, envelope: Envelope) -> None:
        if not self.down:
            try:
                await self._redis.publish(CHANNEL, envelope.pack())
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                self._went_down("publish")
        if self._handler is not None:  # this node only, until Redis is back
            await self._handler(envelope)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._pubsub is not None:
            with contextlib.suppress(Exception):
                await self._pubsub.aclose()
