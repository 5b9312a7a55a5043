"""Who holds how many sockets, across the cluster: the count behind the connection caps.

Every open WebSocket is a *seat*: its person, its hashed address prefix and when it
opened. ``take`` counts a new seat against two caps at once — the prefix's (over it,
refused) and the person's (over it, the oldest seats are named for eviction, wherever
they are) — and ``release`` gives it back. Alone, a node counts in memory. With
Redis, the seats of every node are counted together by one Lua script, so that N
nodes do not mean N times the caps; a seat belongs to its process (a node name and a
random part), which says it is alive on every heartbeat: the seats of a process not
heard of for ``alive_ms`` (killed, frozen) stop counting, without anyone cleaning up.

While Redis is unreachable the node counts its own seats in memory (as a single node
would); once Redis answers again it puts back the seats it opened meanwhile and
removes those it closed (one by one, or past ``MAX_REMEMBERED`` by sweeping its own
fields out of every seat key: memory stays bounded however long Redis is away).
See docs/security-floods-faults.md.
"""

from __future__ import annotations

import itertools
import logging
import secrets
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

INSTANCES = "papote:seats:instances"
TTL_S = 86_400  # a seat key nobody touched for a day is dropped (a safety net)
RETRY_REDIS_S = 5.0
MAX_REMEMBERED = 10_000  # seats closed while Redis is away, remembered one by one

# KEYS: instances, the prefix's hash, the person's hash.
# ARGV: instance, seat, opened_ms, per_user, per_prefix, alive_ms, ttl_s.
# Returns {refused, stale, seats to evict...}: refused 1 when the prefix is full; stale 1
# when this process had been given up (its seats may have been pruned: write them back).
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local seen = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1]))
local stale = 0
if not seen or now - seen > tonumber(ARGV[6]) then stale = 1 end
redis.call('ZADD', KEYS[1], now, ARGV[1])
local alive = {}
for _, inst in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], now - tonumber(ARGV[6]), '+inf')) do
  alive[inst] = true
