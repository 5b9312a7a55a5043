"""One load-generator process of ``papote bench chat``, driven over a pipe.

The coordinator (``scenarios``) sends commands — enter, connect, directory, send,
drain, collect, summary, close — one at a time; each runs on this process's own
event loop (uvloop) and answers with plain data. Users are spread over several such
processes so that the generator, not the server, has spare CPU.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import resource
import time
from collections import Counter
from multiprocessing.connection import Connection
from typing import Any

import httpx

from papote.bench.chat import marker
from papote.bench.chat.dialects import DIALECTS
from papote.bench.chat.users import Tally, Target, User
from papote.bench.soak_client import human_text

POSTAL_CODES = ["75011", "69003", "13001", "33000", "31000", "59000", "44000", "35000", "67000"]
PASSER_BASE = 1_000_000  # indices of passers-by (people who come and go), above everyone


def raise_file_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def _pseudo(rng: random.Random) -> str:
    # consonants only: digits and hex read as ages or leetspeak by the pseudo filter
    return "Zou" + "".join(rng.choice("bdfglmnprstvz") for _ in range(9))


class Worker:
    def __init__(self, config: dict[str, Any]) -> None:
        self.wid: int = config["wid"]
        self.workers: int = config["workers"]
        self.base_url: str = config["base_url"]
        self.target = Target(config["host"], config["port"], DIALECTS[config["dialect"]])
        self.timeout: float = config.get("reply_timeout", 30.0)
        self.rng = random.Random(config.get("seed", 0) * 1000 + self.wid)
        self.tally = Tally()
        self.users: dict[int, User] = {}
        self.passers: list[User] = []
        self.directory: list[tuple[int, str]] = []  # (index, user id) of everyone stable
        self.next_passer = PASSER_BASE + self.wid * 100_000
        self.http: httpx.AsyncClient | None = None

    # -- entry over HTTP ----------------------------------------------------------------
    async def _enter(self, user: User) -> None:
        if not self.target.dialect.entry:
            user.user_id = f"u{user.index}"
            return
        if self.http is None:
            limits = httpx.Limits(max_connections=16)
            self.http = httpx.AsyncClient(base_url=self.base_url, timeout=60, limits=limits)
        for _attempt in range(5):
            body = {
                "pseudo": _pseudo(self.rng),
                "age": self.rng.randint(18, 70),
                "gender": self.rng.choice(["homme", "femme", "autre"]),
                "postal_code": self.rng.choice(POSTAL_CODES),
            }
            response = await self.http.post("/api/v1/session", json=body)
            if response.status_code == 201:
                data = response.json()
                user.token, user.user_id = data["token"], data["user"]["id"]
                return
            code = response.json().get("error", {}).get("code", str(response.status_code))
            if code not in ("pseudo_taken", "invalid_pseudo"):
                raise ConnectionRefusedError(f"entry: {code}")
        raise ConnectionRefusedError("entry: no pseudo accepted")

    async def enter(self, args: dict[str, Any]) -> dict[str, Any]:
        gate = asyncio.Semaphore(16)
        failures: Counter[str] = Counter()

        # with ``rooms_of``, each person connects and joins right after entering: a token
        # not used within the server's PAPOTE_RESUME_GRACE_S (120 s) expires
        rooms_of: dict[int, list[str]] = {int(k): v for k, v in args.get("rooms_of", {}).items()}
        latencies: list[float] = []

        async def one(index: int, stable: bool) -> None:
            user = User(index, stable, self.tally, self.target.dialect)
            user.epoch = args.get("epoch", 0)
            async with gate:
                try:
                    await self._enter(user)
                except Exception as exc:
                    failures[str(exc)[:80]] += 1
                    return
                self.users[index] = user
                if index in rooms_of:
                    await self._connect_one(user, rooms_of[index], latencies, failures)

        t0 = time.perf_counter()
        await asyncio.gather(*(one(i, s) for i, s in args["users"]))
        return {
            "seconds": time.perf_counter() - t0,
            "failures": dict(failures),
            "ids": {u.index: u.user_id for u in self.users.values() if u.alive or not rooms_of},
            "latencies": latencies,
            "joins": sum(len(self.users[i].rooms) for i in rooms_of if i in self.users),
        }

    # -- connections --------------------------------------------------------------------
    async def _connect_one(
        self, user: User, rooms: list[str], latencies: list[float], failures: Counter[str]
    ) -> None:
        t0 = time.perf_counter()
        try:
            await user.connect(self.target, self.timeout)
            latencies.append(time.perf_counter() - t0)
            for room in rooms:
                await user.join(room, self.timeout)
        except Exception as exc:
            failures[f"{type(exc).__name__}: {exc}"[:80]] += 1
            if user.ws is not None:
                user.ws.close()
            user.alive = False

    async def connect(self, args: dict[str, Any]) -> dict[str, Any]:
        """Connect ``rooms_of``'s users (paced at ``rate`` per second if given)."""
        rooms_of: dict[int, list[str]] = {int(k): v for k, v in args["rooms_of"].items()}
        rate: float | None = args.get("rate")
        concurrency = args.get("concurrency") or 64
        latencies: list[float] = []
        failures: Counter[str] = Counter()
        gate = asyncio.Semaphore(concurrency if rate is None else 1_000_000)
        loop = asyncio.get_running_loop()
        t0 = loop.time()

        async def one(k: int, index: int) -> None:
            if rate is not None:
                await asyncio.sleep(max(0.0, t0 + k / rate - loop.time()))
            async with gate:
                await self._connect_one(self.users[index], rooms_of[index], latencies, failures)

        present = [i for i in rooms_of if i in self.users]
        for i in present:
            self.users[i].epoch = args.get("epoch", 0)
        await asyncio.gather(*(one(k, i) for k, i in enumerate(present)))
        return {
            "seconds": loop.time() - t0,
            "welcomed": len(latencies),
            "latencies": latencies,
            "failures": dict(failures),
            "joins": sum(len(self.users[i].rooms) for i in present),
        }

    def set_directory(self, args: dict[str, Any]) -> dict[str, Any]:
        self.directory = [(int(i), uid) for i, uid in args["directory"]]
        return {"ok": True}

    # -- sending ----------------------------------------------------------------------
    def _text(self, sender: int, kind: int) -> str:
        return f"{human_text(self.rng)} {marker.stamp(sender, kind, marker.now_us())}"

    async def send(self, args: dict[str, Any]) -> dict[str, Any]:
        """Send at ``rate`` messages per second for ``duration`` seconds (open loop: no
        waiting for acks), a share ``dm_share`` of them private; meanwhile passers-by
        arrive at ``churn`` per second, join one of ``churn_rooms`` and leave later."""
        rate, duration = args["rate"], args["duration"]
        dm_share = args.get("dm_share", 0.0)
        senders = [u for u in self.users.values() if u.alive and u.rooms]
        loop = asyncio.get_running_loop()
        churn = (
            asyncio.create_task(self._churn(args["churn"], args["churn_rooms"], duration))
            if args.get("churn")
            else None
        )
        rng = self.rng
        t0 = loop.time()
        sent = 0
        while senders and (elapsed := loop.time() - t0) < duration:
            due = int(elapsed * rate) - sent
            for _ in range(due):
                user = rng.choice(senders)
                if dm_share and self.directory and rng.random() < dm_share:
                    to, to_id = rng.choice(self.directory)
                    if to != user.index:
                        user.dm(to, to_id, self._text(user.index, marker.KIND_DM))
                else:
                    user.say(rng.choice(user.rooms), self._text(user.index, marker.KIND_ROOM))
                sent += 1
            await asyncio.sleep(0.002)
        if churn is not None:
            churn.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await churn
        return {"sent": sent, "seconds": loop.time() - t0}

    async def _churn(self, per_second: float, rooms: list[str], duration: float) -> None:
        stays: set[asyncio.Task[None]] = set()

        async def visit(user: User) -> None:
            try:
                await self._enter(user)
                await user.connect(self.target, self.timeout)
                await user.join(self.rng.choice(rooms), self.timeout)
                await asyncio.sleep(self.rng.uniform(2.0, max(3.0, duration / 2)))
            except Exception as exc:
                self.tally.errors[f"passer-by: {exc}"[:80]] += 1
            finally:
                user.leave()

        try:
            while True:
                await asyncio.sleep(self.rng.expovariate(per_second))
                user = User(self.next_passer, False, self.tally, self.target.dialect)
                self.next_passer += 1
                self.passers.append(user)
                task = asyncio.create_task(visit(user))
                stays.add(task)
                task.add_done_callback(stays.discard)
        finally:
            for task in list(stays):
                task.cancel()
            await asyncio.gather(*stays, return_exceptions=True)

    async def drain(self, args: dict[str, Any]) -> dict[str, Any]:
        """Wait until no delivery arrived for ``quiet`` seconds (at most ``timeout``)."""
        quiet, deadline = args.get("quiet", 1.0), time.monotonic() + args.get("timeout", 30.0)
        last, since = self.tally.deliveries, time.monotonic()
        while time.monotonic() < deadline:
            await asyncio.sleep(0.1)
            if self.tally.deliveries != last:
                last, since = self.tally.deliveries, time.monotonic()
            elif time.monotonic() - since >= quiet:
                break
        return {"deliveries": self.tally.deliveries}

    async def reconnect(self, _args: dict[str, Any]) -> dict[str, Any]:
        """People whose connection dropped (a node killed) connect again, same token."""
        dropped = [u for u in self.users.values() if u.stable and not u.alive and u.rooms]
        failures: Counter[str] = Counter()
        latencies: list[float] = []
        for user in dropped:
            rooms, user.rooms = user.rooms, []
            await self._connect_one(user, rooms, latencies, failures)
        return {"reconnected": len(latencies), "failures": sum(failures.values())}

    async def audit(self, _args: dict[str, Any]) -> dict[str, Any]:
        """Whether every room message acknowledged to this process's users is stored:
        one connected user pages back through each room's history."""
        reader = next((u for u in self.users.values() if u.alive), None)
        wanted: dict[str, set[str]] = {}
        for room, message_id in self.tally.acked_ids:
            wanted.setdefault(room, set()).add(message_id)
        checked = sum(len(ids) for ids in wanted.values())
        if reader is None or not checked:
            return {"checked": checked, "missing": checked if reader is None else 0}
        dialect = self.target.dialect
        for room, ids in wanted.items():
            before: str | None = None
            for page in range(1000):
                frame: dict[str, Any] = {"type": "history", "room": room, "limit": 100}
                if before is not None:
                    frame["before"] = before
                ref = f"h{room}{page}"
                reply = await reader.request(dialect.encode({**frame, "ref": ref}), ref, 30)
                messages = reply.get("messages") or []
                ids.difference_update(str(m["id"]) for m in messages)
                if not ids or len(messages) < 100:
                    break
                before = str(messages[0]["id"])
        return {"checked": checked, "missing": sum(len(ids) for ids in wanted.values())}

    def collect(self, _args: dict[str, Any]) -> dict[str, Any]:
        latencies, acks = self.tally.take_latencies()
        return {"latencies": latencies, "ack_latencies": acks, "deliveries": self.tally.deliveries}

    def summary(self, _args: dict[str, Any]) -> dict[str, Any]:
        t = self.tally
        return {
            "users": [u.summary() for u in self.users.values()],
            "acked_room": dict(t.acked_room),
            "acked_dm": dict(t.acked_dm),
            "rejected": dict(t.rejected),
            "errors": dict(t.errors),
            "deliveries": t.deliveries,
            "foreign": t.foreign,
            "sent": t.sent,
            "dropped": t.dropped,
            "passers": len(self.passers),
        }

    async def close(self, _args: dict[str, Any]) -> dict[str, Any]:
        for user in [*self.users.values(), *self.passers]:
            user.leave()
        if self.http is not None:
            await self.http.aclose()
        await asyncio.sleep(0.2)
        return {"ok": True}


async def _serve(conn: Connection, worker: Worker) -> None:
    loop = asyncio.get_running_loop()
    while True:
        command, args = await loop.run_in_executor(None, conn.recv)
        try:
            handler = getattr(worker, command)
            result = handler(args)
            if asyncio.iscoroutine(result):
                result = await result
            conn.send(("ok", result))
        except Exception as exc:
            conn.send(("error", f"{command}: {exc!r}"))
        if command == "close":
            return


def main(conn: Connection, config: dict[str, Any]) -> None:
    """Entry point of a generator process (``multiprocessing.Process`` target)."""
    import uvloop

    raise_file_limit()
    uvloop.run(_serve(conn, Worker(config)))
