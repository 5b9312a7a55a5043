"""Reconnection within the grace period keeps identity; graceful shutdown says so."""

from __future__ import annotations

import asyncio

from tests.serverproc import ServerProcess
from tests.wsclient import Client, enter


async def test_reconnect_keeps_identity_and_fetches_missed(sqlite_server):
    session = await enter(sqlite_server.url)
    me = await Client.connect(sqlite_server.ws_url, session)
    friend = await Client.enter(sqlite_server)
    for c in (me, friend):
        await c.request({"type": "join", "room": "amitie"})
    last = await me.request({"type": "say", "room": "amitie", "text": "je reviens"})
    await me.close()
    for i in range(3):
        await friend.request({"type": "say", "room": "amitie", "text": f"pendant ton absence {i}"})
    again = await Client.connect(sqlite_server.ws_url, session)  # same token
    assert again.welcome["user"]["id"] == session["user"]["id"]
    assert again.welcome["user"]["pseudo"] == session["user"]["pseudo"]
    assert again.welcome["resumed"] is True
    missed = await again.request({"type": "history", "room": "amitie"})
    texts = [m["text"] for m in missed["messages"]]
    after = texts[texts.index(last["message"]["text"]) + 1 :]
    assert after == [f"pendant ton absence {i}" for i in range(3)]
    await again.close()
    await friend.close()


async def test_token_expires_after_grace(fresh_server: ServerProcess):
    fresh_server.env.update({"PAPOTE_RESUME_GRACE_S": "5", "PAPOTE_HEARTBEAT_S": "0.5"})
    server = fresh_server.start()
    session = await enter(server.url)
    c = await Client.connect(server.ws_url, session)
    await c.close()
    await asyncio.sleep(8)
    try:
        await Client.connect(server.ws_url, session)
    except AssertionError as exc:
        assert "invalid_token" in str(exc)
    else:
        raise AssertionError("a token must not outlive its grace period")


async def test_graceful_shutdown_tells_clients_to_reconnect(fresh_server: ServerProcess):
    server = fresh_server.start()
    c = await Client.enter(server)
    server.stop()  # SIGTERM
    frame = await c.wait_type("reconnect", timeout=10)
    assert frame["after_ms"] > 0
    code = await asyncio.wait_for(c.closed, 10)
    assert code == 1012
