"""``papote bench console``: the moderators' console under load.

Seeds ``--cases`` open cases (10,000 by default) in a fresh server's database, connects
``--users`` chat users (1,000) over WebSockets, logs a moderator in, then measures:

- queue load: ``GET /api/v1/staff/cases`` (a page of the worst open cases and the open
  count), p50/p99 over ``--repeat`` loads after ``WARMUP`` (the console reloads it every
  5 s; the very first load after start is reported on its own), against ``GET /healthz``
  on the same server as the baseline;
- the queue's two queries alone, in the bench process (page and open count), to tell
  the database's share from the server's;
- action to sanctioned user: from sending ``POST .../actions {"action": "mute"}`` to the
  ``sanction`` frame arriving on that user's socket, p50/p99, against a ``ping`` round
  trip on the same sockets as the baseline (``ratio_*``); and the moderator's own answer.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import connect

from papote.actions.staff import do_add_account
from papote.bench.server import RELAXED_LIMITS, ServerProcess
from papote.settings import Settings
from papote.store import cases as case_store
from papote.store.db import Database
from papote.store.migrate import upgrade
from papote.store.models import Case, CaseEvent, Report

CATEGORIES = ["harassment", "spam", "hate", "scam", "violence", "drugs", "personal_data"]
WARMUP = 3  # queue loads before the timed ones (the first one is reported on its own)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1e3, 2)


async def _seed_cases(db: Database, count: int, user_ids: list[str], now: int) -> list[str]:
    """``count`` open cases (one report each); the first ones on the connected users."""
    ids: list[str] = []
    async with db.session() as s:
        for i in range(count):
            case_id = f"cb{i:08d}{secrets.token_hex(3)}"
            user = user_ids[i] if i < len(user_ids) else f"ughost{i}"
            category = CATEGORIES[i % len(CATEGORIES)]
            s.add(
                Case(
                    id=case_id,
                    subject_kind="user",
                    subject_id=user,
                    subject_user_id=user,
                    category=category,
                    severity=1 if category == "violence" else 4 + i % 3,
                    score=1.0,
                    reports=1,
                    automated=False,
                    state="open",
                    opened_at=now - i * 1000,
                    target_at=now + 3_600_000,
                    version=1,
                )
            )
            s.add(
                Report(
                    id=f"rb{i:08d}{secrets.token_hex(3)}",
                    reporter_id=None,
                    target_user_id=user,
                    reason=category,
                    comment="bench",
                    priority=50,
                    status="open",
                    evidence={},
                    created_at=now,
                    case_id=case_id,
                    weight=1.0,
                )
            )
            s.add(CaseEvent(case_id=case_id, kind="reported", actor="system", data={}, ts=now))
            ids.append(case_id)
            if i % 1000 == 999:
                await s.commit()
        await s.commit()
    return ids


async def _store_timings(db: Database, repeat: int) -> dict[str, Any]:
    """The queue's two queries alone, in this process (no HTTP, no server event loop):
    a page of the worst open cases and the open count, for a moderator without the
    child-safety queue (its categories hidden), the console's most common reader."""
    hidden = ["child_safety", "grooming"]
    page: list[float] = []
    count: list[float] = []
    for _ in range(WARMUP):
        await case_store.queue(db, state="open", hidden=hidden, limit=100)
    for _ in range(repeat):
        t = time.perf_counter()
        await case_store.queue(db, state="open", hidden=hidden, limit=100)
        page.append(time.perf_counter() - t)
        t = time.perf_counter()
        await case_store.count_open(db, hidden)
        count.append(time.perf_counter() - t)
    return {
        "page_ms": {"p50": _pct(page, 0.5), "p99": _pct(page, 0.99)},
        "open_count_ms": {"p50": _pct(count, 0.5), "p99": _pct(count, 0.99)},
    }


class User:
    def __init__(self, ws: Any, user_id: str) -> None:
        self.ws = ws
        self.id = user_id
        self.sanction: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.pong: asyncio.Future[float] | None = None
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for raw in self.ws:
            frame = json.loads(raw)
            if frame["type"] == "sanction" and not self.sanction.done():
                self.sanction.set_result(time.perf_counter())
            elif frame["type"] == "pong" and self.pong is not None and not self.pong.done():
                self.pong.set_result(time.perf_counter())

    async def ping(self) -> float:
        self.pong = asyncio.get_running_loop().create_future()
        t0 = time.perf_counter()
        await self.ws.send(json.dumps({"type": "ping", "ref": "p"}))
        return await asyncio.wait_for(self.pong, 30) - t0


