"""Queries on messages: insert (durable before ack), history pages, purge."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select

from papote.store.db import Database
from papote.store.models import LegalHold, Message


async def insert(db: Database, message: Message) -> None:
    """Commit the message; returns only once it is durable (WAL + synchronous=FULL), in
    one transaction with the messages sent (and images uploaded) at the same moment
    (group commit, batch.py)."""
    await db.insert_durably(message)


async def get(db: Database, message_id: str) -> Message | None:
    async with db.session() as s:
        return await s.get(Message, message_id)


async def page(
    db: Database,
    *,
    room_id: str | None = None,
    dm_key: str | None = None,
    before: str | None = None,
    after: str | None = None,
    limit: int = 50,
) -> list[Message]:
    """The ``limit`` delivered messages before ``before`` (newest page), oldest first;
    with ``after``, the ``limit`` first ones after it (catching up after a reconnect)."""
    if room_id is not None and before is None and after is None:
        return await _room_tail(db, room_id, limit)
    query = select(Message).where(Message.state == "delivered")
    if room_id is not None:
        query = query.where(Message.room_id == room_id)
    else:
        query = query.where(Message.dm_key == dm_key)
    if before is not None:
        query = query.where(Message.id < before)
    if after is not None:
        query = query.where(Message.id > after).order_by(Message.id.asc()).limit(limit)
        async with db.session() as s:
            return list((await s.execute(query)).scalars())
    query = query.order_by(Message.id.desc()).limit(limit)
    async with db.session() as s:
        rows = list((await s.execute(query)).scalars())
    rows.reverse()
    return rows


async def _room_tail(db: Database, room_id: str, limit: int) -> list[Message]:
    """A room's newest page, as every join asks for it: the joins of a moment read the
    pages of their rooms in one session, each room once (batch.py)."""

    async def run(asked: Sequence[tuple[str, int]]) -> list[list[Message]]:
        pages: dict[tuple[str, int], list[Message]] = {}
        async with db.session() as s:
            for room, size in dict.fromkeys(asked):
                query = (
                    select(Message)
                    .where(Message.state == "delivered", Message.room_id == room)
                    .order_by(Message.id.desc())
                    .limit(size)
                )
                pages[room, size] = list((await s.execute(query)).scalars())[::-1]
        return [list(pages[key]) for key in asked]

    return await db.grouped("room_tail", run).add((room_id, limit))


async def set_state(db: Database, message_id: str, state: str) -> None:
    async with db.session() as s:
        message = await s.get(Message, message_id)
        if message is not None:
            message.state = state
            await s.commit()


async def purge_older_than(db: Database, cutoff_ts: int) -> int:
    async with db.session() as s:
        # content under legal hold (store/legal.py) is kept for the authorities
        held = select(LegalHold.message_id)
        result = await s.execute(
            delete(Message).where(Message.ts < cutoff_ts, Message.id.not_in(held))
        )
        await s.commit()
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def has_written(db: Database, dm_key: str, sender_id: str) -> bool:
    """Whether ``sender_id`` has sent a delivered message in that private conversation."""
    async with db.session() as s:
        found = await s.execute(
            select(Message.id)
            .where(
                Message.dm_key == dm_key,
                Message.sender_id == sender_id,
                Message.state == "delivered",
            )
            .limit(1)
        )
        return found.first() is not None


async def around(db: Database, message: Message, *, each_side: int = 10) -> list[Message]:
    """The conversation around ``message`` (both sides, every state), oldest first:
    evidence for moderators, never shown to users."""
    where = (
        Message.room_id == message.room_id
        if message.room_id is not None
        else Message.dm_key == message.dm_key
    )
    async with db.session() as s:
        before = list(
            (
                await s.execute(
                    select(Message)
                    .where(where, Message.id < message.id)
                    .order_by(Message.id.desc())
                    .limit(each_side)
                )
            ).scalars()
        )
        after = list(
            (
                await s.execute(
                    select(Message)
                    .where(where, Message.id > message.id)
                    .order_by(Message.id)
                    .limit(each_side)
                )
            ).scalars()
        )
    before.reverse()
    return [*before, message, *after]


async def recent_of_sender(db: Database, sender_id: str, *, limit: int = 20) -> list[Message]:
    async with db.session() as s:
        rows = await s.execute(
            select(Message)
            .where(Message.sender_id == sender_id)
            .order_by(Message.id.desc())
            .limit(limit)
        )
        found = list(rows.scalars())
    found.reverse()
    return found


async def room_feed(
    db: Database, room_id: str, *, after: str | None = None, limit: int = 50
) -> list[Message]:
    """A room as moderators watch it: every state (held and removed too), oldest first;
    the last ``limit`` messages, or the first ``limit`` after ``after``."""
    query = select(Message).where(Message.room_id == room_id)
    async with db.session() as s:
        if after is not None:
            query = query.where(Message.id > after).order_by(Message.id).limit(limit)
            return list((await s.execute(query)).scalars())
        rows = list((await s.execute(query.order_by(Message.id.desc()).limit(limit))).scalars())
    rows.reverse()
    return rows
