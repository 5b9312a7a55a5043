"""The seats behind the connection caps (realtime/seats.py) against a real Redis of the
test's own, made unreachable for a moment with CLIENT PAUSE.

Seats closed while Redis is away are removed once it answers again: one by one while
there are few, by a sweep of this process's fields past what is remembered, so that a
long outage costs bounded memory and leaves no seat counted after it closed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from papote.bench.services import RedisProcess
from papote.realtime.seats import Caps, RedisSeats

CAPS = Caps(per_user=4, per_prefix=100)


@pytest.fixture
async def redis() -> AsyncIterator[tuple[RedisProcess, aioredis.Redis]]:
    proc = RedisProcess().start()
    admin = aioredis.from_url(proc.url, decode_responses=True)
    yield proc, admin
    await admin.aclose()
    proc.destroy()


async def _fields(admin: aioredis.Redis, pattern: str) -> set[str]:
    found: set[str] = set()
    async for key in admin.scan_iter(match=pattern):
        found |= set(await admin.hkeys(key))
    return found


async def test_seats_closed_while_redis_is_away_are_removed_once_it_answers(redis):
    proc, admin = redis
    client = aioredis.from_url(proc.url, socket_timeout=0.3, retry=Retry(NoBackoff(), 0))
    seats = RedisSeats("node", client, alive_ms=60_000, max_remembered=2)
    await seats.alive()
    opened = [seats.new_seat(f"u{i}", "p") for i in range(5)]
    for seat in opened:
        assert not (await seats.take(seat, CAPS)).refused
    assert await _fields(admin, "papote:seats:prefix:*") == {s.key for s in opened}

    await admin.execute_command("CLIENT", "PAUSE", "1500", "ALL")  # Redis stops answering
    for seat in opened:  # five closed, two remembered: the rest need a sweep
        await seats.release(seat)
    during = seats.new_seat("u9", "p")  # counted on this node meanwhile
    assert not (await seats.take(during, CAPS)).refused
    await asyncio.sleep(1.7)  # Redis answers again

    await seats.alive()  # the heartbeat writes this node's seats back
    assert await _fields(admin, "papote:seats:prefix:*") == {during.key}
    assert await _fields(admin, "papote:seats:user:*") == {during.key}
    await seats.release(during)
    assert await _fields(admin, "papote:seats:[pu]*") == set()
    await client.aclose()
