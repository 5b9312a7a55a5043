"""Group commit: messages sent together are committed together, each acknowledged only
once its transaction is durable, and one bad item fails alone."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest
from sqlalchemy import event, select

from papote.settings import Settings
from papote.store import messages, notices, rooms, sanctions, social, users
from papote.store.batch import GroupCommit
from papote.store.db import Database
from papote.store.migrate import upgrade
from papote.store.models import Message, RoomMember, Sanction, User


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


def _user(i: int) -> User:
    return User(
        id=f"u{i:05d}",
        pseudo=f"p{i}",
        pseudo_key=f"p{i}",
        token_hash=f"t{i}",
        age=30,
        gender="femme",
        postal_code="75001",
        city="Paris",
        department="75",
        region="Île-de-France",
        created_at=1,
        last_seen=1,
    )


async def test_a_storm_of_hellos_reads_in_one_query_per_kind(tmp_path) -> None:
    """by_token, sanctions, blocks and the outbox: a moment's lookups in one SELECT each,
    each caller with its own answer (revoked and expired sanctions left out by its own
    clock; an outbox emptied once even if one person opens two sockets at once)."""
    settings = Settings(data_dir=tmp_path)
    upgrade(settings)
    db = Database(settings.db_url)
    for i in range(40):
        await users.create_user(db, _user(i))
    await social.block(db, "u00001", "u00002", now=1)
    await notices.push_outbox(db, "u00003", "frame-a", 1)
    await notices.push_outbox(db, "u00003", "frame-b", 2)
    async with db.session() as s:
        for sid, until, revoked in (("s1", None, None), ("s2", 500, None), ("s3", None, 9)):
            s.add(
                Sanction(
                    id=sid,
                    user_id="u00004",
                    action="mute",
                    category="spam",
                    until=until,
                    decided_by="test",
                    created_at=1,
                    revoked_at=revoked,
                )
            )
        await s.commit()
    selects: list[str] = []
    event.listen(
        db.engine.sync_engine,
        "before_cursor_execute",
        lambda _c, _cur, stmt, *_a: selects.append(stmt) if stmt.startswith("SELECT") else None,
    )
    found = await asyncio.gather(
        *(users.by_token(db, f"t{i}") for i in range(40)), users.by_token(db, "nope")
    )
    assert [u.id if u else None for u in found] == [f"u{i:05d}" for i in range(40)] + [None]
    blocked = await asyncio.gather(*(social.blocked_by(db, f"u{i:05d}") for i in range(40)))
    assert blocked[1] == {"u00002"} and not any(b for i, b in enumerate(blocked) if i != 1)
    popped = await asyncio.gather(
        *(notices.pop_outbox(db, u) for u in ("u00003", "u00003", "u00005"))
    )
    assert popped == [["frame-a", "frame-b"], [], []]
    assert await notices.pop_outbox(db, "u00003") == []
    active = await asyncio.gather(
        sanctions.active_of_user(db, "u00004", 100),
        sanctions.active_of_user(db, "u00004", 600),
        sanctions.active_of_user(db, "u00005", 100),
    )
    assert [sorted(s.id for s in a) for a in active] == [["s1", "s2"], ["s1"], []]
    assert len(selects) == 5  # users, blocks, outbox twice (two moments), sanctions
    await db.close()


async def test_joins_of_a_moment_are_stored_in_one_transaction(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path)
    upgrade(settings)
    db = Database(settings.db_url)
    await rooms.add_member(db, "general", "u1", now=1)
    commits = []
    event.listen(db.engine.sync_engine, "commit", lambda conn: commits.append(1))
    # a member already, twice in the same moment, and new ones: all stored once
    await asyncio.gather(
        *(rooms.add_member(db, "general", u, now=2) for u in ("u1", "u2", "u2", "u3")),
        rooms.add_member(db, "paris", "u1", now=2),
    )
    assert len(commits) == 1
    async with db.session() as s:
        rows = await s.execute(select(RoomMember.room_id, RoomMember.user_id))
        assert sorted(rows) == [
            ("general", "u1"),
            ("general", "u2"),
            ("general", "u3"),
            ("paris", "u1"),
        ]
    await db.close()
