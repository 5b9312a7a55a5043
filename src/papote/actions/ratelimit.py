"""Rate limits on top of the `limits` library (memory, or Redis shared by every node)."""

from __future__ import annotations

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from papote.settings import Settings


class RateLimits:
    def __init__(self, settings: Settings) -> None:
        storage: Storage
        if settings.redis_url:
            url = settings.redis_url.replace("redis://", "async+redis://", 1)
            storage = RedisStorage(url, implementation="redispy", key_prefix="papote-limits")
        else:
            storage = MemoryStorage()
        self._limiter = MovingWindowRateLimiter(storage)
        self._rules: dict[str, list[RateLimitItem]] = {
            "say": parse_many(settings.rate_say),
            "dm": parse_many(settings.rate_dm),
            "join": parse_many(settings.rate_join),
            "report": parse_many(settings.rate_report),
            "entry_ip": parse_many(settings.rate_entry_ip),
            "frames": parse_many(settings.rate_frames),
            "dm_image": parse_many(settings.rate_dm_image),
            "staff_login": parse_many(settings.rate_staff_login),
            "notice": parse_many(settings.rate_notice),
        }

    async def hit(self, rule: str, key: str, cost: int = 1) -> bool:
        """Count one use; False when any window of the rule is exhausted."""
        allowed = True
        for item in self._rules[rule]:
            if not await self._limiter.hit(item, rule, key, cost=cost):
                allowed = False
        return allowed
