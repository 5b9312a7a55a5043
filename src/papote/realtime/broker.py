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

    target: str  # "room:<id>" | "user:<id>" | "all" | "nodes" (control only)
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


class Broker(ABC):
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
    """Several processes share one Redis pub/sub channel."""

    def __init__(self, redis: aioredis.Redis) -> None:
        self._redis = redis
        self._pubsub: Any = None
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def start(self, handler: Handler) -> None:
        self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        await self._pubsub.subscribe(CHANNEL)
        self._task = asyncio.create_task(self._listen(handler), name="redis-broker")

    async def _listen(self, handler: Handler) -> None:
        while True:
            try:
                message = await self._pubsub.get_message(timeout=1.0)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("redis broker: read failed; retrying")
                await asyncio.sleep(0.5)
                continue
            if message is None or message.get("type") != "message":
                continue
            try:
                await handler(Envelope.unpack(message["data"]))
            except Exception:
                log.exception("redis broker: handler failed")

    async def publish(self, envelope: Envelope) -> None:
        await self._redis.publish(CHANNEL, envelope.pack())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._pubsub is not None:
            await self._pubsub.aclose()
