"""Redis killed under two nodes, then restarted empty.

While it is away each node keeps serving its own clients (messages acknowledged and
delivered on the node, entry and joins work); once it is back the nodes
resubscribe and resynchronise presence and memberships by themselves, including
what changed during the outage.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from papote.bench.services import RedisProcess
from tests.conftest import postgres_url
from tests.serverproc import RELAXED, ServerProcess
from tests.wsclient import Client


@pytest.fixture
def redis() -> Iterator[RedisProcess]:
    proc = RedisProcess().start()
    yield proc
    proc.destroy()


def _ids(reply: dict) -> set[str]:
    return {u["id"] for u in reply["users"]}


async def _eventually(check, timeout: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            if await check():
                return
        except (ConnectionError, TimeoutError):
            pass
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not true after {timeout} s: {check.__doc__}")
        await asyncio.sleep(0.3)


@pytest.mark.timeout(400)  # starts and breaks real servers
async def test_nodes_serve_their_clients_without_redis_then_resync(redis):
    env = {**RELAXED, "PAPOTE_DATABASE_URL": postgres_url(), "PAPOTE_REDIS_URL": redis.url}
    env["PAPOTE_SECRET_KEY"] = "redis-fault-secret-for-tests-0123456789abc"
    env["PAPOTE_HEARTBEAT_S"] = "1"  # silent nodes are dropped after 3 s: the outage is longer
    node_a = ServerProcess({**env, "PAPOTE_NODE_NAME": "a"}).start()
    node_b = ServerProcess({**env, "PAPOTE_NODE_NAME": "b"}).start()
    try:
        alice = await Client.enter(node_a)
        carol = await Client.enter(node_a)
        bob = await Client.enter(node_b)
        for c in (alice, carol, bob):
            await c.request({"type": "join", "room": "general"})
        await alice.request({"type": "say", "room": "general", "text": "avant la panne"})
        await bob.message("avant la panne")

        redis.kill()
        ack = await alice.request({"type": "say", "room": "general", "text": "pendant, de A"})
        assert ack["type"] == "ack", ack
        await carol.message("pendant, de A")  # same node: delivered
        ack = await bob.request({"type": "say", "room": "general", "text": "pendant, de B"})
        assert ack["type"] == "ack", ack
        dave = await Client.enter(node_b)  # entry works without Redis
        assert (await dave.request({"type": "join", "room": "general"}))["type"] == "joined"
        assert (await carol.request({"type": "leave", "room": "general"}))["type"] == "left"
        await asyncio.sleep(4)  # long enough for the nodes to give each other up

        redis.start()  # the same port, empty

        async def dave_seen_from_a() -> bool:
            """alice (node A) sees dave (node B, entered during the outage) online"""
            return dave.id in _ids(await alice.request({"type": "who"}))

        async def memberships_repaired() -> bool:
            """node B knows alice is in general and carol left it during the outage"""
            members = _ids(await bob.request({"type": "who", "room": "general"}))
            return alice.id in members and carol.id not in members and dave.id in members

        # every client is told it may have missed messages from the other node
        for c in (alice, carol, bob, dave):
            await c.wait_type("resync", timeout=20)
        caught_up = await alice.request({"type": "history", "room": "general"})
        assert "pendant, de B" in [m["text"] for m in caught_up["messages"]]
        await _eventually(dave_seen_from_a)
        await _eventually(memberships_repaired)
        sent = 0

        async def delivered_across() -> bool:
            """a message from node A reaches node B again (subscription restored)"""
            nonlocal sent
            sent += 1
            await alice.request({"type": "say", "room": "general", "text": f"après {sent}"})
            await asyncio.sleep(0.2)
            return any(
                f["type"] == "message" and f["message"]["text"].startswith("après")
                for f in bob.frames
            )

        await _eventually(delivered_across)
        await bob.request({"type": "say", "room": "general", "text": "retour de B"})
        await alice.message("retour de B")
        for c in (alice, carol, bob, dave):
            await c.close()
    finally:
        node_a.stop()
        node_b.stop()
