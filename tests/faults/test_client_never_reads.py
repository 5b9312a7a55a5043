"""A client that sends but never reads: it is dropped, the server's memory stays
bounded, and everyone else carries on.

The probe's finding: the send queue was bounded in frames (1,024), a history reply
is ~100 KB, and five such sessions grew the server by 57 MB in 40 s without ever
being dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import socket

import pytest
import websockets

from tests.serverproc import RELAXED, ServerProcess
from tests.wsclient import Client, enter

WORDS = [
    "bonjour",
    "soleil",
    "marché",
    "voisin",
    "vélo",
    "lecture",
    "jardin",
    "cuisine",
    "montagne",
    "rivière",
    "concert",
    "théâtre",
    "promenade",
    "boulangerie",
    "fromage",
    "vacances",
    "plage",
    "forêt",
    "musique",
    "cinéma",
    "voyage",
    "café",
    "soirée",
    "famille",
    "travail",
    "week-end",
    "lumière",
    "automne",
    "printemps",
    "hiver",
    "été",
]


def _long_text(rng: random.Random) -> str:
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < 900:
        words.append(rng.choice(WORDS))
    return " ".join(words)


async def _non_reader(server: ServerProcess) -> tuple[object, dict]:
    """A WebSocket whose receive buffer is tiny and which stops reading after hello."""
    session = await enter(server.url)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", server.port))
    ws = await websockets.connect(server.ws_url, sock=sock, max_queue=1, max_size=None)
    await ws.send(json.dumps({"type": "hello", "token": session["token"]}))
    assert json.loads(await ws.recv())["type"] == "welcome"
    return ws, session


@pytest.mark.timeout(400)  # starts and breaks real servers
@pytest.mark.parametrize("stack", ["asgi", "picows"])
async def test_a_client_that_never_reads_is_dropped_not_the_server(stack):
    server = ServerProcess({**RELAXED, "PAPOTE_WS_STACK": stack}).start()
    try:
        watcher = await Client.enter(server)
        writer = await Client.enter(server)
        for c in (watcher, writer):
            await c.request({"type": "join", "room": "general"})
        rng = random.Random(7)
        for _ in range(100):  # a full history page of long messages: ~100 KB a reply
            reply = await writer.request(
                {"type": "say", "room": "general", "text": _long_text(rng)}
            )
            assert reply["type"] == "ack", reply
        rss_before = server.rss_kib()

        ws, session = await _non_reader(server)
        reader_id = session["user"]["id"]
        request = json.dumps({"type": "history", "room": "general", "limit": 100})
        peak = rss_before
        for _ in range(150):  # ~15 MB of replies it will never read
            try:
                await asyncio.wait_for(ws.send(request), 2)
            except (TimeoutError, websockets.ConnectionClosed):
                break
            peak = max(peak, server.rss_kib())
        gone = await watcher.wait_for(
            lambda f: (
                f["type"] == "presence"
                and f["status"] == "offline"
                and f["user"]["id"] == reader_id
            ),
            timeout=30,
        )
        assert gone["user"]["id"] == reader_id
        peak = max(peak, server.rss_kib())
        print(f"non-reader: server RSS {rss_before // 1024} -> peak {peak // 1024} MiB")
        # bounded: 1 MiB of queue, the socket buffers, not 1,024 replies of 100 KB
        assert (peak - rss_before) / 1024 < 40, f"server grew by {(peak - rss_before) / 1024} MiB"

        # everyone else carries on, on the same node
        assert (await watcher.request({"type": "ping"}))["type"] == "pong"
        await writer.request({"type": "say", "room": "general", "text": "on continue"})
        await watcher.message("on continue")

        # and the socket was really closed by the server (aborted: it could not take a
        # close frame), not merely forgotten
        async def drained() -> None:
            with contextlib.suppress(websockets.ConnectionClosed):
                async for _ in ws:
                    pass

        await asyncio.wait_for(drained(), 30)
        assert ws.close_code is not None
        for c in (watcher, writer):
            await c.close()
    finally:
        server.stop()
