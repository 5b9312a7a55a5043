"""``papote bench soak``: a realistic load for a long time, with faults injected.

Starts its own PostgreSQL (or uses ``--database-url``) and its own Redis, and
``--nodes`` server processes sharing them. ``--users`` people enter, each joins
``general`` and one theme room, has a few private correspondents, and sends a
line every ``--interval`` seconds on average. Meanwhile, on a schedule spread over
``--minutes``: clients' sockets are dropped (they reconnect and catch up), a node is
killed with SIGKILL and restarted, PostgreSQL is killed with SIGKILL and restarted
(crash recovery; only when the soak started it), Redis is killed and restarted empty,
another node is killed. Clients reconnect to any node with their token and fetch what
they missed (``history`` ``after``), also when the server says ``resync``.

Reports messages acknowledged, delivered (live and fetched), lost (an acknowledged
message that one of its recipients never got: must be 0), acknowledged but not in
the database at the end (must be 0), p99 latencies of acks and live deliveries across
the whole run, and the memory growth of the nodes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
import orjson

from papote.bench.load import _new_loop, _percentile_ms
from papote.bench.names import run_tag
from papote.bench.server import RELAXED_LIMITS, ServerProcess
from papote.bench.services import PostgresProcess, RedisProcess
from papote.bench.soak_client import Ledger, SoakClient

THEMES = ["musique", "sport", "cinema-series"]
START_TIMEOUT_S = 120.0  # a loaded machine starts a node slowly
QUIESCE_S = 8.0  # after the last message: deliveries and catch-ups finish


@dataclass
class Fault:
    at: float  # fraction of the run
    kind: str  # drop | kill_node | kill_postgres | restart_redis
    arg: int = 0


SCHEDULE = [
    Fault(0.10, "drop"),
    Fault(0.25, "kill_node", 1),
    Fault(0.35, "drop"),
    Fault(0.42, "kill_postgres"),
    Fault(0.50, "restart_redis"),
    Fault(0.65, "drop"),
    Fault(0.75, "kill_node", -1),  # the last node (node 0 is never killed: its memory
    # growth over the whole run is the figure reported)
    Fault(0.90, "drop"),
]


@dataclass
class Cluster:
    nodes: list[ServerProcess]
    redis: RedisProcess
    postgres: PostgresProcess | None  # None: not ours, never killed
    database_url: str
    rss_start: dict[str, int] = field(default_factory=dict)
    rss_peak: dict[str, int] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)

    def sample_rss(self) -> None:
        for node in self.nodes:
            name = node.env["PAPOTE_NODE_NAME"]
            with contextlib.suppress(Exception):
                rss = node.rss_kib()
                self.rss_peak[name] = max(self.rss_peak.get(name, 0), rss)


async def _enter(http: httpx.AsyncClient, pseudo: str) -> dict[str, Any]:
    body = {"pseudo": pseudo, "age": 30, "gender": "autre", "postal_code": "69003"}
    response = await http.post("/api/v1/session", json=body)
    if response.status_code != 201:
        raise RuntimeError(f"entry refused ({response.status_code}): {response.text}")
    data: dict[str, Any] = response.json()
    return data


async def _people(args: argparse.Namespace, cluster: Cluster, ledger: Ledger) -> list[SoakClient]:
    run = run_tag(5)
    urls = [n.ws_url for n in cluster.nodes]
    clients = []
    async with httpx.AsyncClient(base_url=cluster.nodes[0].url, timeout=30) as http:
        for i in range(args.users):
            session = await _enter(http, f"s{run}_{i}")
            rooms = ["general", THEMES[i % len(THEMES)]]
            clients.append(SoakClient(session, urls, rooms, ledger, preferred=i))
    for i, client in enumerate(clients):  # a ring of private correspondents
        for step in (1, 2):
            other = clients[(i + step) % len(clients)]
            client.partners.append(other.id)
            other.partners.append(client.id)
    gate = asyncio.Semaphore(8)

    async def start(client: SoakClient) -> None:
        async with gate:
            await client.start()

    await asyncio.gather(*(start(c) for c in clients))
    return clients


async def _talk(client: SoakClient, interval: float, until: float, seed: int) -> None:
    rng = random.Random(seed)
    await asyncio.sleep(rng.uniform(0, interval))
    while time.monotonic() < until:
        await client.send_one(rng)
        await asyncio.sleep(rng.uniform(0.5 * interval, 1.5 * interval))


async def _restart_node(cluster: Cluster, index: int, down_s: float) -> None:
    node = cluster.nodes[index]
    node.kill9()
    cluster.events.append(f"{time.strftime('%H:%M:%S')} node {node.env['PAPOTE_NODE_NAME']} killed")
    await asyncio.sleep(down_s)
    await asyncio.to_thread(node.start, START_TIMEOUT_S)
    cluster.events.append(f"{time.strftime('%H:%M:%S')} node restarted")


async def _faults(
    cluster: Cluster, clients: list[SoakClient], duration: float, rng: random.Random
) -> None:
    start = time.monotonic()
    for fault in SCHEDULE:
        await asyncio.sleep(max(0.0, start + fault.at * duration - time.monotonic()))
        if fault.kind == "drop":
            victims = rng.sample(clients, max(1, len(clients) // 6))
            for client in victims:
                await client.drop()
            cluster.events.append(f"{time.strftime('%H:%M:%S')} {len(victims)} clients dropped")
        elif fault.kind == "kill_node":
            await _restart_node(cluster, fault.arg % len(cluster.nodes), 5.0)
        elif fault.kind == "kill_postgres":
            await _crash_postgres(cluster)
        elif fault.kind == "restart_redis":
            cluster.redis.kill()
            cluster.events.append(f"{time.strftime('%H:%M:%S')} Redis killed")
            await asyncio.sleep(3.0)
            await asyncio.to_thread(cluster.redis.start)
            cluster.events.append(f"{time.strftime('%H:%M:%S')} Redis restarted (empty)")


async def _crash_postgres(cluster: Cluster, down_s: float = 3.0) -> None:
    if cluster.postgres is None:
        cluster.events.append(f"{time.strftime('%H:%M:%S')} PostgreSQL not ours: not killed")
        return
    await asyncio.to_thread(cluster.postgres.kill9)
    cluster.events.append(f"{time.strftime('%H:%M:%S')} PostgreSQL killed (SIGKILL)")
    await asyncio.sleep(down_s)
    await asyncio.to_thread(cluster.postgres.start)
    cluster.events.append(f"{time.strftime('%H:%M:%S')} PostgreSQL restarted (crash recovery)")


async def _not_stored(database_url: str, acked: list[str]) -> int:
    """How many acknowledged messages the database does not hold at the end."""
    dsn = database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch("SELECT id FROM messages WHERE id = ANY($1::text[])", acked)
    finally:
        await conn.close()
    return len(set(acked) - {r["id"] for r in rows})


async def _sample(cluster: Cluster, every: float) -> None:
    while True:
        cluster.sample_rss()
        await asyncio.sleep(every)


def _account(ledger: Ledger, clients: list[SoakClient]) -> dict[str, Any]:
    """Who should have received each acknowledged message, and who did."""
    members: dict[str, list[str]] = {}
    for c in clients:
        for room in c.rooms:
            members.setdefault(f"room:{room}", []).append(c.id)
    expected = delivered_live = fetched = 0
    missing: list[tuple[str, str]] = []
    delivery_latency: list[float] = []
    for message_id, (conv, t_sent, sender) in ledger.acked.items():
        if conv.startswith("room:"):
            recipients = [u for u in members[conv] if u != sender]
        else:
            recipients = [u for u in conv[3:].split(":") if u != sender]
        for user in recipients:
            expected += 1
            got = ledger.received.get(user, {}).get(message_id)
            if got is None:
                missing.append((user, message_id))
            elif got[1] == "live":
                delivered_live += 1
                delivery_latency.append(got[0] - t_sent)
            else:
                fetched += 1
    return {
        "expected_deliveries": expected,
        "delivered_live": delivered_live,
        "delivered_by_history": fetched,
        "lost": len(missing),
        "lost_examples": missing[:5],
        "delivery_ms_p50": _percentile_ms(delivery_latency, 0.5) if delivery_latency else None,
        "delivery_ms_p99": _percentile_ms(delivery_latency, 0.99) if delivery_latency else None,
    }


def _calm_baseline(ledger: Ledger, calm_until: float) -> dict[str, Any]:
    """Ack latency before the first fault: the same run's baseline for the figures."""
    calm = [
        lat for lat, sent in zip(ledger.ack_latency, ledger.ack_sent_at, strict=True)
        if sent < calm_until
    ]  # fmt: skip
    return {
        "acked_before_faults": len(calm),
        "ack_ms_p50_before_faults": _percentile_ms(calm, 0.5) if calm else None,
        "ack_ms_p99_before_faults": _percentile_ms(calm, 0.99) if calm else None,
    }


