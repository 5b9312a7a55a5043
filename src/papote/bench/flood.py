"""``papote bench flood``: what one flooder costs everybody else.

Starts ``papote serve`` with the production frame budget (other limits relaxed), puts
a listener, a bystander and a flooder in ``general``, then:

1. baseline: the bystander does ``ping`` round trips for ``--seconds`` (nobody floods);
2. flood: the flooder sends ``typing`` frames as fast as its socket takes them for
   ``--seconds`` while the bystander keeps pinging.

Reports the frames the flooder got in, the typing events the listener received, when
the flooder was closed, the bystander's ping p50/p99 in both phases and their ratio,
whether listener and bystander survived, and the server's CPU time in each phase.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import sys
import time
from collections.abc import Sequence
from typing import Any

import httpx
import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from papote.bench.load import _new_loop, _percentile_ms
from papote.bench.server import RELAXED_LIMITS, ServerProcess

TYPING = '{"type":"typing","room":"general"}'


async def _session(http: httpx.AsyncClient, name: str) -> dict[str, Any]:
    body = {"pseudo": name, "age": 30, "gender": "autre", "postal_code": "75011"}
    session: dict[str, Any] = (await http.post("/api/v1/session", json=body)).json()
    return session


async def _client(server: ServerProcess, http: httpx.AsyncClient, name: str) -> ClientConnection:
    session = await _session(http, name)
    ws = await connect(server.ws_url, max_size=None, ping_interval=None)
    await ws.send(orjson.dumps({"type": "hello", "token": session["token"]}).decode())
    await ws.recv()
    await ws.send('{"type":"join","room":"general","ref":"j"}')
    while orjson.loads(await ws.recv()).get("ref") != "j":
        pass
    return ws


async def _pings(ws: ClientConnection, seconds: float) -> list[float]:
    """Ping round trips for ``seconds``; stops early if the server drops this client."""
    latencies: list[float] = []
    with contextlib.suppress(ConnectionClosed):
        await _ping_loop(ws, seconds, latencies)
    return latencies


async def _ping_loop(ws: ClientConnection, seconds: float, latencies: list[float]) -> None:
    until = time.monotonic() + seconds
    n = 0
    while time.monotonic() < until:
        n += 1
        t0 = time.perf_counter()
        await ws.send(f'{{"type":"ping","ref":"p{n}"}}')
        while orjson.loads(await ws.recv()).get("ref") != f"p{n}":
            pass
        latencies.append(time.perf_counter() - t0)
        # a ping costs a frame: 5 a second stays within the production budget (40 / 5 s)
        await asyncio.sleep(0.2)


async def _count_typing(ws: ClientConnection, counter: list[int]) -> None:
    with contextlib.suppress(ConnectionClosed):
        async for raw in ws:
            if isinstance(raw, str) and raw.startswith('{"type":"typing"'):
                counter[0] += 1


def _flood_process(url: str, token: str, seconds: float, out: Any) -> None:
    """The flooder, in a process of its own: its loop must not slow the bystander's."""

    async def flood() -> tuple[int, float | None]:
        ws = await connect(url, max_size=None, ping_interval=None)
        await ws.send(orjson.dumps({"type": "hello", "token": token}).decode())
        await ws.recv()
        await ws.send('{"type":"join","room":"general"}')
        sent = 0
        started = time.monotonic()
        until = started + seconds
        try:
            while time.monotonic() < until:
                await ws.send(TYPING)
                sent += 1
                if sent % 256 == 0:
                    await asyncio.sleep(0)
        except ConnectionClosed:
            return sent, time.monotonic() - started
        return sent, None

    out.put(asyncio.run(flood()))


async def _bench(server: ServerProcess, seconds: float) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        listener = await _client(server, http, "Ecoute")
        bystander = await _client(server, http, "Passant")
        flooder = await _session(http, "Inondeur")
    typing_seen = [0]
    counter = asyncio.create_task(_count_typing(listener, typing_seen))
    cpu0 = server.cpu_seconds()
    baseline = await _pings(bystander, seconds)
    cpu_baseline = server.cpu_seconds() - cpu0
    cpu0 = server.cpu_seconds()
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    process = context.Process(
        target=_flood_process, args=(server.ws_url, flooder["token"], seconds, out)
    )
    process.start()
    during = await _pings(bystander, seconds)
    sent, closed_after = await asyncio.to_thread(out.get, True, 60)
    process.join(10)
    cpu_flood = server.cpu_seconds() - cpu0
    await asyncio.sleep(0.5)
    listener_alive = not counter.done()
    bystander_alive = bystander.close_code is None
    counter.cancel()
    for ws in (listener, bystander):
        with contextlib.suppress(Exception):
            await ws.close()
    return {
        "seconds": seconds,
        "typing_frames_sent": sent,
        "typing_events_received_by_listener": typing_seen[0],
        "flooder_closed_after_s": round(closed_after, 2) if closed_after else None,
        "listener_still_connected": listener_alive,
        "bystander_still_connected": bystander_alive,
        "ping_ms_p50_baseline": _percentile_ms(baseline, 0.5),
        "ping_ms_p99_baseline": _percentile_ms(baseline, 0.99),
        "ping_ms_p50_flood": _percentile_ms(during, 0.5),
        "ping_ms_p99_flood": _percentile_ms(during, 0.99),
        "ratio_p99_flood_to_baseline": round(
            _percentile_ms(during, 0.99) / max(_percentile_ms(baseline, 0.99), 1e-3), 1
        ),
        "server_cpu_s_baseline": round(cpu_baseline, 2),
        "server_cpu_s_flood": round(cpu_flood, 2),
    }


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="papote bench flood", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="each phase (default 10)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(list(argv))
    env = {**RELAXED_LIMITS, "PAPOTE_ENV": "prod", "PAPOTE_LOG_LEVEL": "WARNING"}
    env["PAPOTE_RATE_FRAMES"] = "40/5seconds"  # the production frame budget
    server = ServerProcess(env)
    loop = _new_loop()
    try:
        server.start()
        f = loop.run_until_complete(asyncio.wait_for(_bench(server, args.seconds), 300))
    except Exception as exc:
        print(f"papote bench flood failed: {exc!r}\n{server.logs()}", file=sys.stderr)
        return 1
    finally:
        loop.close()
        server.stop()
    if args.json:
        print(orjson.dumps(f).decode())
        return 0
    print(f"flood: one flooder sends typing frames for {f['seconds']} s in #general")
    print(
        f"  flooder: {f['typing_frames_sent']:,} frames sent, closed after "
        f"{f['flooder_closed_after_s']} s"
    )
    print(
        f"  listener: {f['typing_events_received_by_listener']} typing events, still "
        f"connected: {f['listener_still_connected']}; bystander still connected: "
        f"{f['bystander_still_connected']}"
    )
    print(
        f"  bystander ping p50/p99: baseline {f['ping_ms_p50_baseline']}/"
        f"{f['ping_ms_p99_baseline']} ms, during the flood {f['ping_ms_p50_flood']}/"
        f"{f['ping_ms_p99_flood']} ms (p99 x{f['ratio_p99_flood_to_baseline']})"
    )
    print(
        f"  server CPU: {f['server_cpu_s_baseline']} s baseline, {f['server_cpu_s_flood']} s "
        "during the flood"
    )
    return 0
