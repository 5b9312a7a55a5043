"""One subject driven by one set of generator processes: the phases every scenario
is made of (enter, connect, send at a rate, drain, count), each with its figures."""

from __future__ import annotations

import time
from typing import Any

import httpx

from papote.bench.chat.figures import join_latencies, losses, percentiles_ms
from papote.bench.chat.generator import Generator
from papote.bench.chat.subjects import Subject

QUIET_S = 1.0  # a step ends when no delivery arrived for this long


class Session:
    def __init__(self, subject: Subject, workers: int, seed: int = 1) -> None:
        self.subject = subject
        self.gen = Generator(
            workers,
            {
                "host": subject.host,
                "port": subject.port,
                "dialect": subject.dialect,
                "base_url": subject.base_url,
                "seed": seed,
            },
        )
        self.ids: dict[int, str] = {}
        # acked room messages before each batch of connections: a member that joined
        # later is owed only what was acknowledged after it joined
        self.acked_before: list[dict[str, int]] = []

    def rooms(self) -> list[str]:
        if self.subject.dialect != "papote":
            return ["big"]
        rooms = httpx.get(f"{self.subject.base_url}/api/v1/rooms", timeout=30).json()["rooms"]
        # rooms for verified adults only refuse the generator's people (adult_room)
        return [r["id"] for r in rooms if not r.get("adult")]

    def arrive(self, rooms_of: dict[int, list[str]]) -> dict[str, Any]:
        """People enter, then at once connect and join (as a person does): entry and
        connection figures together."""
        rss0 = self.subject.rss_kib()
        epoch = self._epoch()
        answers = self.gen.call(
            "enter",
            lambda w: {
                "users": [(i, True) for i in rooms_of if self.gen.owner(i) == w],
                "rooms_of": {i: r for i, r in rooms_of.items() if self.gen.owner(i) == w},
                "epoch": epoch,
            },
        )
        return self._arrivals(answers, len(rooms_of), rss0)

    def _epoch(self) -> int:
        acked: dict[str, int] = {}
        for s in self.gen.call("summary") if self.acked_before else []:
            for room, n in s["acked_room"].items():
                acked[room] = acked.get(room, 0) + n
        self.acked_before.append(acked)
        return len(self.acked_before) - 1

    def enter(self, indices: list[int], stable: bool = True) -> dict[str, Any]:
        answers = self.gen.call(
            "enter",
            lambda w: {"users": [(i, stable) for i in indices if self.gen.owner(i) == w]},
        )
        failures: dict[str, int] = {}
        for a in answers:
            self.ids.update({int(k): v for k, v in a["ids"].items()})
            for why, n in a["failures"].items():
                failures[why] = failures.get(why, 0) + n
        seconds = max(a["seconds"] for a in answers)
        return {
            "entered": sum(len(a["ids"]) for a in answers),
            "entry_seconds": round(seconds, 2),
            "entries_per_second": round(len(indices) / seconds, 1) if seconds else None,
            "entry_failures": failures,
        }

    def connect(self, rooms_of: dict[int, list[str]], rate: float | None = None) -> dict[str, Any]:
        rss0 = self.subject.rss_kib()
        epoch = self._epoch()
        per_worker = None if rate is None else rate / self.gen.size
        answers = self.gen.call(
            "connect",
            lambda w: {
                "rooms_of": {i: r for i, r in rooms_of.items() if self.gen.owner(i) == w},
                "rate": per_worker,
                "epoch": epoch,
            },
        )
        return self._arrivals(answers, len(rooms_of), rss0)

    def _arrivals(self, answers: list[dict[str, Any]], count: int, rss0: int) -> dict[str, Any]:
        for a in answers:
            self.ids.update({int(k): v for k, v in a.get("ids", {}).items()})
        seconds = max(a["seconds"] for a in answers)
        latencies = sorted(x for a in answers for x in a["latencies"])
        welcomed = len(latencies)
        failures: dict[str, int] = {}
        for a in answers:
            for why, n in a["failures"].items():
                failures[why] = failures.get(why, 0) + n
        time.sleep(1.0)  # the presence and member_joined frames settle
        rss1 = self.subject.rss_kib()
        n = len(latencies)
        return {
            "connections": count,
            "welcomed": welcomed,
            "connect_failures": failures,
            "connect_seconds": round(seconds, 2),
            "connections_per_second": round(welcomed / seconds, 1) if seconds else None,
            "hello_ms_p50": round(latencies[n // 2] * 1e3, 1) if n else None,
            "hello_ms_p99": round(latencies[min(n - 1, int(n * 0.99))] * 1e3, 1) if n else None,
            "joins": sum(a["joins"] for a in answers),
            "server_rss_mib": round(rss1 / 1024, 1),
            "rss_per_connection_kib": round((rss1 - rss0) / max(1, welcomed), 1),
        }

    def directory(self, indices: list[int]) -> None:
        listing = [(i, self.ids[i]) for i in indices if i in self.ids]
        self.gen.call("set_directory", {"directory": listing})

    def step(
        self,
        rate: float,
        duration: float,
        *,
        dm_share: float = 0.0,
        churn: float = 0.0,
        churn_rooms: list[str] | None = None,
        offered_deliveries: float | None = None,
    ) -> dict[str, Any]:
        """Send at ``rate`` messages/s for ``duration`` s, then wait for the stragglers."""
        before = sum(a["deliveries"] for a in self.gen.call("collect"))
        cpu0, gcpu0, t0 = self.subject.cpu_seconds(), self.gen.cpu_seconds(), time.perf_counter()
        per_worker = rate / self.gen.size
        sends = self.gen.call(
            "send",
            {
                "rate": per_worker,
                "duration": duration,
                "dm_share": dm_share,
                "churn": churn / self.gen.size,
                "churn_rooms": churn_rooms or [],
            },
        )
        self.gen.call("drain", {"quiet": QUIET_S, "timeout": max(10.0, duration)})
        wall = time.perf_counter() - t0
        busy = max(duration, wall - QUIET_S)  # until the last delivery, about
        cpu, gcpu = self.subject.cpu_seconds() - cpu0, self.gen.cpu_seconds() - gcpu0
        answers = self.gen.call("collect")
        deliveries = sum(a["deliveries"] for a in answers) - before
        sent = sum(s["sent"] for s in sends)
        return {
            "offered_messages_per_second": rate,
            "offered_deliveries_per_second": offered_deliveries,
            "sent": sent,
            "seconds": round(duration, 1),
            "deliveries": deliveries,
            # received frames from the first send to about the last receipt: a server that
            # falls behind delivers its backlog after the sending stops, and that counts
            "deliveries_per_second": round(deliveries / busy),
            **percentiles_ms(join_latencies(answers, "latencies")),
            **{
                f"ack_{k}": v
                for k, v in percentiles_ms(join_latencies(answers, "ack_latencies")).items()
            },
            "server_cpu_seconds": round(cpu, 2),
            "server_cpu_share": round(cpu / wall, 2),
            "server_cpu_us_per_delivery": round(cpu / deliveries * 1e6, 2) if deliveries else None,
            "client_cpu_share": round(gcpu / wall / self.gen.size, 2),
            "server_rss_mib": round(self.subject.rss_kib() / 1024, 1),
        }

    def tally(self) -> dict[str, Any]:
        # late is not lost: a saturated server's backlog gets a minute to arrive
        self.gen.call("drain", {"quiet": 3.0, "timeout": 60.0})
        summaries = self.gen.call("summary")
        rejected: dict[str, int] = {}
        errors: dict[str, int] = {}
        for s in summaries:
            for k, v in s["rejected"].items():
                rejected[k] = rejected.get(k, 0) + v
            for k, v in s["errors"].items():
                errors[k] = errors.get(k, 0) + v
        return {
            **losses(summaries, self.acked_before),
            "rejected": rejected,
            "errors": errors,
            "dropped_connections": sum(s["dropped"] for s in summaries),
            "passers_by": sum(s["passers"] for s in summaries),
            "foreign_frames": sum(s["foreign"] for s in summaries),
        }

    def close(self) -> None:
        self.gen.close()