end
local function live_seats(key)
  local seats = {}
  local flat = redis.call('HGETALL', key)
  for i = 1, #flat, 2 do
    local seat = flat[i]
    if alive[string.match(seat, '^(.*)/')] then
      seats[#seats + 1] = {seat, tonumber(flat[i + 1])}
    else
      redis.call('HDEL', key, seat)
    end
  end
  return seats
end
if #live_seats(KEYS[2]) >= tonumber(ARGV[5]) then
  return {1, stale}
end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[7])
local mine = live_seats(KEYS[3])
redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
redis.call('EXPIRE', KEYS[3], ARGV[7])
mine[#mine + 1] = {ARGV[2], tonumber(ARGV[3])}
local out = {0, stale}
local excess = #mine - tonumber(ARGV[4])
if excess > 0 then
  table.sort(mine, function(a, b)
    if a[2] == b[2] then return a[1] < b[1] end
    return a[2] < b[2]
  end)
  for i = 1, excess do
    redis.call('HDEL', KEYS[3], mine[i][1])
    out[#out + 1] = mine[i][1]
  end
end
return out
"""

# KEYS: instances. ARGV: instance, forget_ms (instances silent this long are dropped),
# alive_ms. Returns 1 when this process had been given up (or Redis forgot it).
_ALIVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local seen = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1]))
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
if not seen or now - seen > tonumber(ARGV[3]) then return 1 end
return 0
"""


@dataclass(frozen=True, slots=True)
class Seat:
    """One open socket, as the caps count it."""

    key: str  # "<instance>/<n>", unique in the cluster
    user_id: str
    prefix: str
    opened_ms: int


@dataclass(frozen=True, slots=True)
class Caps:
    per_user: int
    per_prefix: int


@dataclass(frozen=True, slots=True)
class Taken:
    """The answer to ``take``: refused (the prefix is full), or the seats to evict."""

    refused: bool = False
    evict: tuple[str, ...] = ()


def instance_of(seat_key: str) -> str:
    return seat_key.rpartition("/")[0]


class Seats(ABC):
    def __init__(self, node: str) -> None:
        self.instance = f"{node}.{secrets.token_hex(3)}"
        self._numbers = itertools.count(1)

    def new_seat(self, user_id: str, prefix: str) -> Seat:
        return Seat(f"{self.instance}/{next(self._numbers)}", user_id, prefix, _now_ms())

    @abstractmethod
    async def take(self, seat: Seat, caps: Caps) -> Taken: ...

    @abstractmethod
    async def release(self, seat: Seat) -> None: ...

    async def alive(self) -> None:
        """Called on every heartbeat: say this process is alive (nothing to do alone)."""
        return None


def _now_ms() -> int:
    return int(time.time() * 1000)


class MemorySeats(Seats):
    """The seats of this node alone."""

    def __init__(self, node: str) -> None:
        super().__init__(node)
        self.by_prefix: dict[str, set[str]] = {}
        self.by_user: dict[str, dict[str, Seat]] = {}

    async def take(self, seat: Seat, caps: Caps) -> Taken:
        if len(self.by_prefix.get(seat.prefix, ())) >= caps.per_prefix:
            return Taken(refused=True)
        self.add(seat)
        mine = sorted(self.by_user[seat.user_id].values(), key=lambda s: (s.opened_ms, s.key))
        evicted = mine[: max(0, len(mine) - caps.per_user)]
        for old in evicted:  # no longer counted for the person; still for the prefix
            del self.by_user[seat.user_id][old.key]
        return Taken(evict=tuple(s.key for s in evicted))

    def add(self, seat: Seat) -> None:
        self.by_prefix.setdefault(seat.prefix, set()).add(seat.key)
        self.by_user.setdefault(seat.user_id, {})[seat.key] = seat

    async def release(self, seat: Seat) -> None:
        keys = self.by_prefix.get(seat.prefix)
        if keys is not None:
            keys.discard(seat.key)
            if not keys:
                del self.by_prefix[seat.prefix]
        mine = self.by_user.get(seat.user_id)
        if mine is not None:
            mine.pop(seat.key, None)
            if not mine:
                del self.by_user[seat.user_id]


class RedisSeats(Seats):
    """The seats of every node, counted in Redis; this node's own ones kept in memory too
    (to count alone while Redis is away, and to put them back once it returns)."""

    def __init__(
        self, node: str, redis: Any, alive_ms: int, max_remembered: int = MAX_REMEMBERED
    ) -> None:
        super().__init__(node)
        self._redis = redis
        self._alive_ms = alive_ms
        self._take = redis.register_script(_TAKE)
        self._alive = redis.register_script(_ALIVE)
        self.local = MemorySeats(node)
        self.local.instance = self.instance
        self._mine: dict[str, Seat] = {}  # every seat of this process still open
        self._closed_while_away: list[Seat] = []
        self._max_remembered = max_remembered
        self._sweep = False  # more closed than remembered: sweep our fields at the restore
        self._degraded_until = 0.0
        self._lost = False  # Redis failed since our seats were last written there

    def _failed(self, what: str) -> None:
        if not self._lost:
            log.warning("connection caps: Redis unreachable (%s); counting this node alone", what)
        self._lost = True
        self._degraded_until = time.monotonic() + RETRY_REDIS_S

    def _usable(self) -> bool:
        return time.monotonic() >= self._degraded_until

    async def take(self, seat: Seat, caps: Caps) -> Taken:
        if self._usable():
            try:
                if self._lost:
                    await self._restore()
                answer = await self._take(
                    keys=[INSTANCES, f"papote:seats:prefix:{seat.prefix}", _user_key(seat)],
                    args=[
                        self.instance,
                        seat.key,
                        seat.opened_ms,
                        caps.per_user,
                        caps.per_prefix,
                        self._alive_ms,
                        TTL_S,
                    ],
                )
            except Exception:
                self._failed("take")
            else:
                if int(answer[1]):  # given up for a while (a long pause): seats written back
                    self._lost = True
                if int(answer[0]):
                    return Taken(refused=True)
                self._mine[seat.key] = seat
                self.local.add(seat)  # counted here too, should Redis go away
                return Taken(evict=tuple(_text(k) for k in answer[2:]))
        taken = await self.local.take(seat, caps)
        if not taken.refused:
            self._mine[seat.key] = seat
        return taken

    async def release(self, seat: Seat) -> None:
        self._mine.pop(seat.key, None)
        await self.local.release(seat)
        if not self._usable():
            self._closed_away(seat)
            return
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.hdel(f"papote:seats:prefix:{seat.prefix}", seat.key)
                pipe.hdel(_user_key(seat), seat.key)
                await pipe.execute()
        except Exception:
            self._failed("release")
            self._closed_away(seat)

    def _closed_away(self, seat: Seat) -> None:
        if len(self._closed_while_away) < self._max_remembered:
            self._closed_while_away.append(seat)
        else:
            self._sweep = True

    async def alive(self) -> None:
        try:
            stale = await self._alive(
                keys=[INSTANCES], args=[self.instance, TTL_S * 1000, self._alive_ms]
            )
            if self._lost or (int(stale) and self._mine):
                await self._restore()
        except Exception:
            self._failed("heartbeat")

    async def _restore(self) -> None:
        """Redis is back (perhaps restarted empty): our open seats in, our closed ones out."""
        closed = list(self._closed_while_away)
        sweep = self._sweep
        async with self._redis.pipeline(transaction=False) as pipe:
            for seat in closed:
                pipe.hdel(f"papote:seats:prefix:{seat.prefix}", seat.key)
                pipe.hdel(_user_key(seat), seat.key)
            for seat in self._mine.values():
                pipe.hset(f"papote:seats:prefix:{seat.prefix}", seat.key, seat.opened_ms)
                pipe.hset(_user_key(seat), seat.key, seat.opened_ms)
                pipe.expire(f"papote:seats:prefix:{seat.prefix}", TTL_S)
                pipe.expire(_user_key(seat), TTL_S)
            await pipe.execute()
        if sweep:
            await self._sweep_own()
        await self._alive(keys=[INSTANCES], args=[self.instance, TTL_S * 1000, self._alive_ms])
        del self._closed_while_away[: len(closed)]  # those closed meanwhile wait their turn
        self._sweep = self._sweep and not sweep
        self._lost = False
        self._degraded_until = 0.0
        log.warning("connection caps: %d seats of this node written back", len(self._mine))

    async def _sweep_own(self) -> None:
        """Remove every field of this process whose seat is no longer open (a SCAN of the
        seat keys: only after closing more seats than remembered while Redis was away)."""
        own = f"{self.instance}/"
        async for key in self._redis.scan_iter(match="papote:seats:[pu]*", count=500):
            fields = [_text(f) for f in await self._redis.hkeys(key)]
            stale = [f for f in fields if f.startswith(own) and f not in self._mine]
            if stale:
                await self._redis.hdel(key, *stale)


def _user_key(seat: Seat) -> str:
    return f"papote:seats:user:{seat.user_id}"


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