async def _soak(args: argparse.Namespace, cluster: Cluster) -> dict[str, Any]:
    ledger = Ledger()
    clients = await _people(args, cluster, ledger)
    await asyncio.sleep(2.0)
    for node in cluster.nodes:
        cluster.rss_start[node.env["PAPOTE_NODE_NAME"]] = node.rss_kib()
    duration = args.minutes * 60
    rng = random.Random(args.seed)
    sampler = asyncio.create_task(_sample(cluster, 2.0))
    t0 = time.monotonic()
    calm_until = time.perf_counter() + SCHEDULE[0].at * duration  # before the first fault
    until = t0 + duration
    try:
        await asyncio.gather(
            _faults(cluster, clients, duration, rng),
            *(_talk(c, args.interval, until, args.seed + i) for i, c in enumerate(clients)),
        )
        await asyncio.sleep(QUIESCE_S)
        online = sum(c.online.is_set() for c in clients)
    finally:
        sampler.cancel()
        await asyncio.gather(*(c.stop() for c in clients), return_exceptions=True)
    wall = time.monotonic() - t0
    first = cluster.nodes[0].env["PAPOTE_NODE_NAME"]
    rss_start = cluster.rss_start
    rss_end = {}
    for node in cluster.nodes:
        with contextlib.suppress(Exception):
            rss_end[node.env["PAPOTE_NODE_NAME"]] = node.rss_kib()
    figures = {
        "minutes": args.minutes,
        "nodes": len(cluster.nodes),
        "users": args.users,
        "interval_s": args.interval,
        "wall_seconds": round(wall, 1),
        "acked": len(ledger.acked),
        "acks_per_second": round(len(ledger.acked) / wall, 2),
        "rejected": dict(ledger.rejected),
        "acked_not_stored": await _not_stored(cluster.database_url, list(ledger.acked)),
        "unanswered": ledger.unanswered,
        "reconnects": ledger.reconnects,
        "resync_frames": ledger.resyncs,
        "clients_online_at_end": online,
        "ack_ms_p50": _percentile_ms(ledger.ack_latency, 0.5) if ledger.ack_latency else None,
        "ack_ms_p99": _percentile_ms(ledger.ack_latency, 0.99) if ledger.ack_latency else None,
        **_calm_baseline(ledger, calm_until),
        **_account(ledger, clients),
        "rss_start_mib": {k: round(v / 1024, 1) for k, v in cluster.rss_start.items()},
        "rss_end_mib": {k: round(v / 1024, 1) for k, v in rss_end.items()},
        "rss_peak_mib": {k: round(v / 1024, 1) for k, v in cluster.rss_peak.items()},
        "rss_growth_mib_never_killed_node": round((rss_end[first] - rss_start[first]) / 1024, 1),
        "faults": cluster.events,
    }
    # killed nodes restart fresh: their end figure is a new process's
    return figures


