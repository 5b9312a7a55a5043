"""The scenarios of ``papote bench chat``: evening, big-room, storm, two-nodes."""

from __future__ import annotations

import argparse
import random
import threading
import time
from collections.abc import Callable
from typing import Any

from papote.bench.chat.session import Session
from papote.bench.chat.subjects import Cluster, PapoteNode, Peer, Subject

Progress = Callable[[str], None]


def _rooms_of(indices: list[int], rooms: list[str], rng: random.Random) -> dict[int, list[str]]:
    """One or two seeded rooms each (general for a quarter of the people)."""
    out = {}
    for i in indices:
        picked = rng.sample(rooms, 2) if rng.random() < 0.5 else [rng.choice(rooms)]
        if rng.random() < 0.25 and "general" in rooms and "general" not in picked:
            picked.append("general")
        out[i] = picked
    return out


def _mixed_workload(
    session: Session, args: argparse.Namespace, progress: Progress, churn: float
) -> dict[str, Any]:
    rng = random.Random(args.seed)
    users = list(range(args.users))
    rooms = session.rooms()
    progress(f"{args.users} people enter, connect and join rooms")
    connect = session.arrive(_rooms_of(users, rooms, rng))
    session.directory(users)
    progress(f"{args.rate} messages/s for {args.duration} s")
    step = session.step(
        args.rate, args.duration, dm_share=args.dm_share, churn=churn, churn_rooms=rooms
    )
    return {"connect": connect, "steps": [step], "tally": session.tally()}


def evening(args: argparse.Namespace, progress: Progress) -> dict[str, Any]:
    subject = _papote(args, args.ws_stack[0])
    session = Session(subject, args.workers, args.seed)
    try:
        run = _mixed_workload(session, args, progress, churn=args.churn)
    finally:
        session.close()
        subject.stop()
    return {"runs": [{"label": "papote", **run}]}


def _rising(
    session: Session, members: int, args: argparse.Namespace, progress: Progress
) -> list[dict[str, Any]]:
    steps = []
    rate = args.start_rate
    for _ in range(args.max_steps):
        progress(f"{session.subject.name}: {members} members, {rate:g} messages/s")
        step = session.step(rate, args.duration, offered_deliveries=rate * members)
        step["members"] = members
        steps.append(step)
        # past the p99 limit, go on until the server is saturated (it delivers less than
        # 80 % of the offer): the ratios compare the most each subject delivered
        saturated = step["deliveries_per_second"] < 0.8 * rate * members
        if step["p99_ms"] is None or (step["p99_ms"] > args.p99_limit_ms and saturated):
            break
        rate *= args.rate_factor
    return steps


def _big_room_on(subject: Subject, args: argparse.Namespace, progress: Progress) -> dict[str, Any]:
    session = Session(subject, args.workers, args.seed)
    try:
        room = "general" if subject.dialect == "papote" else "big"
        steps: list[dict[str, Any]] = []
        connects = []
        have = 0
        for members in args.members:
            new = list(range(have, members))
            progress(f"{subject.name}: {len(new)} more members enter and join")
            connects.append(session.arrive({i: [room] for i in new}))
            have = members
            steps += _rising(session, members, args, progress)
        tally = session.tally()
    finally:
        session.close()
        subject.stop()
    return {"label": subject.name, "connect": connects, "steps": steps, "tally": tally}


def _best(run: dict[str, Any], members: int) -> dict[str, Any] | None:
    steps = [s for s in run["steps"] if s["members"] == members and s["deliveries"]]
    return max(steps, key=lambda s: s["deliveries_per_second"], default=None)


def _ratios(
    runs: list[dict[str, Any]], members: list[int], papotes: int = 1
) -> list[dict[str, Any]]:
    """Each Papote run's best step (the first ``papotes`` runs, one per WebSocket stack)
    against each peer's, per room size."""
    out = []
    for papote in runs[:papotes]:
        out += _ratios_of(papote, runs[papotes:], members)
    return out


def _ratios_of(
    papote: dict[str, Any], peers: list[dict[str, Any]], members: list[int]
) -> list[dict[str, Any]]:
    out = []
    for peer in peers:
        for m in members:
            ours, theirs = _best(papote, m), _best(peer, m)
            if ours is None or theirs is None:
                continue
            cpu_ours, cpu_theirs = (
                ours["server_cpu_us_per_delivery"],
                theirs["server_cpu_us_per_delivery"],
            )
            speed = ours["deliveries_per_second"] / theirs["deliveries_per_second"]
            cpu = round(cpu_ours / cpu_theirs, 2) if cpu_ours and cpu_theirs else None
            out.append(
                {
                    "papote": papote["label"],
                    "peer": peer["label"],
                    "members": m,
                    "deliveries_per_second_ratio": round(speed, 3),
                    "server_cpu_per_delivery_ratio": cpu,
                }
            )
    return out


