"""``papote bench chat SCENARIO``: a chat evening, a big room, a reconnect storm, two
nodes behind nginx — real servers driven by a cheap multi-process load generator.

See docs/benchmarks.md (``papote bench chat``) for what each figure means.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from papote.bench.chat.figures import plot
from papote.bench.chat.scenarios import SCENARIOS
from papote.bench.chat.worker import raise_file_limit

PEERS = ["bare", "node-socketio", "python-socketio"]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="papote bench chat", description=__doc__.splitlines()[0])
    p.add_argument("scenario", choices=list(SCENARIOS), nargs="?", default="evening")
    p.add_argument("--workers", type=int, default=2, help="generator processes (default 2)")
    p.add_argument("--users", type=int, default=5000, help="evening, two-nodes: people (5000)")
    p.add_argument("--rate", type=float, default=200.0, help="evening, two-nodes: messages/s")
    p.add_argument("--dm-share", type=float, default=1 / 3, help="share of private messages")
    p.add_argument("--churn", type=float, default=10.0, help="evening: arrivals per second")
    p.add_argument("--duration", type=float, default=20.0, help="seconds per sending step")
    p.add_argument("--members", type=int, nargs="+", default=[1000, 2000], help="big-room sizes")
    p.add_argument("--start-rate", type=float, default=10.0, help="big-room: first rate (msg/s)")
    p.add_argument("--rate-factor", type=float, default=2.0, help="big-room: rate step factor")
    p.add_argument("--max-steps", type=int, default=8, help="big-room: steps per room size")
    p.add_argument(
        "--p99-limit-ms",
        type=float,
        default=250.0,
        help="big-room: stop above it, once saturated (delivering < 80%% of the offer)",
    )
    p.add_argument(
        "--ws-stack",
        default="asgi",
        help="Papote's WebSocket stack (PAPOTE_WS_STACK): asgi or picows; big-room takes "
        "several, comma-separated, run one after the other (asgi,picows)",
    )
    p.add_argument(
        "--peers",
        default=",".join(PEERS),
        help=f"big-room: peers in the same run, comma-separated, or none ({','.join(PEERS)})",
    )
    p.add_argument("--connections", type=int, default=10000, help="storm: connections")
    p.add_argument("--seconds", type=float, default=60.0, help="storm: over how long")
    p.add_argument(
        "--hold", type=float, default=0.0, help="storm: seconds idle after, then RSS measured"
    )
    p.add_argument("--no-kill", dest="kill", action="store_false", help="two-nodes: no kill")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", default="var/bench", help="folder for the JSON and the plot")
    p.add_argument("--json", action="store_true", help="print the result as one JSON object")
    return p


def _progress(quiet: bool) -> Any:
    """A progress line per phase (rich when installed), on stderr."""
    start = time.monotonic()
    try:
        from rich.console import Console

        console = Console(stderr=True)

        def say(text: str) -> None:
            console.log(f"[bold]{time.monotonic() - start:6.1f} s[/] {text}")

    except ImportError:  # pragma: no cover - rich comes with the dev tools

        def say(text: str) -> None:
            print(f"{time.monotonic() - start:6.1f} s {text}", file=sys.stderr)

    return say


def main(argv: Sequence[str]) -> int:
    args = _parser().parse_args(list(argv))
    args.peers = [] if args.peers in ("", "none") else args.peers.split(",")
    args.ws_stack = args.ws_stack.split(",")
    if set(args.ws_stack) - {"asgi", "picows"}:
        _parser().error(f"unknown WebSocket stack in {args.ws_stack}")
    unknown = set(args.peers) - set(PEERS)
    if unknown:
        _parser().error(f"unknown peers: {sorted(unknown)}")
    raise_file_limit()
    say = _progress(args.json)
    started = time.time()
    result: dict[str, Any] = {
        "scenario": args.scenario,
        "options": {k: v for k, v in vars(args).items() if k not in ("json", "out")},
        "machine": {"cpus": os.cpu_count()},
    }
    result.update(SCENARIOS[args.scenario](args, say))
    result["wall_seconds"] = round(time.time() - started, 1)
    result["lost"] = sum(r["tally"]["lost"] for r in result["runs"])
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"chat-{args.scenario}-{time.strftime('%Y%m%d-%H%M%S')}"
    result["plot"] = plot(result, stem.with_suffix(".png"))
    stem.with_suffix(".json").write_text(json.dumps(result, indent=1))
    say(f"written {stem}.json" + (f" and {result['plot']}" if result["plot"] else ""))
    if args.json:
        print(json.dumps(result))
    else:
        _print(result)
    return 0 if result["lost"] == 0 else 1


def _print(result: dict[str, Any]) -> None:
    for run in result["runs"]:
        print(f"== {run['label']}")
        for key in ("entry", "connect"):
            if key in run:
                print(f"  {key}: {run[key]}")
        for step in run["steps"]:
            print(
                f"  {step['offered_messages_per_second']:g} msg/s -> "
                f"{step['deliveries_per_second']:,} deliveries/s, p50 {step['p50_ms']} ms, "
                f"p99 {step['p99_ms']} ms, max {step['max_ms']} ms, server CPU "
                f"{step['server_cpu_us_per_delivery']} µs/delivery "
                f"({step['server_cpu_share']} core), "
                f"client {step['client_cpu_share']} core/process"
            )
        print(f"  tally: {run['tally']}")
    for ratio in result.get("ratios") or []:
        print(f"  ratio: {ratio}")
