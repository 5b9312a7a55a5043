"""``papote bench limits``: what the cluster-wide frame budget and connection caps cost.

Starts a Redis of its own and measures, for each, this node's memory (the baseline:
what a single node does) against the cluster-wide count through Redis:

- the frame budget (``RateLimits.hit("frames")``): a person at the budget's pace, then
  a flood of ``--flood`` frames from one person; how many the flood got admitted and
  how many Redis round trips the flood cost (the budget is checked in memory first: past
  the budget, none);
- the connection caps (``Seats.take`` then ``release``, realtime/seats.py): one
  ``hello`` and one ``goodbye``.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Sequence
from typing import Any

import orjson
import redis as sync_redis
import redis.asyncio as aioredis

from papote.actions.ratelimit import RateLimits
from papote.bench.load import _percentile_ms
from papote.bench.services import RedisProcess
from papote.realtime.seats import Caps, MemorySeats, RedisSeats, Seats
from papote.settings import Settings

BUDGET = "40/5seconds"


def _round_trips(client: sync_redis.Redis) -> int:
    """Scripts run by Redis so far: the budget costs one script (one round trip) a frame."""
    stats: dict[str, Any] = client.info("commandstats")
    return sum(v["calls"] for k, v in stats.items() if k in ("cmdstat_evalsha", "cmdstat_eval"))


async def _timed(calls: int, call: Any) -> list[float]:
    times = []
    for i in range(calls):
        start = time.perf_counter()
        await call(i)
        times.append(time.perf_counter() - start)
    return times


async def _budget(limits: RateLimits, people: int, flood: int, counter: Any) -> dict[str, Any]:
    async def at_pace(i: int) -> None:
        await limits.hit("frames", f"person-{i // 40}")

    paced = await _timed(people * 40, at_pace)  # each person exactly at the budget
    before = counter()
    admitted = 0

    async def flooding(i: int) -> None:
        nonlocal admitted
        admitted += await limits.hit("frames", "flooder")

    flooded = await _timed(flood, flooding)
    return {
        "frame_us_p50": round(_percentile_ms(paced, 0.5) * 1e3, 1),
        "frame_us_p99": round(_percentile_ms(paced, 0.99) * 1e3, 1),
        "flood_frames": flood,
        "flood_admitted": admitted,
        "flood_frame_us_p50": round(_percentile_ms(flooded, 0.5) * 1e3, 1),
        "flood_redis_round_trips": counter() - before,
    }


async def _caps(seats: Seats, hellos: int) -> dict[str, Any]:
    caps = Caps(per_user=4, per_prefix=256)

    async def hello_goodbye(i: int) -> None:
        seat = seats.new_seat(f"user-{i % 50}", f"prefix-{i % 7}")
        await seats.take(seat, caps)
        await seats.release(seat)

    await seats.alive()
    times = await _timed(hellos, hello_goodbye)
    return {
        "take_release_us_p50": round(_percentile_ms(times, 0.5) * 1e3, 1),
        "take_release_us_p99": round(_percentile_ms(times, 0.99) * 1e3, 1),
    }


async def _run(args: argparse.Namespace, redis: RedisProcess) -> dict[str, Any]:
    counter_client = sync_redis.Redis.from_url(redis.url)
    secret = "bench-" + "x" * 40
    alone = Settings(secret_key=secret, rate_frames=BUDGET)
    cluster = Settings(secret_key=secret, rate_frames=BUDGET, redis_url=redis.url)
    memory = await _budget(RateLimits(alone), args.people, args.flood, lambda: 0)
    shared = await _budget(
        RateLimits(cluster), args.people, args.flood, lambda: _round_trips(counter_client)
    )
    client = aioredis.from_url(redis.url)
    try:
        caps_memory = await _caps(MemorySeats("bench"), args.hellos)
        caps_redis = await _caps(RedisSeats("bench", client, alive_ms=60_000), args.hellos)
    finally:
        await client.aclose()
        counter_client.close()
    return {
        "budget": BUDGET,
        "frames_memory_baseline": memory,
        "frames_cluster_redis": shared,
        "caps_memory_baseline": caps_memory,
        "caps_cluster_redis": caps_redis,
    }


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="papote bench limits", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--people", type=int, default=25, help="people at the budget's pace")
    parser.add_argument("--flood", type=int, default=5000, help="frames of one flooder")
    parser.add_argument("--hellos", type=int, default=1000, help="hello + goodbye pairs")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(list(argv))
    redis = RedisProcess().start()
    try:
        figures = asyncio.run(_run(args, redis))
    finally:
        redis.destroy()
    if args.json:
        print(orjson.dumps(figures).decode())
        return 0
    m, r = figures["frames_memory_baseline"], figures["frames_cluster_redis"]
    print(f"frame budget {figures['budget']}, per frame under budget p50/p99:")
    print(f"  memory (baseline) {m['frame_us_p50']}/{m['frame_us_p99']} us")
    print(f"  cluster (Redis)   {r['frame_us_p50']}/{r['frame_us_p99']} us")
    for label, f in (("memory (baseline)", m), ("cluster (Redis)  ", r)):
        print(
            f"  flood of {f['flood_frames']} frames, {label}: {f['flood_admitted']} admitted, "
            f"p50 {f['flood_frame_us_p50']} us a frame, "
            f"{f['flood_redis_round_trips']} Redis round trips"
        )
    cm, cr = figures["caps_memory_baseline"], figures["caps_cluster_redis"]
    print("connection caps, one hello + goodbye p50/p99:")
    print(f"  memory (baseline) {cm['take_release_us_p50']}/{cm['take_release_us_p99']} us")
    print(f"  cluster (Redis)   {cr['take_release_us_p50']}/{cr['take_release_us_p99']} us")
    return 0
