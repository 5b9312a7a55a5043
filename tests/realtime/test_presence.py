"""Presence goes to those whose list shows the person, and to their private peers,
in batches: an arrival is not sent to everyone."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

from papote.realtime.broker import Envelope
from papote.realtime.connection import Connection
from papote.realtime.hub import Hub
from papote.realtime.presence import Watch
from tests.realtime.test_connection import RawTransport
from tests.realtime.test_hub import FakeTransport, user

LYON = "Auvergne-Rhône-Alpes"


async def _connect(hub: Hub, uid: str, region: str = "Île-de-France", **fields) -> FakeTransport:
    transport = FakeTransport()
    hub.attach(Connection(transport, uid), set())
    who = replace(user(uid), region=region, **fields)
    control = {"op": "online", "node": "n", "user": who.to_json()}
    await hub.deliver(Envelope("presence", sender=uid, control=control))
    return transport


async def _leave(hub: Hub, uid: str) -> None:
    control = {"op": "offline", "node": "n", "user_id": uid}
    await hub.deliver(Envelope("presence", sender=uid, control=control))


def _presence(transport: FakeTransport) -> list[tuple[str, str]]:
    frames = [json.loads(f) for f in transport.sent]
    return [(f["user"]["id"], f["status"]) for f in frames if f["type"] == "presence"]


async def test_by_default_one_hears_of_arrivals_in_ones_region_only() -> None:
    hub = Hub()
    paris = await _connect(hub, "paris")
    lyon = await _connect(hub, "lyon", LYON)
    await _connect(hub, "paris2")
    await _connect(hub, "lyon2", LYON)
    await asyncio.sleep(0.01)
    assert _presence(paris) == [("paris2", "online")]
    assert _presence(lyon) == [("lyon2", "online")]


async def test_the_list_of_the_last_who_is_the_one_watched() -> None:
    hub = Hub()
    paris = await _connect(hub, "paris")
    hub.presence.look_at("paris", Watch(region=None, gender="femme", age_min=25, age_max=35))
    await _connect(hub, "lyonnaise", LYON, gender="femme", age=30)
    await _connect(hub, "lyonnais", LYON, gender="homme", age=30)
    await _connect(hub, "parisienne", gender="femme", age=50)
    await asyncio.sleep(0.01)
    assert _presence(paris) == [("lyonnaise", "online")]


async def test_a_room_list_hears_of_its_members_and_of_departures() -> None:
    hub = Hub()
    watcher = await _connect(hub, "w")
    hub.presence.look_at("w", Watch(room="r"))
    await hub.deliver(Envelope("nodes", control={"op": "join", "room": "r", "user_id": "m"}))
    await _connect(hub, "m")
    await _connect(hub, "outside")
    await _leave(hub, "m")
    await asyncio.sleep(0.01)
    assert _presence(watcher) == [("m", "online"), ("m", "offline")]


async def test_private_peers_hear_of_each_other_whatever_their_lists() -> None:
    hub = Hub()
    paris = await _connect(hub, "paris")
    lyon = await _connect(hub, "lyon", LYON)
    await hub.deliver(Envelope("user:paris", '{"type":"message"}', sender="lyon"))
    hub.presence.add_peer("lyon", "paris")  # what the DM action does for its sender
    await _leave(hub, "lyon")
    await asyncio.sleep(0.01)
    assert _presence(paris) == [("lyon", "offline")]
    lyon = await _connect(hub, "lyon", LYON)
    await _leave(hub, "paris")
    await asyncio.sleep(0.01)
    assert ("paris", "offline") in _presence(lyon)


async def test_changes_within_a_batch_are_sent_once_in_their_last_state() -> None:
    hub = Hub(presence_batch_s=0.2)
    watcher = await _connect(hub, "w")
    await _connect(hub, "blip")
    await _leave(hub, "blip")
    await _connect(hub, "stays")
    await asyncio.sleep(0.05)
    assert _presence(watcher) == []  # nothing before the batch is due
    await asyncio.sleep(0.3)
    assert _presence(watcher) == [("blip", "offline"), ("stays", "online")]


async def test_a_user_gone_from_the_node_is_forgotten() -> None:
    hub = Hub()
    transport = FakeTransport()
    conn = Connection(transport, "w")
    hub.attach(conn, set())
    hub.presence.look_at("w", Watch())
    hub.detach(conn)
    await _connect(hub, "new")
    assert hub.presence.watchers_of(user("new"), "online") == set()


async def test_a_storm_of_arrivals_reaches_each_watcher_in_one_push_in_order() -> None:
    """A batch of arrivals: each change judged per list, each watcher one raw item with
    the frames for them in the batch's order; nobody hears of themself; a private peer
    in another region hears of their peer too; a narrower list hears only its own."""
    hub = Hub(presence_batch_s=60.0)
    streams = {}
    for uid, region in (("old1", "Île-de-France"), ("old2", "Île-de-France"), ("lyon", LYON)):
        transport = RawTransport()
        hub.attach(Connection(transport, uid), set())
        hub.directory[uid] = replace(user(uid), region=region)
        streams[uid] = transport.stream
    hub.presence.look_at("old2", Watch(region="Île-de-France", gender="femme"))
    hub.presence.add_peer("lyon", "new3")
    arrivals = [("new1", "homme"), ("new2", "femme"), ("new3", "homme")]
    for uid, gender in arrivals:
        transport = RawTransport()
        hub.attach(Connection(transport, uid), set())
        who = replace(user(uid), gender=gender)
        control = {"op": "online", "node": "n", "user": who.to_json()}
        await hub.deliver(Envelope("presence", sender=uid, control=control))
        streams[uid] = transport.stream
    hub.presence.flush()
    await asyncio.sleep(0)

    def heard(uid: str) -> list[str]:
        assert len(streams[uid].writes) <= 1  # one write for the whole batch
        data = b"".join(streams[uid].writes)
        return [json.loads(f)["user"]["id"] for f in _texts(data)]

    assert heard("old1") == ["new1", "new2", "new3"]
    assert heard("old2") == ["new2"]
    assert heard("lyon") == ["new3"]
    assert heard("new1") == ["new2", "new3"]
    assert heard("new3") == ["new1", "new2"]


def _texts(data: bytes) -> list[str]:
    """The payloads of unmasked server text frames laid end to end."""
    out = []
    while data:
        size, at = data[1] & 0x7F, 2
        if size == 126:
            size, at = int.from_bytes(data[2:4], "big"), 4
        elif size == 127:
            size, at = int.from_bytes(data[2:10], "big"), 10
        out.append(data[at : at + size].decode())
        data = data[at + size :]
    return out
