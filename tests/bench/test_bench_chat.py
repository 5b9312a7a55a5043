"""Smoke runs of ``papote bench chat``, each scenario at a small size: real servers,
real peers, real nginx; every acknowledged message must reach every member. No timing
thresholds (the figures depend on the machine)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.serverproc import PAPOTE, ROOT

STEP_FIELDS = (
    "deliveries",
    "deliveries_per_second",
    "p50_ms",
    "p99_ms",
    "max_ms",
    "server_cpu_us_per_delivery",
    "server_rss_mib",
    "client_cpu_share",
)


def _chat(tmp_path: Path, *args: str, timeout: float = 300.0) -> dict[str, Any]:
    done = subprocess.run(
        [str(PAPOTE), "bench", "chat", *args, "--workers", "2", "--out", str(tmp_path), "--json"],
        cwd=str(ROOT),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, (
        f"exit {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    assert json.loads(Path(tmp_path).glob("chat-*.json").__next__().read_text()) == result
    assert result["plot"] and Path(result["plot"]).stat().st_size > 0
    return result


def _check_run(run: dict[str, Any]) -> None:
    tally = run["tally"]
    assert tally["lost"] == 0 and tally["duplicated"] == 0
    assert tally["members_checked"] > 0
    assert tally["acked_room_messages"] > 0
    for step in run["steps"]:
        for key in STEP_FIELDS:
            assert step[key] is not None and step[key] >= 0, key
        assert step["deliveries"] > 0


@pytest.mark.timeout(400)
def test_evening_small_loses_nothing(tmp_path: Path) -> None:
    r = _chat(
        tmp_path, "evening", "--users", "60", "--rate", "20", "--duration", "4", "--churn", "2"
    )
    (run,) = r["runs"]
    _check_run(run)
    assert run["connect"]["welcomed"] == 60
    assert run["tally"]["acked_private_messages"] > 0  # a third of the messages are private
    assert run["tally"]["passers_by"] > 0


@pytest.mark.timeout(400)
def test_big_room_small_with_every_peer(tmp_path: Path) -> None:
    r = _chat(
        tmp_path, "big-room", "--members", "20", "40", "--duration", "2", "--max-steps", "2",
        "--start-rate", "5",
    )  # fmt: skip
    assert [run["label"] for run in r["runs"]] == [
        "papote", "bare", "node-socketio", "python-socketio",
    ]  # fmt: skip
    for run in r["runs"]:
        _check_run(run)
        assert all(c["welcomed"] == 20 for c in run["connect"]), run["connect"]
        assert {s["members"] for s in run["steps"]} == {20, 40}
    assert {(x["peer"], x["members"]) for x in r["ratios"]} == {
        (p, m) for p in ("bare", "node-socketio", "python-socketio") for m in (20, 40)
    }
    assert all(x["deliveries_per_second_ratio"] > 0 for x in r["ratios"])


@pytest.mark.timeout(400)
def test_big_room_small_on_both_websocket_stacks(tmp_path: Path) -> None:
    r = _chat(
        tmp_path, "big-room", "--members", "20", "--duration", "2", "--max-steps", "1",
        "--start-rate", "5", "--ws-stack", "picows,asgi", "--peers", "bare",
    )  # fmt: skip
    assert [run["label"] for run in r["runs"]] == ["papote-picows", "papote-asgi", "bare"]
    for run in r["runs"]:
        _check_run(run)
        assert run["connect"][0]["welcomed"] == 20
    assert {(x["papote"], x["peer"]) for x in r["ratios"]} == {
        ("papote-picows", "bare"), ("papote-asgi", "bare"),
    }  # fmt: skip


@pytest.mark.timeout(400)
def test_storm_small_welcomes_everyone(tmp_path: Path) -> None:
    r = _chat(tmp_path, "storm", "--connections", "150", "--seconds", "3")
    (run,) = r["runs"]
    _check_run(run)
    assert run["connect"]["welcomed"] == 150 and run["connect"]["connect_failures"] == {}
    assert run["connect"]["connections_per_second"] > 0


@pytest.mark.timeout(600)
def test_two_nodes_small_node_killed_loses_no_acked_message(tmp_path: Path) -> None:
    r = _chat(
        tmp_path, "two-nodes", "--users", "60", "--rate", "20", "--duration", "6", timeout=550
    )
    one, two = r["runs"]
    _check_run(one)
    _check_run(two)
    assert two["node_killed"] and two["reconnect_failures"] == 0
    assert two["tally"]["dropped_connections"] > 0  # the kill did drop people
    assert two["tally"]["live_missed_around_kill"] >= 0
    for run in (one, two):
        assert run["audit"]["acked_checked"] > 0
        assert run["audit"]["acked_missing_from_history"] == 0
    assert r["ratios"]["deliveries_per_second_ratio"] > 0