def big_room(args: argparse.Namespace, progress: Progress) -> dict[str, Any]:
    """Papote once per WebSocket stack asked (``--ws-stack asgi,picows``, in that order),
    then each peer; the ratios compare every Papote run with every peer."""
    runs = [_big_room_on(_papote(args, stack), args, progress) for stack in args.ws_stack]
    for name in args.peers:
        runs.append(_big_room_on(Peer.start(name), args, progress))
    return {"runs": runs, "ratios": _ratios(runs, args.members, len(args.ws_stack))}


def _papote(args: argparse.Namespace, stack: str, env: dict[str, str] | None = None) -> Subject:
    """A Papote node on this WebSocket stack, labelled with it when several are compared."""
    node = PapoteNode.start({**(env or {}), "PAPOTE_WS_STACK": stack})
    if len(args.ws_stack) > 1:
        node.name = f"papote-{stack}"
    return node


# A storm is people coming back with the tokens they hold (a restart): their entry is
# set-up, and its time must not run out their tokens' grace before they connect.
STORM_ENV = {"PAPOTE_RESUME_GRACE_S": "900"}


def storm(args: argparse.Namespace, progress: Progress) -> dict[str, Any]:
    subject = _papote(args, args.ws_stack[0], STORM_ENV)
    session = Session(subject, args.workers, args.seed)
    try:
        users = list(range(args.connections))
        progress(f"{args.connections} people enter (not timed in the storm)")
        entry = session.enter(users)
        rooms = session.rooms()
        rng = random.Random(args.seed)
        rate = args.connections / args.seconds
        progress(f"{entry['entered']} connections in {args.seconds} s ({rate:.0f}/s)")
        rss0 = subject.rss_kib()
        connect = session.connect({i: [rng.choice(rooms)] for i in users}, rate=rate)
        if args.hold > 0:
            progress(f"the connections stay idle for {args.hold} s")
            time.sleep(args.hold)
            welcomed = max(1, connect["welcomed"])
            connect["idle_rss_per_connection_kib"] = round((subject.rss_kib() - rss0) / welcomed, 1)
        progress("one message in each room, to check the connections are live")
        step = session.step(min(50.0, len(rooms) * 2.0), 2.0)
        tally = session.tally()
    finally:
        session.close()
        subject.stop()
    return {
        "runs": [
            {"label": "papote", "entry": entry, "connect": connect, "steps": [step], "tally": tally}
        ]
    }


def _audit(session: Session) -> dict[str, Any]:
    """Every acknowledged room message is in storage (read back through a node)."""
    answers = session.gen.call("audit", {})
    return {
        "acked_checked": sum(a["checked"] for a in answers),
        "acked_missing_from_history": sum(a["missing"] for a in answers),
    }


def two_nodes(args: argparse.Namespace, progress: Progress) -> dict[str, Any]:
    runs = []
    for size in (1, 2):
        subject = Cluster.start(size)
        session = Session(subject, args.workers, args.seed)
        try:
            progress(f"{subject.name}: {args.users} people, many rooms")
            label = subject.name
            killer = None
            if size == 2 and args.kill:
                # half-way through the sending (which starts at once), node 2 dies (SIGKILL)
                killer = threading.Timer(args.duration / 2, subject.kill_node, (1,))
            run = _mixed_workload(session, args, progress, churn=0.0) if killer is None else None
            if killer is not None:
                rng = random.Random(args.seed)
                users = list(range(args.users))
                rooms = session.rooms()
                connect = session.arrive(_rooms_of(users, rooms, rng))
                session.directory(users)
                killer.start()
                step = session.step(args.rate, args.duration, dm_share=args.dm_share)
                killer.join()
                progress("the dropped people reconnect to the surviving node")
                reconnected = session.gen.call("reconnect", {})
                run = {
                    "connect": connect, "steps": [step], "tally": session.tally(),
                    "node_killed": True,
                    "reconnected": sum(r["reconnected"] for r in reconnected),
                    "reconnect_failures": sum(r["failures"] for r in reconnected),
                }  # fmt: skip
                label += ", node 2 killed mid-run"
            assert run is not None
            run["audit"] = _audit(session)
            if killer is not None:
                # with a node killed, lost means acknowledged and not stored; frames that
                # did not reach people on the surviving node live are counted apart (a
                # client catches up from the history when it reconnects or is told to)
                tally = run["tally"]
                tally["live_missed_around_kill"] = tally["lost"]
                tally["lost"] = run["audit"]["acked_missing_from_history"]
            runs.append({"label": label, **run})
        finally:
            session.close()
            subject.stop()
    one, two = runs[0]["steps"][0], runs[1]["steps"][0]
    ratios = {
        "deliveries_per_second_ratio": round(
            two["deliveries_per_second"] / max(1, one["deliveries_per_second"]), 2
        ),
    }
    return {"runs": runs, "ratios": ratios}


SCENARIOS = {"evening": evening, "big-room": big_room, "storm": storm, "two-nodes": two_nodes}
