"""The hub: encode once, send the same string to every member, skip blockers."""

from __future__ import annotations

import asyncio

from papote.realtime.broker import Envelope
from papote.realtime.connection import Connection
from papote.realtime.events import MessageEvent, MessageView, PublicUser
from papote.realtime.hub import Hub


class FakeTransport:
    def __init__(self) -> None:
        self.sent: list[str] = []
        self.closed: int | None = None

    async def accept(self) -> None:
        return None

    async def send_text(self, data: str) -> None:
        self.sent.append(data)

    async def close(self, code: int = 1000, reason: str = "") -> None:
        self.closed = code


def user(uid: str) -> PublicUser:
    return PublicUser(uid, uid, 30, "homme", "Paris", "Île-de-France", False)


async def test_room_frame_is_the_same_object_for_every_member():
    hub = Hub()
    transports = {}
    for uid in ("a", "b", "c", "d"):
        transports[uid] = FakeTransport()
        hub.attach(Connection(transports[uid], uid), blocked={"x"} if uid == "d" else set())
        await hub.deliver(
            Envelope("nodes", control={"op": "online", "node": "n", "user": user(uid).to_json()})
        )
        await hub.deliver(Envelope("nodes", control={"op": "join", "room": "r", "user_id": uid}))
    hub.attach(Connection(FakeTransport(), "outsider"), blocked=set())
    view = MessageView("1", "r", None, user("x").to_json(), "salut", None, 1)
    frame = MessageEvent(view).encode()
    await hub.deliver(Envelope("room:r", frame, sender="x"))
    await asyncio.sleep(0.01)
    received = [t.sent[-1] for uid, t in transports.items() if uid != "d" and t.sent]
    assert len(received) == 3
    assert all(r is frame for r in received)  # encoded once, the very same string
    assert not transports["d"].sent  # d blocks x


async def test_slow_client_is_dropped_not_waited_for():
    class Stuck(FakeTransport):
        async def send_text(self, data: str) -> None:
            await asyncio.sleep(3600)

    hub = Hub()
    stuck = Stuck()
    conn = Connection(stuck, "s", queue_max=5)
    hub.attach(conn, set())
    for i in range(10):
        conn.push(f"frame {i}")
    await asyncio.sleep(0.01)
    assert conn.closed and stuck.closed == 1013


async def test_offline_on_one_node_keeps_user_online_elsewhere():
    hub = Hub()
    await hub.deliver(
        Envelope("nodes", control={"op": "online", "node": "n1", "user": user("a").to_json()})
    )
    await hub.deliver(
        Envelope("nodes", control={"op": "online", "node": "n2", "user": user("a").to_json()})
    )
    await hub.deliver(Envelope("nodes", control={"op": "offline", "node": "n1", "user_id": "a"}))
    assert hub.is_online("a")
    await hub.deliver(Envelope("nodes", control={"op": "offline", "node": "n2", "user_id": "a"}))
    assert not hub.is_online("a")


def test_envelope_round_trip():
    env = Envelope("room:r", '{"type":"message"}', "s", False, {"op": "join"})
    assert Envelope.unpack(env.pack()) == env
