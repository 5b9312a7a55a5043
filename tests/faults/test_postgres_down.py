"""PostgreSQL stopped (as a crash would) under a running node, then started again.

While it is down a message is refused with a clear error (``unavailable``), never
acknowledged without being stored; the node stays up; once PostgreSQL is back the
service resumes by itself, and every acknowledged message is in the history.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from papote.bench.services import PostgresProcess
from tests.serverproc import RELAXED, ServerProcess
from tests.wsclient import Client


@pytest.fixture
def postgres() -> Iterator[PostgresProcess]:
    proc = PostgresProcess().start()
    yield proc
    proc.destroy()


@pytest.mark.timeout(400)  # starts and breaks real servers
async def test_messages_refused_while_postgres_is_down_then_service_resumes(postgres):
    server = ServerProcess({**RELAXED, "PAPOTE_DATABASE_URL": postgres.url}).start()
    try:
        alice = await Client.enter(server)
        bob = await Client.enter(server)
        for c in (alice, bob):
            await c.request({"type": "join", "room": "general"})
        acked: list[str] = []
        reply = await alice.request({"type": "say", "room": "general", "text": "avant"})
        assert reply["type"] == "ack"
        acked.append("avant")

        postgres.stop("immediate")
        for i in range(3):
            text = f"pendant {i}"
            reply = await alice.request({"type": "say", "room": "general", "text": text}, 15)
            assert reply["type"] == "rejected" and reply["code"] == "unavailable", reply
            assert "indisponible" in reply["message"]
        dm = await bob.request({"type": "dm", "to": alice.id, "text": "en privé"}, 15)
        assert dm["type"] == "rejected" and dm["code"] == "unavailable", dm
        history = await bob.request({"type": "history", "room": "general"}, 15)
        assert history["type"] == "error" and history["code"] == "unavailable"
        entry = httpx.post(
            f"{server.url}/api/v1/session",
            json={"pseudo": "PendantPanne", "age": 30, "gender": "femme", "postal_code": "13001"},
            timeout=15,
        )
        assert entry.status_code == 503 and entry.json()["error"]["code"] == "unavailable"
        assert (await bob.request({"type": "ping"}, 15))["type"] == "pong"  # the node is up
        assert server.proc is not None and server.proc.poll() is None
        await asyncio.sleep(2)

        postgres.start()
        for i in range(60):  # no restart of the node, no reconnection: it resumes
            reply = await alice.request({"type": "say", "room": "general", "text": f"après {i}"})
            if reply["type"] == "ack":
                acked.append(f"après {i}")
                break
            assert reply["code"] == "unavailable", reply
            await asyncio.sleep(0.5)
        assert acked[-1].startswith("après"), "the service did not resume"
        await bob.message(acked[-1])
        history = await bob.request({"type": "history", "room": "general"})
        texts = [m["text"] for m in history["messages"]]
        assert texts == acked  # every acknowledged message, and nothing that was refused
        later = await Client.enter(server)  # entry works again
        assert (await later.request({"type": "ping"}))["type"] == "pong"
        for c in (alice, bob, later):
            await c.close()
    finally:
        server.stop()
