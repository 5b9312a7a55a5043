"""A node killed (SIGKILL) under its clients: they reconnect to another node with the
same token and fetch what they missed (``history`` with ``after``), rooms and private
messages alike; nothing acknowledged is lost."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import postgres_url, redis_url
from tests.serverproc import RELAXED, ServerProcess
from tests.wsclient import Client


@pytest.mark.timeout(400)  # starts and breaks real servers
async def test_clients_of_a_killed_node_reconnect_elsewhere_and_catch_up():
    env = {**RELAXED, "PAPOTE_DATABASE_URL": postgres_url(), "PAPOTE_REDIS_URL": redis_url(3)}
    env["PAPOTE_SECRET_KEY"] = "node-kill-secret-for-tests-0123456789abcdef"
    env["PAPOTE_HEARTBEAT_S"] = "0.5"
    survivor = ServerProcess({**env, "PAPOTE_NODE_NAME": "survivor"}).start()
    doomed = ServerProcess({**env, "PAPOTE_NODE_NAME": "doomed"}).start()
    try:
        alice = await Client.enter(survivor)
        bob = await Client.enter(doomed)
        for c in (alice, bob):
            await c.request({"type": "join", "room": "general"})
        first = await alice.request({"type": "say", "room": "general", "text": "vu en direct"})
        seen_room = (await bob.message("vu en direct"))["id"]
        assert seen_room == first["message"]["id"]
        await alice.request({"type": "dm", "to": bob.id, "text": "privé vu"})
        seen_dm = (await bob.message("privé vu"))["id"]

        doomed.kill9()
        await asyncio.wait_for(bob.closed, 10)
        # the survivor notices the silence and tells its clients to catch up: what the
        # dead node acknowledged but could not publish is in the store
        await alice.wait_type("resync", timeout=20)
        missed_room, missed_dm = [], []
        for i in range(3):  # acknowledged while bob has no connection at all
            ack = await alice.request({"type": "say", "room": "general", "text": f"manqué {i}"})
            assert ack["type"] == "ack"
            missed_room.append(ack["message"]["id"])
        ack = await alice.request({"type": "dm", "to": bob.id, "text": "privé manqué"})
        assert ack["type"] == "ack", ack
        missed_dm.append(ack["message"]["id"])

        back = await Client.connect(survivor.ws_url, bob.session)  # same token, other node
        assert back.welcome["user"]["id"] == bob.id
        assert (await back.request({"type": "join", "room": "general"}))["type"] == "joined"
        room = await back.request({"type": "history", "room": "general", "after": seen_room})
        assert [m["id"] for m in room["messages"]] == missed_room
        dm = await back.request({"type": "history", "with": alice.id, "after": seen_dm})
        assert [m["id"] for m in dm["messages"]] == missed_dm
        assert dm["messages"][0]["dm"] == alice.id
        await alice.request({"type": "say", "room": "general", "text": "de nouveau en direct"})
        await back.message("de nouveau en direct")
        await alice.close()
        await back.close()
    finally:
        doomed.kill9()
        survivor.stop()
