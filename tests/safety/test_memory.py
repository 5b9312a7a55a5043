"""Conversation memory: in-process and Redis (a real redis-server started here)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import redis.asyncio

from papote.safety.context import MessageContext, Participant
from papote.safety.engine import MINOR_FLAG, ModerationEngine, install
from papote.safety.memory import KEEP, ConversationMemory, InProcessMemory, MemoryEntry, RedisMemory
from papote.safety.pipeline import SafetyPipeline
from papote.safety.verdict import Action, Category

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


@pytest.fixture(scope="module")
def redis_socket() -> Iterator[Path]:
    """A private redis-server on a Unix socket, stopped at the end of the module."""
    folder = Path(tempfile.mkdtemp(prefix="papote-redis-"))
    sock = folder / "redis.sock"
    proc = subprocess.Popen(
        [
            REDIS_SERVER,
            "--port",
            "0",
            "--unixsocket",
            str(sock),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while not sock.exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("redis-server did not start")
            time.sleep(0.02)
        yield sock
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
async def redis_client(redis_socket: Path) -> AsyncIterator[redis.asyncio.Redis]:
    client = redis.asyncio.Redis(unix_socket_path=str(redis_socket))
    await client.flushdb()
    yield client
    await client.aclose()


@pytest.fixture(params=["inprocess", "redis"])
async def memory(
    request: pytest.FixtureRequest, redis_socket: Path
) -> AsyncIterator[ConversationMemory]:
    if request.param == "inprocess":
        yield InProcessMemory()
        return
    client = redis.asyncio.Redis(unix_socket_path=str(redis_socket))
    await client.flushdb()
    yield RedisMemory(client)
    await client.aclose()


async def test_keeps_the_last_messages_in_order(memory: ConversationMemory) -> None:
    for i in range(KEEP + 5):
        await memory.remember(
            "c1", MemoryEntry(sender="a", text=f"m{i}", ts=i, signals=("g_meeting",))
        )
    recent = await memory.recent("c1")
    assert [e.text for e in recent] == [f"m{i}" for i in range(5, KEEP + 5)]
    assert recent[0].signals == ("g_meeting",)
    assert await memory.recent("other") == []


async def test_facts(memory: ConversationMemory) -> None:
    assert await memory.facts("c2") == {}
    await memory.learn("c2", {"minor:u1": "14"})
    await memory.learn("c2", {"nudge:meeting": "1"})
    assert await memory.facts("c2") == {"minor:u1": "14", "nudge:meeting": "1"}


async def test_two_nodes_share_redis_memory(redis_client: redis.asyncio.Redis) -> None:
    node_a, node_b = RedisMemory(redis_client), RedisMemory(redis_client)
    await node_a.remember("dm:x", MemoryEntry(sender="kid", text="jai 13 ans", flags=(MINOR_FLAG,)))
    assert (await node_b.recent("dm:x"))[0].flags == (MINOR_FLAG,)
    assert await redis_client.ttl("papote:conv:dm:x:msgs") > 0


def test_entries_round_trip_as_json() -> None:
    entry = MemoryEntry(
        sender="a", text="é ✓", ts=3, action="warn", categories=("spam",), nudges=("money",)
    )
    assert MemoryEntry.from_json(entry.to_json()) == entry


async def test_installed_hook_judges_with_what_came_before(memory: ConversationMemory) -> None:
    pipeline = SafetyPipeline()
    install(pipeline, ModerationEngine.load(), memory)
    adult, kid = Participant(id="adult", age=40), Participant(id="kid", age=18)

    def dm(text: str, sender: Participant, recipient: Participant, ts: int) -> MessageContext:
        return MessageContext(
            text=text,
            channel="dm",
            sender=sender,
            recipient=recipient,
            conversation="adult|kid",
            ts=ts,
        )

    first = await pipeline.judge_message(dm("on continue sur snap ?", adult, kid, 1_000))
    assert first.action is Action.ALLOW
    said = await pipeline.judge_message(dm("jai 13 ans", kid, adult, 60_000))
    assert MINOR_FLAG in said.flags
    assert (await memory.facts("adult|kid"))["minor:kid"] == "13"
    again = await pipeline.judge_message(dm("on continue sur snap ?", adult, kid, 120_000))
    assert again.action is Action.ESCALATE
    assert again.categories == (Category.GROOMING, Category.CHILD_SAFETY)
    assert [e.action for e in await memory.recent("adult|kid")] == ["allow", "allow", "escalate"]
