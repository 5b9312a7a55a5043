"""Rate limits on top of the `limits` library (memory, or Redis shared by every node).

The frame budget and typing are per connection's node: always counted in memory (a
Redis round trip per frame would cost more than the frame). The other rules are
shared through Redis when configured; while Redis is unreachable they fall back to
this node's memory, so that a Redis outage never stops people from chatting.
"""

from __future__ import annotations

import logging

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from papote.settings import Settings

log = logging.getLogger(__name__)
LOCAL_RULES = frozenset({"frames"})


class RateLimits:
    def __init__(self, settings: Settings) -> None:
        self._local = MovingWindowRateLimiter(MemoryStorage())
        self._shared = self._local
        if settings.redis_url:
            url = settings.redis_url.replace("redis://", "async+redis://", 1)
            storage: Storage = RedisStorage(
                url,
                implementation="redispy",
                key_prefix="papote-limits",
                socket_timeout=2,
                socket_connect_timeout=2,
            )
            self._shared = MovingWindowRateLimiter(storage)
        self._rules: dict[str, list[RateLimitItem]] = {
            "say": parse_many(settings.rate_say),
            "dm": parse_many(settings.rate_dm),
            "join": parse_many(settings.rate_join),
            "report": parse_many(settings.rate_report),
            "entry_ip": parse_many(settings.rate_entry_ip),
            "frames": parse_many(settings.rate_frames),
            "dm_image": parse_many(settings.rate_dm_image),
        }
        self._degraded = False

    async def hit(self, rule: str, key: str, cost: int = 1) -> bool:
        """Count one use; False when any window of the rule is exhausted."""
        limiter = self._local if rule in LOCAL_RULES else self._shared
        try:
            allowed = await self._hit(limiter, rule, key, cost)
        except Exception:
            if limiter is self._local:
                raise
            if not self._degraded:
                log.warning("rate limits: Redis unreachable, counting in memory")
                self._degraded = True
            return await self._hit(self._local, rule, key, cost)
        if self._degraded and limiter is self._shared:
            log.warning("rate limits: Redis is back")
            self._degraded = False
        return allowed

    async def _hit(self, limiter: MovingWindowRateLimiter, rule: str, key: str, cost: int) -> bool:
        allowed = True
        for item in self._rules[rule]:
            if not await limiter.hit(item, rule, key, cost=cost):
                allowed = False
        return allowed
