"""Images across two nodes sharing PostgreSQL and Redis: an image uploaded on one node
is served by the other to a room member there; a photo protected on one node is refused
on the other at once (the ``hashes`` envelope), not after the periodic refresh."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import postgres_url, redis_url
from tests.images import encode, photo
from tests.mediaclient import fetch, upload, uploaded
from tests.serverproc import RELAXED, ServerProcess
from tests.wsclient import Client, enter


@pytest.fixture(scope="module")
def media_cluster() -> Iterator[tuple[ServerProcess, ServerProcess]]:
    env = {
        **RELAXED,
        "PAPOTE_DATABASE_URL": postgres_url(),
        "PAPOTE_REDIS_URL": redis_url(2),
        "PAPOTE_SECRET_KEY": "shared-media-cluster-secret-0123456789abcdef",
        "PAPOTE_RATE_MEDIA": "1000/minute",
        "PAPOTE_HASHLIST_REFRESH_S": "3600",  # only the envelope can make it quick
    }
    a = ServerProcess({**env, "PAPOTE_NODE_NAME": "media-a"}).start(timeout=120)
    b = ServerProcess({**env, "PAPOTE_NODE_NAME": "media-b"}).start(timeout=120)
    yield a, b
    a.stop()
    b.stop()


async def test_images_cross_nodes_and_protection_reaches_every_node(media_cluster):
    node_a, node_b = media_cluster
    alice = await Client.enter(node_a)
    bob = await Client.enter(node_b)
    for client in (alice, bob):
        await client.request({"type": "join", "room": "general"})
    media = uploaded(node_a, alice.session["token"], encode(photo(seed=61)))
    ack = await alice.request({"type": "say", "room": "general", "text": "", "media": media["id"]})
    assert ack["type"] == "ack"
    got = await bob.wait_for(lambda f: f["type"] == "message" and f["message"]["media"])
    assert got["message"]["media"]["id"] == media["id"]
    assert fetch(node_b, bob.session["token"], media["id"], full=True).status_code == 200

    mine = photo(seed=62)
    owner = await enter(node_a.url)
    protected = upload(node_a, owner["token"], encode(mine), path="/api/v1/media/protect")
    assert protected.status_code == 201
    sharer = await enter(node_b.url)
    refused = upload(node_b, sharer["token"], encode(mine.resize((600, 450)), quality=70))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "blocked"
    await alice.close()
    await bob.close()
