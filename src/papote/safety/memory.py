"""Short per-conversation memory, so that a message is judged with what came before.

A conversation (a room, or a pair of people in private) keeps its last
:data:`KEEP` messages as :class:`MemoryEntry` and a small map of *facts* learned
about it (``minor:<user id>`` -> the age that person stated, ``nudge:<key>`` -> the
safety notice was already shown). Two implementations of one interface: in-process
(one node, tests, ``papote moderate``) and Redis (every node sees the same memory).
Entries are stored as JSON, never pickled.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Protocol

import orjson
import redis.asyncio

KEEP = 20  # messages kept per conversation
TTL_SECONDS = 7 * 24 * 3600  # a conversation idle for a week is forgotten


@dataclass(frozen=True, slots=True)
class MemoryEntry:
    sender: str
    text: str
    ts: int = 0
    action: str = "allow"
    categories: tuple[str, ...] = ()
    signals: tuple[str, ...] = ()  # concepts worth remembering (grooming stages, explicit...)
    nudges: tuple[str, ...] = ()  # keys of the safety notices sent with this message
    flags: tuple[str, ...] = ()
    # the text model's probabilities of this message, in its label order (rounded; empty
    # when the model is off): what the conversation model reads (conversation_model.py)
    scores: tuple[float, ...] = ()
    peak: float = 0.0  # the highest of them (the conversation model's gate reads it)

    def to_json(self) -> bytes:
        return orjson.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: bytes | str) -> MemoryEntry:
        data: dict[str, Any] = orjson.loads(raw)
        for name in ("categories", "signals", "nudges", "flags", "scores"):
            data[name] = tuple(data.get(name) or ())
        return cls(**data)


class ConversationMemory(Protocol):
    async def recent(self, key: str) -> list[MemoryEntry]:
        """The last messages of the conversation, oldest first."""
        ...

    async def remember(self, key: str, entry: MemoryEntry) -> None: ...

    async def facts(self, key: str) -> dict[str, str]: ...

    async def learn(self, key: str, facts: Mapping[str, str]) -> None: ...


class InProcessMemory:
    """Memory of one process; bounded to ``max_conversations`` (least recently used go)."""

    def __init__(self, max_conversations: int = 100_000) -> None:
        self._max = max_conversations
        self._entries: OrderedDict[str, deque[MemoryEntry]] = OrderedDict()
        self._facts: OrderedDict[str, dict[str, str]] = OrderedDict()

    def _touch(self, store: OrderedDict[str, Any], key: str) -> None:
        store.move_to_end(key)
        while len(store) > self._max:
            store.popitem(last=False)

    async def recent(self, key: str) -> list[MemoryEntry]:
        entries = self._entries.get(key)
        return list(entries) if entries else []

    async def remember(self, key: str, entry: MemoryEntry) -> None:
        entries = self._entries.setdefault(key, deque(maxlen=KEEP))
        entries.append(entry)
        self._touch(self._entries, key)

    async def facts(self, key: str) -> dict[str, str]:
        return dict(self._facts.get(key, {}))

    async def learn(self, key: str, facts: Mapping[str, str]) -> None:
        if facts:
            self._facts.setdefault(key, {}).update(facts)
            self._touch(self._facts, key)


class RedisMemory:
    """Memory shared by every node: a capped list and a hash per conversation."""

    def __init__(self, redis: redis.asyncio.Redis, prefix: str = "papote:conv:") -> None:
        self._redis = redis
        self._prefix = prefix

    def _keys(self, key: str) -> tuple[str, str]:
        return f"{self._prefix}{key}:msgs", f"{self._prefix}{key}:facts"

    async def recent(self, key: str) -> list[MemoryEntry]:
        msgs, _ = self._keys(key)
        raw: list[bytes | str] = await self._redis.lrange(msgs, -KEEP, -1)  # type: ignore[misc,unused-ignore]
        return [MemoryEntry.from_json(r) for r in raw]

    async def remember(self, key: str, entry: MemoryEntry) -> None:
        msgs, _ = self._keys(key)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.rpush(msgs, entry.to_json())
            pipe.ltrim(msgs, -KEEP, -1)
            pipe.expire(msgs, TTL_SECONDS)
            await pipe.execute()

    async def facts(self, key: str) -> dict[str, str]:
        _, facts = self._keys(key)
        raw: dict[bytes | str, bytes | str] = await self._redis.hgetall(facts)  # type: ignore[misc,unused-ignore]
        return {_text(k): _text(v) for k, v in raw.items()}

    async def learn(self, key: str, facts: Mapping[str, str]) -> None:
        if not facts:
            return
        _, facts_key = self._keys(key)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(facts_key, mapping=dict(facts))  # type: ignore[arg-type,unused-ignore]
            pipe.expire(facts_key, TTL_SECONDS)
            await pipe.execute()


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
