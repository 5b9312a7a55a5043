"""A message is acknowledged only once it is durably stored: kill -9 loses nothing."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import postgres_url
from tests.serverproc import RELAXED, ServerProcess
from tests.wsclient import Client


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_acked_messages_survive_kill_9(backend):
    env = dict(RELAXED)
    if backend == "postgres":
        env["PAPOTE_DATABASE_URL"] = postgres_url()
    first = ServerProcess(env).start()
    try:
        writer = await Client.enter(first)
        await writer.request({"type": "join", "room": "general"})
        acked: list[str] = []

        async def pump() -> None:
            i = 0
            while True:
                reply = await writer.request(
                    {"type": "say", "room": "general", "text": f"durable {i}"}
                )
                if reply["type"] == "ack":
                    acked.append(reply["message"]["id"])
                i += 1

        task = asyncio.create_task(pump())
        while len(acked) < 40:
            await asyncio.sleep(0.01)
        first.kill9()  # in the middle of the stream
        with pytest.raises((ConnectionError, TimeoutError, Exception)):
            await task
    finally:
        first.kill9()

    second = ServerProcess(env, port=first.port, data_dir=first.data_dir).start()
    try:
        reader = await Client.enter(second)
        stored: set[str] = set()
        before = None
        while True:
            frame = {"type": "history", "room": "general", "limit": 100}
            if before:
                frame["before"] = before
            page = await reader.request(frame)
            if not page["messages"]:
                break
            stored |= {m["id"] for m in page["messages"]}
            before = page["messages"][0]["id"]
        missing = [m for m in acked if m not in stored]
        assert missing == [], f"{len(missing)} acknowledged messages lost"
        assert len(acked) >= 40
        await reader.close()
    finally:
        second.stop()
