"""A node's ``state`` snapshot replaces what the others knew of it."""

from __future__ import annotations

import asyncio
import json

from papote.realtime.broker import Envelope
from papote.realtime.connection import Connection
from papote.realtime.hub import Hub
from papote.realtime.resync import apply_state, snapshot
from tests.realtime.test_hub import FakeTransport, user


async def _online(hub: Hub, node: str, uid: str, rooms: tuple[str, ...] = ()) -> None:
    control = {"op": "online", "node": node, "user": user(uid).to_json()}
    await hub.deliver(Envelope("nodes", control=control))
    for room in rooms:
        await hub.deliver(Envelope("nodes", control={"op": "join", "room": room, "user_id": uid}))


async def test_snapshot_repairs_departures_arrivals_and_memberships():
    hub = Hub()
    watcher = FakeTransport()
    hub.attach(Connection(watcher, "w"), set())
    await _online(hub, "here", "w", ("r",))
    await _online(hub, "far", "gone", ("r",))  # left during the outage: missed
    await _online(hub, "far", "stays", ("r", "s"))  # left room s during the outage
    await _online(hub, "far", "both", ("r",))
    await _online(hub, "other", "both")  # also held by a third node
    state = {
        "op": "state",
        "node": "far",
        "users": [user("stays").to_json(), user("new").to_json()],
        "rooms": {"stays": ["r"], "new": ["r"]},
    }
    apply_state(hub, state)
    assert not hub.is_online("gone") and hub.is_online("new") and hub.is_online("stays")
    assert hub.is_online("both") and hub.nodes_of["both"] == {"other"}
    assert hub.members["r"] == {"w", "stays", "new", "both"}
    assert hub.rooms_of["stays"] == {"r"} and "stays" not in hub.members.get("s", set())
    await asyncio.sleep(0.01)
    frames = [json.loads(f) for f in watcher.sent]
    kinds = {(f["type"], f.get("status"), f["user"]["id"]) for f in frames if "user" in f}
    assert ("presence", "offline", "gone") in kinds
    assert ("presence", "online", "new") in kinds
    assert ("member_joined", None, "new") in kinds and ("member_left", None, "gone") in kinds


def test_snapshot_lists_local_users_and_their_rooms():
    hub = Hub()
    hub.directory["a"] = user("a")
    hub.conns["a"] = set()
    hub.rooms_of["a"] = {"r", "s"}
    hub.directory["remote"] = user("remote")
    state = snapshot(hub, "n1")
    assert state["node"] == "n1" and [u["id"] for u in state["users"]] == ["a"]
    assert state["rooms"] == {"a": ["r", "s"]}
