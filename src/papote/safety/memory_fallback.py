"""Conversation memory that survives a Redis outage.

The shared (Redis) memory is used while it answers; when it fails, this node's
in-process memory takes over for a few seconds before Redis is tried again. A
message is then judged with what this node remembers instead of failing: the
judgement degrades (less context), the chat does not stop.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TypeVar

from papote.safety.memory import ConversationMemory, MemoryEntry

log = logging.getLogger(__name__)
RETRY_S = 5.0
T = TypeVar("T")


class FallbackMemory:
    def __init__(
        self,
        shared: ConversationMemory,
        local: ConversationMemory,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._shared = shared
        self._local = local
        self._clock = clock
        self._local_until = 0.0

    async def _use(self, call: Callable[[ConversationMemory], Awaitable[T]]) -> T:
        if self._clock() >= self._local_until:
            try:
                return await call(self._shared)
            except Exception:
                log.warning("conversation memory: Redis unreachable, using this node's")
                self._local_until = self._clock() + RETRY_S
        return await call(self._local)

    async def recent(self, key: str) -> list[MemoryEntry]:
        return await self._use(lambda m: m.recent(key))

    async def remember(self, key: str, entry: MemoryEntry) -> None:
        await self._use(lambda m: m.remember(key, entry))

    async def facts(self, key: str) -> dict[str, str]:
        return await self._use(lambda m: m.facts(key))

    async def learn(self, key: str, facts: Mapping[str, str]) -> None:
        await self._use(lambda m: m.learn(key, facts))
