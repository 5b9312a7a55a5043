"""Group commit: messages sent together are committed together, each acknowledged only
once its transaction is durable, and one bad item fails alone."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest
from sqlalchemy import event

from papote.settings import Settings
from papote.store import messages
from papote.store.batch import GroupCommit
from papote.store.db import Database
from papote.store.migrate import upgrade
from papote.store.models import Message


async def test_items_of_one_moment_share_one_commit_and_wait_for_it() -> None:
    commits: list[list[int]] = []
    gate = asyncio.Event()

    async def commit(items: Sequence[int]) -> None:
        await gate.wait()
        commits.append(list(items))

    batch: GroupCommit[int] = GroupCommit("test", commit)
    adds = [asyncio.create_task(batch.add(i)) for i in range(10)]
    await asyncio.sleep(0.01)
    assert not any(a.done() for a in adds)  # nothing acknowledged before the commit
    late = asyncio.create_task(batch.add(10))  # arrives while the first commit runs
    gate.set()
    await asyncio.gather(*adds, late)
    assert commits == [list(range(10)), [10]]


async def test_a_bad_item_fails_alone_and_an_outage_fails_everyone() -> None:
    down = False

    async def commit(items: Sequence[int]) -> None:
        if down:
            raise ConnectionError("down")
        if 3 in items:
            raise ValueError("bad item")

    batch: GroupCommit[int] = GroupCommit("test", commit)
    results = await asyncio.gather(*(batch.add(i) for i in range(6)), return_exceptions=True)
    assert [type(r).__name__ for r in results] == ["NoneType"] * 3 + ["ValueError"] + [
        "NoneType"
    ] * 2
    down = True
    results = await asyncio.gather(*(batch.add(i) for i in range(4)), return_exceptions=True)
    assert all(isinstance(r, ConnectionError) for r in results)


async def test_messages_sent_together_are_stored_in_one_transaction(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path)
    upgrade(settings)
    db = Database(settings.db_url)
    commits = []
    event.listen(db.engine.sync_engine, "commit", lambda conn: commits.append(1))
    await asyncio.gather(
        *(
            messages.insert(
                db,
                Message(
                    id=f"{i:013d}",
                    room_id="general",
                    sender_id=f"u{i}",
                    sender={},
                    text=f"message {i}",
                    ts=1_000 + i,
                    state="delivered",
                ),
            )
            for i in range(50)
        )
    )
    assert len(commits) == 1
    stored = await messages.page(db, room_id="general", limit=100)
    assert [m.text for m in stored] == [f"message {i}" for i in range(50)]
    # the same id twice: that one fails, the others of its batch are stored
    again = [
        Message(
            id=f"{i:013d}",
            room_id="general",
            sender_id="u",
            sender={},
            text="x",
            ts=2_000,
            state="delivered",
        )
        for i in (49, 50, 51)
    ]
    results = await asyncio.gather(*(messages.insert(db, m) for m in again), return_exceptions=True)
    assert isinstance(results[0], Exception) and results[1:] == [None, None]
    assert len(await messages.page(db, room_id="general", limit=100)) == 52
    await db.close()


@pytest.mark.parametrize("n", [1, 300])
async def test_batches_are_bounded(n: int) -> None:
    sizes: list[int] = []

    async def commit(items: Sequence[int]) -> None:
        sizes.append(len(items))

    batch: GroupCommit[int] = GroupCommit("test", commit, max_items=256)
    await asyncio.gather(*(batch.add(i) for i in range(n)))
    assert sum(sizes) == n and max(sizes) <= 256
