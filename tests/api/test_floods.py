"""Floods over real WebSockets, with the default frame budget (not the relaxed one).

The probe's finding: 77,000 ``typing`` frames in 10 s all reached every member, a
listener was dropped and the flooder never limited. Now typing costs a frame, is
coalesced server-side, and the flooder is slowed then closed while the others chat on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from tests.serverproc import RELAXED, ServerProcess
from tests.wsclient import Client

FLOOD = 3000


@pytest.fixture(scope="module")
def strict_server() -> Iterator[ServerProcess]:
    env = {**RELAXED, "PAPOTE_RATE_FRAMES": "40/5seconds"}  # the production default
    proc = ServerProcess(env).start()
    yield proc
    proc.stop()


def _typing_from(client: Client, sender: str) -> list[dict]:
    return [f for f in client.received("typing") if f["user"]["id"] == sender]


async def test_typing_flood_is_coalesced_and_the_flooder_closed(strict_server):
    listener = await Client.enter(strict_server)
    bystander = await Client.enter(strict_server)
    flooder = await Client.enter(strict_server)
    for c in (listener, bystander, flooder):
        await c.request({"type": "join", "room": "general"})
    frame = '{"type":"typing","room":"general"}'

    async def flood() -> None:
        for _ in range(FLOOD):
            if flooder.closed.done():
                return
            await flooder.send(frame)

    sender = asyncio.create_task(flood())
    code = await asyncio.wait_for(flooder.closed, 60)
    sender.cancel()
    assert code == 1008  # slowed, refused, then closed
    assert flooder.received("error")[-1]["code"] == "flood"
    assert any(f.get("code") == "rate_limited" for f in flooder.received("error"))
    # the others got at most one typing event per 2.5 s of flood, and are still here
    await listener.settle()
    seen = _typing_from(listener, flooder.id)
    assert 1 <= len(seen) <= 8, len(seen)
    pong = await bystander.request({"type": "ping"})
    assert pong["type"] == "pong"
    await listener.request({"type": "say", "room": "general", "text": "toujours là"})
    assert (await bystander.message("toujours là"))["from"]["id"] == listener.id
    assert not listener.closed.done() and not bystander.closed.done()
    await listener.close()
    await bystander.close()


async def test_typing_is_forwarded_at_most_once_per_interval(strict_server):
    a = await Client.enter(strict_server)
    b = await Client.enter(strict_server)
    for c in (a, b):
        await c.request({"type": "join", "room": "musique"})
    for _ in range(10):
        await a.send({"type": "typing", "room": "musique"})
    await b.settle(0.5)
    assert len(_typing_from(b, a.id)) == 1
    await asyncio.sleep(2.6)  # the next interval: one more goes through
    await a.send({"type": "typing", "room": "musique"})
    await b.wait_for(lambda f: f["type"] == "typing" and len(_typing_from(b, a.id)) == 2)
    await a.close()
    await b.close()


async def test_a_person_at_a_human_pace_is_never_limited(strict_server):
    person = await Client.enter(strict_server)
    await person.request({"type": "join", "room": "cinema-series"})
    for i in range(8):  # one message a second, typing before each, a look at who is there
        await person.send({"type": "typing", "room": "cinema-series"})
        reply = await person.request(
            {"type": "say", "room": "cinema-series", "text": f"phrase {i}"}
        )
        assert reply["type"] == "ack", reply
        if i % 3 == 0:
            assert (await person.request({"type": "who", "room": "cinema-series"}))[
                "type"
            ] == "users"
        await asyncio.sleep(1.0)
    assert not person.received("error")
    await person.close()
