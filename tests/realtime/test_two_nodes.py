"""Two server processes on different ports sharing Redis and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import postgres_url, redis_url
from tests.serverproc import RELAXED, ServerProcess
from tests.wsclient import Client, enter, unique_pseudo

ADMIN_TOKEN = "test-admin-token-0123456789-abcdefghijklmnopqrstuvwxyz"


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[ServerProcess, ServerProcess]]:
    env = {**RELAXED, "PAPOTE_DATABASE_URL": postgres_url(), "PAPOTE_REDIS_URL": redis_url(1)}
    env["PAPOTE_SECRET_KEY"] = "shared-cluster-secret-for-tests-0123456789"
    env["PAPOTE_ADMIN_TOKEN"] = ADMIN_TOKEN
    env["PAPOTE_LEGACY_ADMIN_TOKEN"] = "true"  # the operator's token, kept on explicitly
    a = ServerProcess({**env, "PAPOTE_NODE_NAME": "node-a"}).start()
    b = ServerProcess({**env, "PAPOTE_NODE_NAME": "node-b"}).start()
    yield a, b
    a.stop()
    b.stop()


async def test_nodes_deliver_rooms_dms_presence(cluster):
    node_a, node_b = cluster
    alice = await Client.enter(node_a)
    bob = await Client.enter(node_b)
    # presence crosses nodes
    seen = await alice.wait_for(lambda f: f["type"] == "presence" and f["user"]["id"] == bob.id)
    assert seen["status"] == "online"
    who = await bob.request({"type": "who"})
    assert alice.id in {u["id"] for u in who["users"]}

    await alice.request({"type": "join", "room": "general"})
    joined = await bob.request({"type": "join", "room": "general"})
    assert alice.id in {u["id"] for u in joined["members"]}
    await alice.wait_type("member_joined", room="general")

    await alice.request({"type": "say", "room": "general", "text": "depuis le noeud A"})
    await bob.message("depuis le noeud A")
    await bob.request({"type": "say", "room": "general", "text": "depuis le noeud B"})
    await alice.message("depuis le noeud B")

    ack = await bob.request({"type": "dm", "to": alice.id, "text": "privé entre noeuds"})
    assert ack["type"] == "ack"
    dm = await alice.message("privé entre noeuds")
    assert dm["dm"] == bob.id

    # a block made on node A filters bob's room messages delivered by node A
    await alice.request({"type": "block", "user": bob.id})
    await bob.request({"type": "say", "room": "general", "text": "bloqué ?"})
    await alice.request({"type": "say", "room": "general", "text": "témoin"})
    await alice.message("témoin")
    await alice.settle()
    assert not any(
        f["type"] == "message" and f["message"]["text"] == "bloqué ?" for f in alice.frames
    )

    await bob.close()
    gone = await alice.wait_for(
        lambda f: (
            f["type"] == "presence" and f["status"] == "offline" and f["user"]["id"] == bob.id
        ),
        timeout=10,
    )
    assert gone["user"]["id"] == bob.id
    await alice.close()


async def test_pseudo_unique_across_nodes(cluster):
    node_a, node_b = cluster
    pseudo = unique_pseudo("Uniq")
    body = {"pseudo": pseudo, "age": 30, "gender": "femme", "postal_code": "44000"}
    assert httpx.post(f"{node_a.url}/api/v1/session", json=body).status_code == 201
    clash = httpx.post(f"{node_b.url}/api/v1/session", json={**body, "pseudo": pseudo.lower()})
    assert clash.status_code == 409 and clash.json()["error"]["code"] == "pseudo_taken"


async def test_new_node_learns_cluster_state(cluster):
    node_a, _ = cluster
    early = await Client.enter(node_a)
    await early.request({"type": "join", "room": "sport"})
    env = dict(node_a.env)
    env["PAPOTE_NODE_NAME"] = "node-c"
    node_c = ServerProcess(env).start()
    try:
        late = await Client.enter(node_c)
        who = await late.request({"type": "who", "room": "sport"})
        assert early.id in {u["id"] for u in who["users"]}
        await late.close()
    finally:
        node_c.stop()
    await early.close()


async def test_run_time_terms_apply_on_every_node(cluster):
    node_a, node_b = cluster
    admin = {"authorization": f"Bearer {ADMIN_TOKEN}"}
    speaker = await Client.enter(node_b)
    await speaker.request({"type": "join", "room": "general"})
    word = "zorglubite"
    before = await speaker.request({"type": "say", "room": "general", "text": f"un {word} ?"})
    assert before["type"] == "ack"
    assert httpx.get(f"{node_a.url}/api/v1/admin/terms").status_code == 403
    added = httpx.post(
        f"{node_a.url}/api/v1/admin/terms",
        headers=admin,
        json={"term": word, "category": "hate", "action": "block"},
    )
    assert added.status_code == 201, added.text
    term_id = added.json()["term"]["id"]
    for _ in range(50):  # node B reloads asynchronously
        reply = await speaker.request({"type": "say", "room": "general", "text": f"un {word} !"})
        if reply["type"] == "rejected":
            break
        await asyncio.sleep(0.1)
    assert reply["type"] == "rejected" and reply["category"] == "hate"
    listed = httpx.get(f"{node_b.url}/api/v1/admin/terms", headers=admin).json()["terms"]
    assert [t["term"] for t in listed] == [word]
    removed = httpx.delete(f"{node_b.url}/api/v1/admin/terms/{term_id}", headers=admin)
    assert removed.status_code == 204
    for _ in range(50):
        reply = await speaker.request({"type": "say", "room": "general", "text": f"{word} ?"})
        if reply["type"] == "ack":
            break
        await asyncio.sleep(0.1)
    assert reply["type"] == "ack"
    await speaker.close()


async def test_leaving_for_good_from_two_nodes_is_one_offline(cluster):
    node_a, node_b = cluster
    watcher = await Client.enter(node_a)
    session = await enter(node_a.url)
    on_a = await Client.connect(node_a.ws_url, session)
    on_b = await Client.connect(node_b.ws_url, session)  # the same person, second tab
    await watcher.wait_for(lambda f: f["type"] == "presence" and f["user"]["id"] == on_a.id)
    response = httpx.delete(
        f"{node_b.url}/api/v1/session", headers={"authorization": f"Bearer {session['token']}"}
    )
    assert response.status_code == 204
    await asyncio.wait_for(asyncio.gather(on_a.closed, on_b.closed), 10)
    await watcher.wait_for(
        lambda f: (
            f["type"] == "presence" and f["status"] == "offline" and f["user"]["id"] == on_a.id
        ),
        timeout=10,
    )
    await watcher.settle(0.5)
    offline = [
        f
        for f in watcher.frames
        if f["type"] == "presence" and f["status"] == "offline" and f["user"]["id"] == on_a.id
    ]
    assert len(offline) == 1
    who = await watcher.request({"type": "who"})
    assert on_a.id not in {u["id"] for u in who["users"]}
    await watcher.close()


async def test_users_of_a_killed_node_go_offline():
    env = {**RELAXED, "PAPOTE_DATABASE_URL": postgres_url(), "PAPOTE_REDIS_URL": redis_url(2)}
    env["PAPOTE_SECRET_KEY"] = "another-cluster-secret-for-tests-0123456789"
    env["PAPOTE_HEARTBEAT_S"] = "0.5"
    survivor = ServerProcess({**env, "PAPOTE_NODE_NAME": "survivor"}).start()
    doomed = ServerProcess({**env, "PAPOTE_NODE_NAME": "doomed"}).start()
    try:
        watcher = await Client.enter(survivor)
        victim = await Client.enter(doomed)
        await victim.request({"type": "join", "room": "general"})
        await watcher.request({"type": "join", "room": "general"})
        await watcher.wait_for(lambda f: f["type"] == "presence" and f["user"]["id"] == victim.id)
        doomed.kill9()  # no node_down, no offline: the survivor must notice the silence
        offline = await watcher.wait_for(
            lambda f: (
                f["type"] == "presence"
                and f["status"] == "offline"
                and f["user"]["id"] == victim.id
            ),
            timeout=15,
        )
        assert offline["user"]["pseudo"] == victim.user["pseudo"]
        left = await watcher.wait_type("member_left", room="general")
        assert left["user"]["id"] == victim.id
        who = await watcher.request({"type": "who"})
        assert victim.id not in {u["id"] for u in who["users"]}
        await watcher.close()
    finally:
        doomed.kill9()
        survivor.stop()
