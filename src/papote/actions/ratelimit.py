"""Rate limits on top of the `limits` library (memory, or Redis shared by every node).

The frame budget and typing are per connection's node: always counted in memory (a
Redis round trip per frame would cost more than the frame). The other rules are
shared through Redis when configured; while Redis is unreachable they fall back to
this node's memory, so that a Redis outage never stops people from chatting.
"""

from __future__ import annotations

import logging
import time

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from papote.settings import Settings

log = logging.getLogger(__name__)
LOCAL_RULES = frozenset({"frames"})
RETRY_REDIS_S = 5.0  # after a failure, count in memory this long before trying Redis again


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
                retry=Retry(NoBackoff(), 1),  # type: ignore[arg-type]  # passed to redis-py
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
            "challenge_prefix": parse_many(settings.challenge_entry_prefix),
            "challenge_global": parse_many(settings.challenge_entry_global),
            "admin_fail": parse_many(settings.rate_admin_fail),
            "staff_login": parse_many(settings.rate_staff_login),
            "media": parse_many(settings.rate_media),
            "media_day": parse_many(settings.rate_media_day),
            "media_protect": parse_many(settings.rate_media_protect),
            "notice": parse_many(settings.rate_notice),
        }
        self._degraded_until = 0.0  # while Redis is away: memory only

    async def hit(self, rule: str, key: str, cost: int = 1) -> bool:
        """Count one use; False when any window of the rule is exhausted."""
        shared = rule not in LOCAL_RULES and self._shared is not self._local
        if not shared or time.monotonic() < self._degraded_until:
            return await self._hit(self._local, rule, key, cost)
        try:
            allowed = await self._hit(self._shared, rule, key, cost)
        except Exception:
            log.warning("rate limits: Redis unreachable, counting in memory for a while")
            self._degraded_until = time.monotonic() + RETRY_REDIS_S
            return await self._hit(self._local, rule, key, cost)
        return allowed

    async def _hit(self, limiter: MovingWindowRateLimiter, rule: str, key: str, cost: int) -> bool:
        allowed = True
        for item in self._rules[rule]:
            if not await limiter.hit(item, rule, key, cost=cost):
                allowed = False
        return allowed

    async def allows(self, rule: str, key: str) -> bool:
        """True if one more use would pass every window (counts nothing)."""
        shared = rule not in LOCAL_RULES and time.monotonic() >= self._degraded_until
        limiter = self._shared if shared else self._local
        try:
            results = [await limiter.test(item, rule, key) for item in self._rules[rule]]
        except Exception:
            self._degraded_until = time.monotonic() + RETRY_REDIS_S
            results = [await self._local.test(item, rule, key) for item in self._rules[rule]]
        return all(results)