async def _tidy(work: Any) -> dict[str, Any]:
    """Run the soak; whatever happens, leave no task behind on the loop."""
    try:
        result: dict[str, Any] = await work
        return result
    finally:
        current = asyncio.current_task()
        leftovers = [t for t in asyncio.all_tasks() if t is not current]
        for task in leftovers:
            task.cancel()
        await asyncio.gather(*leftovers, return_exceptions=True)


def _print(f: dict[str, Any]) -> None:
    print(
        f"soak: {f['minutes']} min, {f['nodes']} nodes, {f['users']} users, a line every "
        f"~{f['interval_s']} s each; wall {f['wall_seconds']} s"
    )
    for event in f["faults"]:
        print(f"  fault: {event}")
    print(
        f"  acknowledged {f['acked']:,} ({f['acks_per_second']}/s), rejected {f['rejected']}, "
        f"unanswered (socket died mid-request) {f['unanswered']}; acknowledged but not in the "
        f"database at the end: {f['acked_not_stored']}"
    )
    print(
        f"  deliveries expected {f['expected_deliveries']:,}: live {f['delivered_live']:,}, "
        f"fetched after a reconnect or resync {f['delivered_by_history']:,}, LOST {f['lost']}"
    )
    if f["lost"]:
        print(f"  lost (recipient, message id), first ones: {f['lost_examples']}")
    print(
        f"  latency p50/p99: ack {f['ack_ms_p50']}/{f['ack_ms_p99']} ms, live delivery "
        f"{f['delivery_ms_p50']}/{f['delivery_ms_p99']} ms; baseline before the first fault "
        f"({f['acked_before_faults']} acks): ack {f['ack_ms_p50_before_faults']}/"
        f"{f['ack_ms_p99_before_faults']} ms"
    )
    print(
        f"  reconnects {f['reconnects']}, resync frames {f['resync_frames']}, "
        f"online at the end {f['clients_online_at_end']}/{f['users']}"
    )
    print(
        f"  RSS MiB start {f['rss_start_mib']} -> end {f['rss_end_mib']} (peak "
        f"{f['rss_peak_mib']}); growth of the node never killed "
        f"{f['rss_growth_mib_never_killed_node']} MiB"
    )


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="papote bench soak", description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0, help="length (default 30)")
    parser.add_argument("--users", type=int, default=60, help="people (default 60)")
    parser.add_argument("--nodes", type=int, default=2, help="server processes (default 2)")
    parser.add_argument(
        "--interval", type=float, default=6.0, help="mean seconds between a person's lines"
    )
    parser.add_argument("--database-url", help="PostgreSQL URL (default: start one)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args(list(argv))
    if args.users < 3 or args.nodes < 2 or args.minutes <= 0:
        parser.error("need users >= 3, nodes >= 2, minutes > 0")
    postgres = None if args.database_url else PostgresProcess()
    redis = RedisProcess()
    nodes: list[ServerProcess] = []
    loop = _new_loop()
    try:
        database_url = args.database_url or postgres.start().url  # type: ignore[union-attr]
        redis.start()
        env = {
            **RELAXED_LIMITS,
            "PAPOTE_ENV": "prod",
            "PAPOTE_LOG_LEVEL": "WARNING",
            "PAPOTE_DATABASE_URL": database_url,
            "PAPOTE_REDIS_URL": redis.url,
            "PAPOTE_SECRET_KEY": "soak-" + uuid.uuid4().hex,
            "PAPOTE_HEARTBEAT_S": "2",
        }
        for i in range(args.nodes):
            node = ServerProcess({**env, "PAPOTE_NODE_NAME": f"soak-{i}"})
            nodes.append(node)
            node.start(START_TIMEOUT_S)
        cluster = Cluster(nodes, redis, postgres, database_url)
        figures = loop.run_until_complete(_tidy(_soak(args, cluster)))
    except Exception as exc:
        print(f"papote bench soak failed: {exc!r}", file=sys.stderr)
        for node in nodes:
            print(f"server log (end):\n{node.logs()}", file=sys.stderr)
        return 1
    finally:
        loop.close()
        for node in nodes:
            node.stop()
        redis.destroy()
        if postgres is not None:
            postgres.destroy()
    if args.json:
        print(orjson.dumps(figures).decode())
    else:
        _print(figures)
    return 0 if figures["lost"] == 0 and figures["acked_not_stored"] == 0 else 1
