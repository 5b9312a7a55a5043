"""The memory storage of the rate limits: the same counts as limits' own, an expiry
sweep without a thread hop per key, and expired entries forgotten."""

from __future__ import annotations

import asyncio
import time

from limits import parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter

from papote.actions import ratelimit
from papote.actions.ratelimit import SweptMemoryStorage


async def _pattern(storage: MemoryStorage) -> list[bool]:
    limiter = MovingWindowRateLimiter(storage)
    item = parse("3/second")
    hits = [await limiter.hit(item, "say", "u1") for _ in range(4)]
    hits += [await limiter.hit(item, "say", "u2", cost=2) for _ in range(2)]
    await asyncio.sleep(1.05)
    hits += [await limiter.hit(item, "say", "u1") for _ in range(4)]
    return hits


async def test_the_same_counts_as_limits_own_storage() -> None:
    storage = MemoryStorage()
    theirs, ours = await asyncio.gather(_pattern(storage), _pattern(SweptMemoryStorage()))
    assert ours == theirs == [True, True, True, False, True, False, True, True, True, False]
    if storage.timer is not None:  # limits' own sweep must not outlive the test
        storage.timer.cancel()


async def test_the_sweep_makes_no_thread_hop_and_forgets_what_expired(monkeypatch) -> None:
    def no_thread(*_a, **_k):
        raise AssertionError("a thread hop per key")

    monkeypatch.setattr(asyncio, "to_thread", no_thread)
    monkeypatch.setattr(ratelimit, "SWEEP_EVERY_S", 3600.0)  # one sweep, at the first hit
    storage = SweptMemoryStorage()
    limiter = MovingWindowRateLimiter(storage)
    short, long = parse("5/second"), parse("5/hour")
    for i in range(2000):
        assert await limiter.hit(short, "frames", f"user{i}")
    assert await limiter.hit(long, "join", "stays")
    assert len(storage.events) == 2001
    await asyncio.sleep(1.05)
    monkeypatch.setattr(ratelimit, "SWEEP_EVERY_S", 0.0)
    assert await limiter.hit(short, "frames", "user0")  # runs the sweep
    assert set(storage.events) == {"LIMITER/frames/user0/5/1/second", "LIMITER/join/stays/5/1/hour"}
    # still counted: the hour's window is not over
    for _ in range(4):
        assert await limiter.hit(long, "join", "stays")
    assert not await limiter.hit(long, "join", "stays")


async def test_at_most_one_sweep_per_interval(monkeypatch) -> None:
    sweeps = []
    storage = SweptMemoryStorage()
    monkeypatch.setattr(storage, "sweep", lambda: sweeps.append(time.monotonic()))
    limiter = MovingWindowRateLimiter(storage)
    for i in range(500):
        await limiter.hit(parse("5/second"), "frames", f"user{i}")
    assert len(sweeps) == 1
