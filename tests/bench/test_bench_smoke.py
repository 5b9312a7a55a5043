"""Smoke tests of ``papote bench fanout`` and ``papote bench load``: tiny sizes, real
processes, no timing thresholds (the figures depend on the machine)."""

from __future__ import annotations

import json
import subprocess
from typing import Any

from tests.serverproc import PAPOTE, ROOT


def _bench(*args: str, timeout: float = 180.0) -> dict[str, Any]:
    done = subprocess.run(
        [str(PAPOTE), "bench", *args, "--json"],
        cwd=str(ROOT),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def test_fanout_delivers_to_every_member_and_reports_positive_figures() -> None:
    figures = _bench("fanout", "--members", "20", "50", "--messages", "5", "--repeat", "1")
    assert [r["members"] for r in figures["results"]] == [20, 50]
    for r in figures["results"]:
        assert r["deliveries"] == r["members"] * r["messages"]
        for key in (
            "deliveries_per_second",
            "us_per_delivery",
            "baseline_us_per_delivery",
            "ratio_to_baseline",
            "encode_once_us_per_message",
            "encode_per_recipient_ratio",
            "fanout_ms_p50",
        ):
            assert r[key] > 0, key


def test_load_delivers_every_message_to_every_user() -> None:
    users, senders, messages = 10, 2, 5
    f = _bench(
        "load",
        "--users",
        str(users),
        "--senders",
        str(senders),
        "--messages",
        str(messages),
        "--timeout",
        "120",
    )
    assert f["users"] == users and f["senders"] == senders
    assert f["acked"] == senders * messages and f["rejected"] == {}
    assert f["delivered"] == senders * messages * users == f["expected_deliveries"]
    assert f["clients_missing_messages"] == 0
    assert f["pings"] == senders * messages and f["ping_errors"] == {}
    for key in (
        "acks_per_second",
        "ack_ms_p50",
        "ack_ms_p99",
        "delivered_per_second",
        "pings_per_second",
        "ping_ms_p50",
        "ratio_ack_p50_to_ping_p50",
        "rss_before_connect_mib",
        "rss_after_connect_mib",
    ):
        assert f[key] > 0, key


def test_limits_bench_shows_a_flood_costs_redis_nothing_past_the_budget() -> None:
    figures = _bench("limits", "--people", "2", "--flood", "300", "--hellos", "20")
    for key in ("frames_memory_baseline", "frames_cluster_redis"):
        assert figures[key]["flood_admitted"] == 40  # the budget, 40 frames in 5 s
    # past the budget, the frames are refused in memory: one round trip per admitted frame
    assert figures["frames_cluster_redis"]["flood_redis_round_trips"] == 40
    assert figures["caps_cluster_redis"]["take_release_us_p50"] > 0
