"""Rate limits on top of the `limits` library (memory, or Redis shared by every node).

Every rule is shared through Redis when configured, so that a person with sockets on
several nodes has one budget. The frame budget is checked in this node's memory first:
a frame this node alone already finds over budget is refused without a Redis round
trip, so a flood costs Redis nothing past the budget, and an ordinary frame one
round trip. While Redis is unreachable every rule falls back to this node's memory,
so that a Redis outage never stops people from chatting.
"""

from __future__ import annotations

import bisect
import logging
import time

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from papote.settings import Settings

log = logging.getLogger(__name__)
# Rules checked in memory before Redis: what this node counted is a lower bound of
# the cluster's count, so a local refusal is final.
LOCAL_FIRST = frozenset({"frames"})
RETRY_REDIS_S = 5.0  # after a failure, count in memory this long before trying Redis again
SWEEP_EVERY_S = 1.0


class SweptMemoryStorage(MemoryStorage):
    """``limits``' memory storage with a cheap expiry sweep.

    limits 5.x starts a new sweep of every key as soon as the previous one ended, with
    one thread hop (``asyncio.to_thread``) per key: with 10,000 people connected that
    is a stream of hops that took a tenth of the event loop in a reconnect storm
    (docs/benchmarks.md). Windows are judged by their entries' times, not by the sweep,
    so the counts are the same; expired entries are dropped here inline (no await: no
    hit can interleave), at most once per ``SWEEP_EVERY_S``.
    """

    _last_sweep = 0.0

    async def _MemoryStorage__schedule_expiry(self) -> None:  # limits' private hook
        now = time.monotonic()
        if now - self._last_sweep >= SWEEP_EVERY_S:
            self._last_sweep = now
            self.sweep()

    def sweep(self) -> None:
        now = time.time()
        for key, events in list(self.events.items()):
            # entries are newest first: keep those not yet expired
            kept = events[: bisect.bisect_left(events, -now, key=lambda e: -e.expiry)]
            if kept:
                self.events[key] = kept
            else:
                del self.events[key]
                self.locks.pop(key, None)
        for key, until in list(self.expirations.items()):
            if until <= now:
                self.storage.pop(key, None)
                del self.expirations[key]
                self.locks.pop(key, None)


class RateLimits:
    def __init__(self, settings: Settings) -> None:
        self._local = MovingWindowRateLimiter(SweptMemoryStorage())
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
        if self._shared is self._local or time.monotonic() < self._degraded_until:
            return await self._hit(self._local, rule, key, cost)
        local_first = rule in LOCAL_FIRST
        if local_first and not await self._test(self._local, rule, key, cost):
            return False
        try:
            allowed = await self._hit(self._shared, rule, key, cost)
        except Exception:
            log.warning("rate limits: Redis unreachable, counting in memory for a while")
            self._degraded_until = time.monotonic() + RETRY_REDIS_S
            return await self._hit(self._local, rule, key, cost)
        if allowed and local_first:  # count here only what the cluster admitted
            await self._hit(self._local, rule, key, cost)
        return allowed

    async def _test(self, limiter: MovingWindowRateLimiter, rule: str, key: str, cost: int) -> bool:
        for item in self._rules[rule]:
            if not await limiter.test(item, rule, key, cost=cost):
                return False
        return True

    async def _hit(self, limiter: MovingWindowRateLimiter, rule: str, key: str, cost: int) -> bool:
        allowed = True
        for item in self._rules[rule]:
            if not await limiter.hit(item, rule, key, cost=cost):
                allowed = False
        return allowed

    async def allows(self, rule: str, key: str) -> bool:
        """True if one more use would pass every window (counts nothing)."""
        shared = time.monotonic() >= self._degraded_until
        limiter = self._shared if shared else self._local
        try:
            results = [await limiter.test(item, rule, key) for item in self._rules[rule]]
        except Exception:
            self._degraded_until = time.monotonic() + RETRY_REDIS_S
            results = [await self._local.test(item, rule, key) for item in self._rules[rule]]
        return all(results)
