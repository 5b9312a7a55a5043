"""Same-run pairs for docs/benchmarks.md, "The WebSocket stack": what the stack itself
costs per client frame (receive, gateway, reply), asgi against picows, alternated.

    .venv/bin/python scripts/bench_ws_stacks.py 200 20000 4

For each round and each stack: a fresh ``papote serve`` (relaxed limits, SQLite), N
people entered and welcomed over picows clients (cheap on the client side), then every
connection sends its share of ``ping`` frames in bursts of 20 and waits for the pongs.
Printed: pongs per second, server CPU per ping (µs, utime + stime from /proc), and the
time to open and welcome the N sockets. Each round runs the stacks in turn (asgi first
in odd rounds, picows first in even ones).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

import httpx
import orjson
import uvloop
from picows import WSFrame, WSListener, WSMsgType, WSTransport, ws_connect

from papote.bench.server import RELAXED_LIMITS, ServerProcess

BURST = 20


class _Client(WSListener):
    def __init__(self) -> None:
        self.pending = 0
        self.done: asyncio.Future[None] | None = None
        self.welcome: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def on_ws_frame(self, transport: WSTransport, frame: WSFrame) -> None:
        if frame.msg_type is not WSMsgType.TEXT:
            return
        payload = frame.get_payload_as_bytes()
        if payload.startswith(b'{"type":"pong"'):
            self.pending -= 1
            if self.pending == 0 and self.done is not None and not self.done.done():
                self.done.set_result(None)
        elif payload.startswith(b'{"type":"welcome"') and not self.welcome.done():
            self.welcome.set_result(None)


async def _run(stack: str, people: int, pings: int) -> dict[str, float]:
    server = ServerProcess(
        {**RELAXED_LIMITS, "PAPOTE_WS_STACK": stack, "PAPOTE_LOG_LEVEL": "WARNING"}
    ).start()
    try:
        async with httpx.AsyncClient(base_url=server.url) as http:
            tokens = []
            for i in range(people):
                body = {
                    "pseudo": f"bnch_{_letters(i + 10_000)}",
                    "age": 30,
                    "gender": "homme",
                    "postal_code": "75011",
                }
                reply = await http.post("/api/v1/session", json=body)
                tokens.append(reply.json()["token"])
        start = time.perf_counter()
        clients = []
        for token in tokens:
            transport, client = await ws_connect(_Client, server.ws_url)
            transport.send(WSMsgType.TEXT, orjson.dumps({"type": "hello", "token": token}))
            clients.append((transport, client))
        await asyncio.gather(*(c.welcome for _, c in clients))
        connect_s = time.perf_counter() - start
        each = pings // people
        ping = b'{"type":"ping","ref":1}'
        cpu0, t0 = server.cpu_seconds(), time.perf_counter()

        async def drive(transport: WSTransport, client: _Client) -> None:
            for _ in range(0, each, BURST):
                client.pending = BURST
                client.done = asyncio.get_running_loop().create_future()
                for _ in range(BURST):
                    transport.send(WSMsgType.TEXT, ping)
                await client.done

        await asyncio.gather(*(drive(t, c) for t, c in clients))
        wall, cpu = time.perf_counter() - t0, server.cpu_seconds() - cpu0
        for transport, _ in clients:
            transport.disconnect()
        total = each // BURST * BURST * people
        return {
            "pongs_per_second": round(total / wall),
            "server_cpu_us_per_ping": round(cpu / total * 1e6, 2),
            "server_cpu_share": round(cpu / wall, 2),
            "connect_seconds": round(connect_s, 2),
        }
    finally:
        server.stop()


def _letters(n: int) -> str:
    out = ""
    while True:
        n, r = divmod(n, 20)
        out += "bcdfghjklmnpqrstvwxz"[r]
        if not n:
            return out


async def main(people: int, pings: int, rounds: int) -> None:
    for round_ in range(rounds):
        order = ("asgi", "picows") if round_ % 2 == 0 else ("picows", "asgi")
        for stack in order:
            figures = await _run(stack, people, pings)
            print(json.dumps({"round": round_ + 1, "stack": stack, **figures}), flush=True)


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]] or [200, 20000, 4]
    uvloop.run(main(*args))
