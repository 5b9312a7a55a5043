"""Figures of ``papote bench chat``: percentiles, lost messages, the plot."""

from __future__ import annotations

from array import array
from collections import Counter
from pathlib import Path
from typing import Any


def percentiles_ms(samples_us: array[int]) -> dict[str, float | None]:
    if not samples_us:
        return {"p50_ms": None, "p99_ms": None, "max_ms": None}
    ordered = sorted(samples_us)
    n = len(ordered)
    return {
        "p50_ms": round(ordered[n // 2] / 1e3, 2),
        "p99_ms": round(ordered[min(n - 1, int(n * 0.99))] / 1e3, 2),
        "max_ms": round(ordered[-1] / 1e3, 2),
    }


def join_latencies(answers: list[dict[str, Any]], key: str) -> array[int]:
    out: array[int] = array("q")
    for answer in answers:
        out.frombytes(answer[key])
    return out


def losses(summaries: list[dict[str, Any]], acked_before: list[dict[str, int]]) -> dict[str, Any]:
    """Every acknowledged message must reach every member that stayed connected (one
    that lost its connection is checked by ``audit`` against the history instead): room
    messages every member of the room (acknowledged after it joined: ``acked_before``
    per batch of connections), private ones their recipient."""
    acked_room: Counter[str] = Counter()
    acked_dm: Counter[int] = Counter()
    for s in summaries:
        acked_room.update(s["acked_room"])
        acked_dm.update({int(k): v for k, v in s["acked_dm"].items()})
    lost = duplicated = checked = 0
    for s in summaries:
        for user in s["users"]:
            if not user["stable"] or not user["alive"] or user["dropped"]:
                continue
            checked += 1
            earlier = acked_before[user["epoch"]] if acked_before else {}
            expected_room = sum(acked_room[r] - earlier.get(r, 0) for r in user["rooms"])
            expected_dm = acked_dm[user["index"]]
            for expected, got in (
                (expected_room, user["room_received"]),
                (expected_dm, user["dm_received"]),
            ):
                lost += max(0, expected - got)
                duplicated += max(0, got - expected)
    return {
        "acked_room_messages": sum(acked_room.values()),
        "acked_private_messages": sum(acked_dm.values()),
        "members_checked": checked,
        "lost": lost,
        "duplicated": duplicated,
    }


def plot(result: dict[str, Any], path: Path) -> str | None:
    """Latency (p50, p99) against offered deliveries per second, one line per subject.
    Returns the file written, or None when matplotlib is missing (``bench`` extra)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    fig, ax = plt.subplots(figsize=(8, 5))
    lines = []
    for run in result["runs"]:
        sizes = sorted({s.get("members") for s in run["steps"]}, key=lambda m: m or 0)
        for size in sizes:  # one line per room size (big-room), else one per run
            steps = [s for s in run["steps"] if s.get("members") == size]
            label = run["label"] if size is None else f"{run['label']} {size}"
            lines.append((label, [s for s in steps if s["p99_ms"] is not None]))
    for label, steps in lines:
        if not steps:
            continue
        x = [s["offered_deliveries_per_second"] or s["deliveries_per_second"] or 1 for s in steps]
        ax.plot(x, [s["p99_ms"] for s in steps], marker="o", label=f"{label} p99")
        ax.plot(x, [s["p50_ms"] for s in steps], marker=".", linestyle="--", label=f"{label} p50")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("offered deliveries per second (received, where no offer is set)")
    ax.set_ylabel("send -> receipt latency (ms)")
    ax.set_title(f"papote bench chat {result['scenario']}")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return str(path)
