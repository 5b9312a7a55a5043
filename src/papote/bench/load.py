"""``papote bench load``: end-to-end load on a real server over real WebSockets.

Starts ``papote serve`` as a subprocess on a free loopback port with a temporary
data directory (SQLite unless ``--database-url``; in-process fan-out unless
``--redis-url``) and relaxed rate limits, then, from this one asyncio process:

1. enters U users (``POST /api/v1/session``), connects them (``hello``) and has each
   join ``general``; the server's RSS is read before and after, hence memory per
   connection;
2. baseline: S senders in parallel each do M ``ping`` -> ``pong`` round trips,
   one at a time;
3. S senders in parallel each send M ``say`` frames to ``general``, each waiting for
   its ``ack`` before the next; every client counts the ``message`` frames it gets.

Reports acknowledged messages per second, ack latency p50/p99, delivered frames per
second, the same figures for the ping baseline and their ratio, the server's CPU time
per message and per delivered frame, and the server's memory per connection.

Only loopback traffic; bounded in count and time (``--timeout``), the server is
always stopped. Beware the server's spam rules: as first committed, 8 messages from one
sender within 10 s were held for a moderator, so ``--messages`` defaults to 7; held or
rejected messages are counted in ``rejected``, not delivered.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from papote.bench.names import run_tag
from papote.bench.server import RELAXED_LIMITS, ServerProcess

ROOM = "general"
BURST_LIMIT = 8  # rule spam.burst as first committed: the 8th message within 10 s is held
TEXTS = [
    "salut tout le monde",
    "quelqu'un de Lyon ce soir ?",
    "il fait beau à Marseille",
    "vous regardez le match ?",
    "bonne soirée à tous",
    "je cherche un bon film à voir",
    "trop bien cette musique",
    "qui vient de Bretagne ?",
    "j'ai faim, pizza ou sushi ?",
    "je rentre du boulot, crevé",
    "quelqu'un a des idées de sortie ?",
    "coucou les gens",
]
MESSAGE_PREFIX = '{"type":"message"'  # the server encodes with orjson: "type" comes first


@dataclass
class Totals:
    delivered: int = 0
    last_delivery: float = 0.0
    expected: int = -1
    reached: asyncio.Event = field(default_factory=asyncio.Event)


class BenchClient:
    """One WebSocket: counts ``message`` frames, routes replies to waiters by ``ref``."""

    def __init__(self, ws: ClientConnection, user_id: str, totals: Totals) -> None:
        self.ws = ws
        self.user_id = user_id
        self.totals = totals
        self.messages = 0
        self.waiters: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.failure = ""
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        totals = self.totals
        why = "no close frame"
        try:
            async for raw in self.ws:
                if isinstance(raw, str) and raw.startswith(MESSAGE_PREFIX):
                    self.messages += 1
                    totals.delivered += 1
                    totals.last_delivery = time.perf_counter()
                    if totals.delivered == totals.expected:
                        totals.reached.set()
                    continue
                frame = orjson.loads(raw)
                waiter = self.waiters.pop(str(frame.get("ref")), None)
                if waiter is not None and not waiter.done():
                    waiter.set_result(frame)
        except ConnectionClosed as exc:
            if exc.rcvd is not None:
                why = f"code {exc.rcvd.code} {exc.rcvd.reason!r}"
        except Exception as exc:  # a bug here must fail the run, not hang it
            why = f"client reader failed: {exc!r}"
        finally:
            self.failure = f"connection of {self.user_id} ended: {why}"
            for waiter in self.waiters.values():
                if not waiter.done():
                    waiter.set_exception(ConnectionError(self.failure))

    async def request(self, frame: dict[str, Any], ref: str, timeout: float) -> dict[str, Any]:
        if self.reader.done():
            raise ConnectionError(self.failure)
        waiter = asyncio.get_running_loop().create_future()
        self.waiters[ref] = waiter
        await self.ws.send(orjson.dumps({**frame, "ref": ref}).decode())
        return await asyncio.wait_for(waiter, timeout)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.ws.close()
        self.reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self.reader


async def _enter(http: httpx.AsyncClient, pseudo: str) -> dict[str, Any]:
    body = {"pseudo": pseudo, "age": 30, "gender": "autre", "postal_code": "69003"}
    response = await http.post("/api/v1/session", json=body)
    if response.status_code != 201:
        raise RuntimeError(f"entry refused ({response.status_code}): {response.text}")
    data: dict[str, Any] = response.json()
    return data


async def _connect(
    server: ServerProcess, session: dict[str, Any], totals: Totals, compression: bool
) -> BenchClient:
    ws = await connect(
        server.ws_url,
        max_size=None,
        ping_interval=None,
        open_timeout=30,
        compression="deflate" if compression else None,
    )
    client = BenchClient(ws, session["user"]["id"], totals)
    welcome = await client.request({"type": "hello", "token": session["token"]}, "hello", 30)
    if welcome["type"] != "welcome":
        raise RuntimeError(f"hello refused: {welcome}")
    joined = await client.request({"type": "join", "room": ROOM}, "join", 30)
    if joined["type"] != "joined":
        raise RuntimeError(f"join refused: {joined}")
    return client


# -- measurement ---------------------------------------------------------------------
def _percentile_ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1e3, 3)


async def _round_trips(
    senders: list[BenchClient], count: int, frame_of: Any, expect: str, timeout: float
) -> tuple[list[float], Counter[str], float]:
    """Each sender does ``count`` request -> reply round trips, one at a time, in parallel.

    Returns (latencies of the expected replies, other replies by code, wall time).
    """
    latencies: list[float] = []
    other: Counter[str] = Counter()

    async def one(index: int, client: BenchClient) -> None:
        for i in range(count):
            t0 = time.perf_counter()
            reply = await client.request(frame_of(index, i), f"{expect}-{index}-{i}", timeout)
            if reply["type"] == expect:
                latencies.append(time.perf_counter() - t0)
            else:
                other[str(reply.get("code") or reply["type"])] += 1

    start = time.perf_counter()
    await asyncio.gather(*(one(k, c) for k, c in enumerate(senders)))
    return latencies, other, time.perf_counter() - start


def _say(index: int, i: int) -> dict[str, Any]:
    # no digits: "quelqu'un a ... 18" is read as seeking minors by the moderation rules
    return {"type": "say", "room": ROOM, "text": TEXTS[(index + i) % len(TEXTS)]}


def _ping(_index: int, _i: int) -> dict[str, Any]:
    return {"type": "ping"}


async def _bench(args: argparse.Namespace, server: ServerProcess) -> dict[str, Any]:
    totals = Totals()
    clients: list[BenchClient] = []
    run = run_tag(6)
    timeout = args.reply_timeout
    phase = "entry"
    try:
        # 1. entry over HTTP, then RSS, then WebSockets, then RSS again
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            sessions = []
            for first in range(0, args.users, 50):
                batch = range(first, min(args.users, first + 50))
                sessions += await asyncio.gather(*(_enter(http, f"b{run}_{i}") for i in batch))
        await asyncio.sleep(0.5)
        rss_before = server.rss_kib()
        phase = "connect"
        t0 = time.perf_counter()
        gate = asyncio.Semaphore(args.connect_concurrency)

        async def connect_one(session: dict[str, Any]) -> BenchClient:
            async with gate:
                return await _connect(server, session, totals, args.compression)

        results = await asyncio.gather(*(connect_one(s) for s in sessions), return_exceptions=True)
        clients = [r for r in results if isinstance(r, BenchClient)]
        failures = [r for r in results if isinstance(r, BaseException)]
        if failures:
            raise RuntimeError(
                f"{len(failures)} of {args.users} connections failed; first: {failures[0]!r}"
            )
        connect_s = time.perf_counter() - t0
        # let the presence / member_joined storm settle before measuring
        for client in clients[: args.senders]:
            await client.request({"type": "ping"}, "settle", timeout)
        await asyncio.sleep(1.0)
        rss_after = server.rss_kib()

        senders = clients[: args.senders]
        phase = "ping"
        # warm-up: a few round trips per sender (not counted)
        await _round_trips(senders, 3, _ping, "pong", timeout)

        # 2. baseline: ping -> pong
        cpu0 = server.cpu_seconds()
        ping_lat, ping_other, ping_s = await _round_trips(
            senders, args.messages, _ping, "pong", timeout
        )
        ping_cpu = server.cpu_seconds() - cpu0

        # 3. say -> ack, and the fan-out to every member
        phase = "say"
        delivered_before = totals.delivered
        cpu0 = server.cpu_seconds()
        client_cpu0 = time.process_time()
        start = time.perf_counter()
        ack_lat, rejected, acks_s = await _round_trips(senders, args.messages, _say, "ack", timeout)
        acked = len(ack_lat)
        totals.expected = delivered_before + acked * args.users
        if totals.delivered < totals.expected:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(totals.reached.wait(), args.drain_timeout)
        delivered = totals.delivered - delivered_before
        deliver_s = max(totals.last_delivery - start, acks_s)
        say_cpu = server.cpu_seconds() - cpu0
        client_cpu = time.process_time() - client_cpu0
        rss_end = server.rss_kib()
        missing = [c.user_id for c in clients if c.messages < acked]
    except Exception as exc:
        raise RuntimeError(f"{phase} phase: {exc!r}") from exc
    finally:
        await asyncio.gather(*(c.close() for c in clients))

    round_trips = len(senders) * args.messages
    return {
        "users": args.users,
        "senders": args.senders,
        "messages_per_sender": args.messages,
        "database": "postgresql" if args.database_url else "sqlite",
        "broker": "redis" if args.redis_url else "in-process",
        "compression": "deflate" if args.compression else "none",
        "connect_seconds": round(connect_s, 2),
        "rss_before_connect_mib": round(rss_before / 1024, 1),
        "rss_after_connect_mib": round(rss_after / 1024, 1),
        "rss_end_mib": round(rss_end / 1024, 1),
        "rss_per_connection_kib": round((rss_after - rss_before) / args.users, 1),
        "pings": len(ping_lat),
        "ping_errors": dict(ping_other),
        "pings_per_second": round(len(ping_lat) / ping_s, 1),
        "ping_ms_p50": _percentile_ms(ping_lat, 0.50) if ping_lat else None,
        "ping_ms_p99": _percentile_ms(ping_lat, 0.99) if ping_lat else None,
        # /proc CPU times tick every 10 ms: too few pings give no usable figure
        "server_cpu_us_per_ping": (
            round(ping_cpu / len(ping_lat) * 1e6, 1) if ping_cpu >= 0.05 and ping_lat else None
        ),
        "sent": round_trips,
        "acked": acked,
        "rejected": dict(rejected),
        "acks_per_second": round(acked / acks_s, 1) if acked else 0.0,
        "ack_ms_p50": _percentile_ms(ack_lat, 0.50) if ack_lat else None,
        "ack_ms_p99": _percentile_ms(ack_lat, 0.99) if ack_lat else None,
        "ack_ms_mean": round(statistics.fmean(ack_lat) * 1e3, 3) if ack_lat else None,
        "delivered": delivered,
        "expected_deliveries": acked * args.users,
        "clients_missing_messages": len(missing),
        "delivered_per_second": round(delivered / deliver_s, 1) if delivered else 0.0,
        "server_cpu_seconds_messages": round(say_cpu, 2),
        "server_cpu_us_per_message": round(say_cpu / max(1, acked) * 1e6, 1),
        "server_cpu_us_per_delivery": round(say_cpu / max(1, delivered) * 1e6, 2),
        "client_cpu_seconds_messages": round(client_cpu, 2),
        "wall_seconds_messages": round(deliver_s, 2),
        "ratio_ack_p50_to_ping_p50": (
            round(_percentile_ms(ack_lat, 0.5) / _percentile_ms(ping_lat, 0.5), 1)
            if ack_lat and ping_lat
            else None
        ),
        "ratio_pings_to_acks_per_second": (
            round((len(ping_lat) / ping_s) / (acked / acks_s), 1) if acked and ping_lat else None
        ),
    }


async def _bounded(args: argparse.Namespace, server: ServerProcess) -> dict[str, Any]:
    """The whole run within ``--timeout``; no task left behind, whatever happens."""
    try:
        return await asyncio.wait_for(_bench(args, server), args.timeout)
    finally:
        current = asyncio.current_task()
        leftovers = [t for t in asyncio.all_tasks() if t is not current]
        for task in leftovers:
            task.cancel()
        await asyncio.gather(*leftovers, return_exceptions=True)


def _new_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def _print(f: dict[str, Any]) -> None:
    print(
        f"load: {f['users']} users in #{ROOM}, {f['senders']} senders x "
        f"{f['messages_per_sender']} messages; {f['database']}, {f['broker']} broker, "
        f"compression {f['compression']}"
    )
    print(
        f"  connect + join: {f['connect_seconds']} s; server RSS "
        f"{f['rss_before_connect_mib']} -> {f['rss_after_connect_mib']} MiB "
        f"({f['rss_per_connection_kib']} KiB per connection), {f['rss_end_mib']} MiB at the end"
    )
    print(
        f"  ping -> pong (baseline): {f['pings_per_second']:>9,} /s   p50 {f['ping_ms_p50']} ms   "
        f"p99 {f['ping_ms_p99']} ms   server CPU {f['server_cpu_us_per_ping']} µs/ping"
    )
    print(
        f"  say  -> ack:             {f['acks_per_second']:>9,} /s   p50 {f['ack_ms_p50']} ms   "
        f"p99 {f['ack_ms_p99']} ms   server CPU {f['server_cpu_us_per_message']} µs/message"
    )
    print(
        f"  delivered message frames: {f['delivered']:,} of {f['expected_deliveries']:,} "
        f"expected, {f['delivered_per_second']:,} /s, server CPU "
        f"{f['server_cpu_us_per_delivery']} µs/frame"
    )
    print(
        f"  ratios to the baseline: ack p50 {f['ratio_ack_p50_to_ping_p50']}x the ping p50; "
        f"pings/s {f['ratio_pings_to_acks_per_second']}x acks/s"
    )
    if f["rejected"]:
        print(f"  rejected: {f['rejected']}")
    print(
        f"  client CPU during the message phase: {f['client_cpu_seconds_messages']} s of "
        f"{f['wall_seconds_messages']} s"
    )


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="papote bench load", description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200, help="connected users (default 200)")
    parser.add_argument("--senders", type=int, default=20, help="users who send (default 20)")
    parser.add_argument(
        "--messages",
        type=int,
        default=7,
        help="messages per sender, and pings per sender for the baseline "
        f"(default 7: the spam rules as first committed held the {BURST_LIMIT}th within 10 s)",
    )
    parser.add_argument("--database-url", help="PostgreSQL URL (default: SQLite in a temp dir)")
    parser.add_argument("--redis-url", help="run the server with the Redis broker")
    parser.add_argument(
        "--no-compression",
        dest="compression",
        action="store_false",
        help="do not offer permessage-deflate (browsers do; the default offers it)",
    )
    parser.add_argument(
        "--connect-concurrency",
        type=int,
        default=8,
        help="connections opened at once (default 8; at 20 the SQLite server "
        "can fail hellos with 'database is locked')",
    )
    parser.add_argument(
        "--reply-timeout", type=float, default=10.0, help="seconds to wait for one reply"
    )
    parser.add_argument(
        "--drain-timeout",
        type=float,
        default=20.0,
        help="seconds to wait for the last deliveries after the last ack",
    )
    parser.add_argument("--timeout", type=float, default=240.0, help="bound on the whole run")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args(list(argv))
    if args.users < 1 or args.messages < 1 or not 1 <= args.senders <= args.users:
        parser.error("need users >= 1, messages >= 1 and 1 <= senders <= users")
    if args.messages >= BURST_LIMIT:
        print(
            f"note: {args.messages} messages per sender: the server's spam rules may hold "
            f"a fast sender's messages (as first committed, from the {BURST_LIMIT}th "
            "within 10 s); held ones are counted as rejected, not delivered",
            file=sys.stderr,
        )
    env = {**RELAXED_LIMITS, "PAPOTE_ENV": "prod", "PAPOTE_LOG_LEVEL": "WARNING"}
    if args.database_url:
        env["PAPOTE_DATABASE_URL"] = args.database_url
    if args.redis_url:
        env["PAPOTE_REDIS_URL"] = args.redis_url
    server = ServerProcess(env)
    loop = _new_loop()
    try:
        server.start()
        figures = loop.run_until_complete(_bounded(args, server))
    except Exception as exc:
        print(f"papote bench load failed: {exc!r}", file=sys.stderr)
        logs = server.logs()
        if logs:
            print(f"server log (end):\n{logs}", file=sys.stderr)
        return 1
    finally:
        loop.close()
        server.stop()
    if args.json:
        print(orjson.dumps(figures).decode())
    else:
        _print(figures)
    return 0 if figures["delivered"] == figures["expected_deliveries"] else 1
