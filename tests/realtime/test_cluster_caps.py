"""Connection caps count the whole cluster: a token or an address prefix spread over two
nodes has the caps of one, not one per node. A killed node's sockets stop counting.

Two server processes share PostgreSQL and a Redis of the test's own, which one test
kills and restarts empty (heartbeat 1 s). Every client comes from 127.0.0.1: one
address prefix.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from papote.bench.services import RedisProcess
from tests.conftest import postgres_url
from tests.serverproc import RELAXED, ServerProcess
from tests.wsclient import Client, enter

PER_USER = 2
PER_PREFIX = 5


@pytest.fixture(scope="module")
def redis() -> Iterator[RedisProcess]:
    proc = RedisProcess().start()
    yield proc
    proc.destroy()


@pytest.fixture(scope="module")
def cluster(redis: RedisProcess) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    env = {
        **RELAXED,
        "PAPOTE_DATABASE_URL": postgres_url(),
        "PAPOTE_REDIS_URL": redis.url,
        "PAPOTE_SECRET_KEY": "shared-cluster-secret-for-cap-tests-0123456789",
        "PAPOTE_HEARTBEAT_S": "1",
        "PAPOTE_MAX_CONNECTIONS_PER_USER": str(PER_USER),
        "PAPOTE_MAX_CONNECTIONS_PER_PREFIX": str(PER_PREFIX),
    }
    a = ServerProcess({**env, "PAPOTE_NODE_NAME": "caps-a"}).start()
    b = ServerProcess({**env, "PAPOTE_NODE_NAME": "caps-b"}).start()
    yield a, b
    a.stop()
    b.stop()


async def _refused(server: ServerProcess) -> tuple[str, int]:
    session = await enter(server.url)
    client = await Client.connect(server.ws_url, session, hello=False)
    await client.send({"type": "hello", "token": session["token"]})
    error = await client.wait_type("error")
    return error["code"], await asyncio.wait_for(client.closed, 5)


async def _close_all(*clients: Client) -> None:
    for c in clients:
        await c.close()
    await asyncio.sleep(0.5)  # the servers release their seats


async def test_a_token_keeps_its_few_sockets_across_nodes_the_oldest_closed(cluster):
    node_a, node_b = cluster
    session = await enter(node_a.url)
    first = await Client.connect(node_a.ws_url, session)
    second = await Client.connect(node_b.ws_url, session)
    third = await Client.connect(node_a.ws_url, session)  # the oldest, on this node, goes
    assert await asyncio.wait_for(first.closed, 5) == 4008
    assert first.received("error")[-1]["code"] == "too_many_connections"
    fourth = await Client.connect(node_a.ws_url, session)  # the oldest is now on node B
    assert await asyncio.wait_for(second.closed, 5) == 4008
    assert second.received("error")[-1]["code"] == "too_many_connections"
    for tab in (third, fourth):
        assert (await tab.request({"type": "ping"}))["type"] == "pong"
    await _close_all(third, fourth)


async def test_an_address_prefix_is_bounded_across_nodes(cluster):
    node_a, node_b = cluster
    clients = [await Client.enter(node_a if i % 2 else node_b) for i in range(PER_PREFIX)]
    for node in (node_a, node_b):  # full on both: neither node alone holds the cap
        assert await _refused(node) == ("too_many_connections", 4001)
    await clients[0].close()  # a place frees up (it was on node B) ...
    await asyncio.sleep(0.5)
    again = await Client.enter(node_a)  # ... for a socket on node A
    assert (await again.request({"type": "ping"}))["type"] == "pong"
    await _close_all(*clients[1:], again)


async def test_redis_restarted_empty_gets_every_nodes_sockets_back(cluster, redis):
    node_a, node_b = cluster
    clients = [await Client.enter(node_a if i % 2 else node_b) for i in range(PER_PREFIX)]
    redis.kill()  # the count is gone with it
    await asyncio.sleep(1.0)
    await asyncio.to_thread(redis.start)
    await asyncio.sleep(3.5)  # a heartbeat or two: each node writes its sockets back
    for node in (node_a, node_b):
        assert await _refused(node) == ("too_many_connections", 4001)
    await _close_all(*clients)
    again = await Client.enter(node_b)  # the places were freed in Redis too
    assert (await again.request({"type": "ping"}))["type"] == "pong"
    await _close_all(again)


async def test_a_killed_nodes_sockets_stop_counting(cluster):
    node_a, node_b = cluster
    on_b = [await Client.enter(node_b) for _ in range(PER_PREFIX)]
    assert await _refused(node_a) == ("too_many_connections", 4001)
    node_b.kill9()  # no goodbye, no release: its process stops saying it is alive
    for c in on_b:
        await asyncio.wait_for(c.closed, 5)
    await asyncio.sleep(3.5)  # three heartbeats
    alive = [await Client.enter(node_a) for _ in range(PER_PREFIX)]
    for c in alive:
        assert (await c.request({"type": "ping"}))["type"] == "pong"
    await _close_all(*alive)
