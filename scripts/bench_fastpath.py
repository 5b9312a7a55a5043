"""Same-run pairs for docs/benchmarks.md, "The fast path": the real ``Hub`` and
``Connection`` in one process, no network.

    .venv/bin/python scripts/bench_fastpath.py raw 100 1000 2000
    .venv/bin/python scripts/bench_fastpath.py presence 500 1000 2000

``raw``: one room of N members, 200 messages; the writer-task path (a transport without
``raw_writer``) against the raw path (frames' bytes, one write per connection per loop
iteration), best of 3 each. ``presence``: N people online across the 13 regions, then
N/2 arrive and later leave; presence to everyone (the old ``all`` envelope) against
presence to watchers, one change at a time and in one batch per phase.
"""

from __future__ import annotations

import asyncio
import gc
import sys
import time
from dataclasses import replace

import uvloop

from papote.bench.fanout import ROOM, CountingTransport, _user, _view
from papote.realtime.broker import Envelope
from papote.realtime.connection import Connection
from papote.realtime.events import MessageEvent, PresenceEvent, PublicUser
from papote.realtime.hub import Hub

REGIONS = [
    "Île-de-France",
    "Auvergne-Rhône-Alpes",
    "Occitanie",
    "Nouvelle-Aquitaine",
    "Hauts-de-France",
    "Grand Est",
    "Provence-Alpes-Côte d'Azur",
    "Bretagne",
    "Normandie",
    "Pays de la Loire",
    "Bourgogne-Franche-Comté",
    "Centre-Val de Loire",
    "Corse",
]


class Stream:
    """A socket's transport that takes every byte at once."""

    def __init__(self) -> None:
        self.writes = 0
        self.bytes = 0

    def write(self, data: bytes) -> None:
        self.writes += 1
        self.bytes += len(data)

    def get_write_buffer_size(self) -> int:
        return 0

    def is_closing(self) -> bool:
        return False


class RawCounting(CountingTransport):
    __slots__ = ("stream",)

    def __init__(self) -> None:
        super().__init__()
        self.stream = Stream()

    def raw_writer(self) -> Stream:
        return self.stream


async def _room(members: int, messages: int, raw: bool) -> float:
    hub = Hub()
    t = RawCounting() if raw else CountingTransport()
    users = [_user(i) for i in range(members)]
    conns = []
    for u in users:
        conn = Connection(t, u.id)
        hub.attach(conn, set())
        hub.directory[u.id] = u
        hub.members.setdefault(ROOM, set()).add(u.id)
        hub.rooms_of.setdefault(u.id, set()).add(ROOM)
        conns.append(conn)
    await asyncio.sleep(0)
    frames = [MessageEvent(_view(i, users[0])).encode() for i in range(messages)]

    async def one(frame: str) -> None:
        envelope = Envelope(f"room:{ROOM}", frame, sender=users[0].id)
        if isinstance(t, RawCounting):
            before = t.stream.writes
            await hub.deliver(envelope)
            await asyncio.sleep(0)
            if t.stream.writes - before != members:
                raise RuntimeError("lost frames")
        else:
            t.target = t.sent + members
            t.done = asyncio.Event()
            await hub.deliver(envelope)
            await t.done.wait()

    for frame in frames[:20]:
        await one(frame)
    gc.collect()
    t0 = time.perf_counter()
    for frame in frames:
        await one(frame)
    elapsed = time.perf_counter() - t0
    for conn in conns:
        await conn.stop()
    return elapsed / (members * messages) * 1e6


async def _change(hub: Hub, user: PublicUser, mode: str, online: bool) -> None:
    control = (
        {"op": "online", "node": "n", "user": user.to_json()}
        if online
        else {"op": "offline", "node": "n", "user_id": user.id}
    )
    if mode == "all":
        frame = PresenceEvent(user, "online" if online else "offline").encode()
        await hub.deliver(Envelope("all", frame, control=control))
    else:
        await hub.deliver(Envelope("presence", sender=user.id, control=control))


async def _presence(n: int, mode: str) -> tuple[float, int, int]:
    hub = Hub(presence_batch_s=60.0 if mode == "batched" else 0.0)
    t = RawCounting()
    users = [replace(_user(i), region=REGIONS[i % len(REGIONS)]) for i in range(n + n // 2)]
    for u in users[:n]:
        hub.attach(Connection(t, u.id), set())
        hub.directory[u.id] = u
    conns: dict[str, Connection] = {}
    t0 = time.perf_counter()
    for online in (True, False):
        for u in users[n:]:
            if online:
                conns[u.id] = Connection(t, u.id)
                hub.attach(conns[u.id], set())
            else:
                hub.detach(conns[u.id])
            await _change(hub, u, mode, online)
            await asyncio.sleep(0)
        hub.presence.flush()  # one batch per phase
        await asyncio.sleep(0)
    return time.perf_counter() - t0, t.stream.writes, t.stream.bytes


async def main(what: str, sizes: list[int]) -> None:
    for n in sizes:
        if what == "raw":
            task = min([await _room(n, 200, False) for _ in range(3)])
            raw = min([await _room(n, 200, True) for _ in range(3)])
            print(
                f"{n} members: writer tasks {task:.2f} µs/delivery, raw path {raw:.2f} µs "
                f"({1e6 / raw:,.0f}/s), {task / raw:.1f}×"
            )
        else:
            out = []
            for mode in ("all", "watchers", "batched"):
                elapsed, writes, size = await _presence(n, mode)
                out.append(
                    f"{mode}: {elapsed * 1e3:,.0f} ms, {writes:,} writes, {size / 1e6:.1f} MB"
                )
            print(f"{n} online, {n // 2} arrive then leave: " + " | ".join(out), flush=True)


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("raw", "presence"):
        sys.exit(__doc__)
    uvloop.run(main(sys.argv[1], [int(a) for a in sys.argv[2:]]))
