"""The frame budget and typing coalescing are one per person across the cluster, not
one per node.

Two server processes share Redis and PostgreSQL. A person with a socket on each node
used to have a budget on each (N nodes, N budgets); the budget is now counted through
the rate limiter's Redis storage, checked in memory first. Likewise one typing event
per person and conversation per interval goes through, whichever node receives it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import postgres_url, redis_url
from tests.serverproc import RELAXED, ServerProcess
from tests.wsclient import Client, enter

BUDGET = 20


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[ServerProcess, ServerProcess]]:
    env = {
        **RELAXED,
        "PAPOTE_DATABASE_URL": postgres_url(),
        "PAPOTE_REDIS_URL": redis_url(6),
        "PAPOTE_SECRET_KEY": "shared-cluster-secret-for-frame-tests-0123456789",
        "PAPOTE_RATE_FRAMES": f"{BUDGET}/10seconds",
    }
    a = ServerProcess({**env, "PAPOTE_NODE_NAME": "frames-a"}).start()
    b = ServerProcess({**env, "PAPOTE_NODE_NAME": "frames-b"}).start()
    yield a, b
    a.stop()
    b.stop()


async def test_one_budget_for_a_person_on_two_nodes(cluster):
    node_a, node_b = cluster
    session = await enter(node_a.url)
    on_a = await Client.connect(node_a.ws_url, session)
    on_b = await Client.connect(node_b.ws_url, session)
    other = await Client.enter(node_b)  # someone else on node B: a budget of their own
    for _ in range(BUDGET):
        assert (await on_a.request({"type": "ping"}))["type"] == "pong"
    # node B has seen none of these frames, but the cluster has: over budget at once
    refused = await on_b.request({"type": "ping"})
    assert refused["type"] == "error" and refused["code"] == "rate_limited", refused
    refused = await on_a.request({"type": "ping"})
    assert refused["code"] == "rate_limited"
    assert (await other.request({"type": "ping"}))["type"] == "pong"
    for c in (on_a, on_b, other):
        assert not c.closed.done()
        await c.close()


async def test_the_budget_is_shared_whichever_node_counts_first(cluster):
    node_a, node_b = cluster
    session = await enter(node_b.url)
    on_a = await Client.connect(node_a.ws_url, session)
    on_b = await Client.connect(node_b.ws_url, session)
    answers = []
    for i in range(BUDGET + 4):  # alternate nodes: half the budget each would pass per node
        client = on_a if i % 2 else on_b
        answers.append((await client.request({"type": "ping"}))["type"])
    assert answers[:BUDGET] == ["pong"] * BUDGET
    assert answers[BUDGET:] == ["error"] * 4
    for c in (on_a, on_b):
        await c.close()


async def test_one_typing_event_per_interval_whichever_node(cluster):
    node_a, node_b = cluster
    session = await enter(node_a.url)
    on_a = await Client.connect(node_a.ws_url, session)
    on_b = await Client.connect(node_b.ws_url, session)
    listener = await Client.enter(node_a)
    for c in (on_a, listener):
        assert (await c.request({"type": "join", "room": "musique"}))["type"] == "joined"
    await on_b.settle(0.3)  # node B has heard of the join
    await on_a.send({"type": "typing", "room": "musique"})
    await listener.wait_for(lambda f: f["type"] == "typing")
    for _ in range(3):
        await on_b.send({"type": "typing", "room": "musique"})  # node B's gate is fresh
    await listener.settle(0.5)
    typing = [f for f in listener.received("typing") if f["user"]["id"] == on_a.id]
    assert len(typing) == 1, typing
    for c in (on_a, on_b, listener):
        await c.close()
