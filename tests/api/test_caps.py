"""Caps on connections: a few per session (the oldest closed), a bound per address.

The probe's finding: 500 sockets on one token, each receiving every room message.
"""

from __future__ import annotations

import asyncio

import httpx

from tests.serverproc import RELAXED, ServerProcess
from tests.wsclient import Client, enter, unique_pseudo


async def test_a_session_keeps_a_few_connections_the_oldest_is_closed(fresh_server):
    fresh_server.env["PAPOTE_MAX_CONNECTIONS_PER_USER"] = "3"
    fresh_server.start()
    session = await enter(fresh_server.url)
    tabs = [await Client.connect(fresh_server.ws_url, session) for _ in range(3)]
    fourth = await Client.connect(fresh_server.ws_url, session)
    code = await asyncio.wait_for(tabs[0].closed, 5)
    assert code == 4008
    assert tabs[0].received("error")[-1]["code"] == "too_many_connections"
    for tab in (*tabs[1:], fourth):  # the newer ones stay
        assert (await tab.request({"type": "ping"}))["type"] == "pong"
    many = [await Client.connect(fresh_server.ws_url, session) for _ in range(10)]
    await asyncio.sleep(0.5)
    alive = [c for c in (*tabs, fourth, *many) if not c.closed.done()]
    assert alive == many[-3:]
    for c in alive:
        await c.close()


async def test_an_address_prefix_is_bounded_per_node():
    env = {**RELAXED, "PAPOTE_MAX_CONNECTIONS_PER_PREFIX": "5"}
    server = ServerProcess(env).start()
    try:
        clients = [await Client.enter(server) for _ in range(5)]
        extra = await Client.connect(server.ws_url, await enter(server.url), hello=False)
        await extra.send({"type": "hello", "token": extra.session["token"]})
        refused = await extra.wait_type("error")
        assert refused["code"] == "too_many_connections"
        assert await asyncio.wait_for(extra.closed, 5) == 4001
        await clients[0].close()  # a place frees up
        await asyncio.sleep(0.3)
        again = await Client.enter(server)
        assert (await again.request({"type": "ping"}))["type"] == "pong"
        for c in (*clients[1:], again):
            await c.close()
    finally:
        server.stop()


async def test_a_browser_keeps_a_few_sessions_a_new_entry_ends_the_oldest(fresh_server):
    fresh_server.env["PAPOTE_MAX_SESSIONS_PER_BROWSER"] = "2"
    fresh_server.start()

    def body() -> dict:
        return {
            "pseudo": unique_pseudo("nav"),
            "age": 30,
            "gender": "femme",
            "postal_code": "35000",
        }

    async with httpx.AsyncClient(base_url=fresh_server.url) as browser:  # keeps its cookies
        first = (await browser.post("/api/v1/session", json=body())).json()
        assert browser.cookies.get("papote_browser")
        tab = await Client.connect(fresh_server.ws_url, first)
        second = (await browser.post("/api/v1/session", json=body())).json()
        third = await browser.post("/api/v1/session", json=body())
        assert third.status_code == 201
        assert await asyncio.wait_for(tab.closed, 5) is not None  # the oldest ended
        again = await Client.connect(fresh_server.ws_url, first, hello=False)
        await again.send({"type": "hello", "token": first["token"]})
        assert (await again.wait_type("error"))["code"] == "invalid_token"
        for session in (second, third.json()):  # the two newest live on
            alive = await Client.connect(fresh_server.ws_url, session)
            assert (await alive.request({"type": "ping"}))["type"] == "pong"
            await alive.close()
    # another browser (its own cookie) is not counted with this one
    async with httpx.AsyncClient(base_url=fresh_server.url) as other:
        for _ in range(3):
            assert (await other.post("/api/v1/session", json=body())).status_code == 201