async def _users(server: ServerProcess, n: int) -> list[User]:
    out: list[User] = []
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        for i in range(n):
            r = await http.post(
                "/api/v1/session",
                json={
                    "pseudo": f"Lecteur{i:04d}",  # a fresh server: unique, plain
                    "age": 30,
                    "gender": "autre",
                    "postal_code": "69003",
                },
            )
            session = r.json()
            if r.status_code != 201:
                raise RuntimeError(f"entry {i}: {r.status_code} {r.text}")
            ws = await connect(server.ws_url, max_size=None, ping_interval=None, open_timeout=60)
            await ws.send(json.dumps({"type": "hello", "token": session["token"]}))
            json.loads(await ws.recv())  # welcome
            out.append(User(ws, session["user"]["id"]))
    return out


async def _run(args: argparse.Namespace) -> dict[str, Any]:
    env = dict(RELAXED_LIMITS)
    server = ServerProcess(env)
    settings = Settings(data_dir=Path(server.data_dir))
    upgrade(settings)
    db = Database(settings.db_url)
    password = secrets.token_urlsafe(16)
    await do_add_account(db, "bench", "moderator", password, queues=(), now=int(time.time() * 1000))
    await db.close()
    server.start()
    try:
        users = await _users(server, args.users)
        db = Database(settings.db_url)
        now = int(time.time() * 1000)
        t0 = time.perf_counter()
        case_ids = await _seed_cases(db, args.cases, [u.id for u in users[: args.actions]], now)
        seeded_s = time.perf_counter() - t0
        store = await _store_timings(db, args.repeat)
        await db.close()
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
            token = (
                await http.post("/api/v1/staff/login", json={"name": "bench", "password": password})
            ).json()["token"]
            headers = {"authorization": f"Bearer {token}"}
            queue, health = [], []
            page = {"limit": str(args.limit)} if args.limit else {}
            t = time.perf_counter()
            r = await http.get("/api/v1/staff/cases", headers=headers, params=page)
            first_load = time.perf_counter() - t
            for _ in range(WARMUP - 1):  # the console reloads every 5 s: it is warm
                await http.get("/api/v1/staff/cases", headers=headers, params=page)
            for _ in range(args.repeat):
                t = time.perf_counter()
                r = await http.get("/api/v1/staff/cases", headers=headers, params=page)
                queue.append(time.perf_counter() - t)
                t = time.perf_counter()
                await http.get("/healthz")
                health.append(time.perf_counter() - t)
            open_count = r.json()["open"]
            action, pings, replies = [], [], []
            for case_id, user in zip(case_ids[: args.actions], users, strict=False):
                pings.append(await user.ping())
                t = time.perf_counter()
                reply = await http.post(
                    f"/api/v1/staff/cases/{case_id}/actions",
                    headers=headers,
                    json={"action": "mute", "reason": "harassment", "duration_s": 600},
                )
                replies.append(time.perf_counter() - t)
                if reply.status_code != 200:
                    raise RuntimeError(reply.text)
                action.append(await asyncio.wait_for(user.sanction, 30) - t)
        for u in users:
            await u.ws.close()
        return {
            "cases": args.cases,
            "open_reported": open_count,
            "users": args.users,
            "seed_s": round(seeded_s, 1),
            "queue_ms": {"p50": _pct(queue, 0.5), "p99": _pct(queue, 0.99), "n": len(queue)},
            "page_size": len(r.json()["cases"]),
            "queue_first_load_ms": round(first_load * 1e3, 2),
            "queue_queries_in_process": store,
            "healthz_ms": {"p50": _pct(health, 0.5), "p99": _pct(health, 0.99)},
            "action_to_user_ms": {
                "p50": _pct(action, 0.5),
                "p99": _pct(action, 0.99),
                "n": len(action),
                "over_100": sum(1 for a in action if a > 0.1),
                # the slowest ones and when they came (the i-th action of the run)
                "slowest": [
                    [i, round(a * 1e3, 1)]
                    for i, a in sorted(enumerate(action), key=lambda x: -x[1])[:5]
                ],
            },
            # the moderator's answer (the case page after the decision): the frame leaves
            # before it, so the person is reached before the console redraws
            "reply_ms": {"p50": _pct(replies, 0.5), "p99": _pct(replies, 0.99)},
            "ping_ms": {"p50": _pct(pings, 0.5), "p99": _pct(pings, 0.99)},
            "ratio_p50": round(_pct(action, 0.5) / max(_pct(pings, 0.5), 0.01), 1),
            "ratio_p99": round(_pct(action, 0.99) / max(_pct(pings, 0.99), 0.01), 1),
        }
    finally:
        server.stop()


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="papote bench console")
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=1_000)
    # 300 actions last longer than the server's 20 s heartbeat (its write of every
    # connected session was the slowest actions' wait): a run sees it at least once
    parser.add_argument("--actions", type=int, default=300, help="sanctions timed")
    parser.add_argument("--repeat", type=int, default=200, help="queue loads timed")
    parser.add_argument("--limit", type=int, default=0, help="cases per page (server default)")
    args = parser.parse_args(argv)
    args.actions = min(args.actions, args.users)
    result = asyncio.run(_run(args))
    print(json.dumps(result, indent=2))
    return 0
