"""Queries on the ties between people: blocks and private-conversation openings."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError

from papote.store.db import Database
from papote.store.models import Block, DmContact


async def block(db: Database, blocker: str, blocked: str, *, now: int) -> None:
    async with db.session() as s:
        if await s.get(Block, (blocker, blocked)) is None:
            s.add(Block(blocker_id=blocker, blocked_id=blocked, created_at=now))
            try:
                await s.commit()
            except IntegrityError:
                await s.rollback()


async def unblock(db: Database, blocker: str, blocked: str) -> None:
    async with db.session() as s:
        await s.execute(
            delete(Block).where(Block.blocker_id == blocker, Block.blocked_id == blocked)
        )
        await s.commit()


async def blocked_by(db: Database, blocker: str) -> set[str]:
    """Whom a person blocks; a moment's hellos ask in one query (batch.py)."""

    async def run(blockers: Sequence[str]) -> list[set[str]]:
        found: dict[str, set[str]] = {b: set() for b in blockers}
        async with db.session() as s:
            rows = await s.execute(
                select(Block.blocker_id, Block.blocked_id).where(Block.blocker_id.in_(found))
            )
            for who, whom in rows:
                found[who].add(whom)
        return [set(found[b]) for b in blockers]

    return await db.grouped("blocked_by", run).add(blocker)


async def either_blocks(db: Database, a: str, b: str) -> bool:
    async with db.session() as s:
        rows = await s.execute(
            select(func.count()).where(
                or_(
                    (Block.blocker_id == a) & (Block.blocked_id == b),
                    (Block.blocker_id == b) & (Block.blocked_id == a),
                )
            )
        )
        return bool(rows.scalar_one())


async def contact_exists(db: Database, dm_key: str) -> bool:
    async with db.session() as s:
        return await s.get(DmContact, dm_key) is not None


async def open_contact(db: Database, dm_key: str, opener: str, *, now: int) -> None:
    async with db.session() as s:
        s.add(DmContact(dm_key=dm_key, opened_by=opener, opened_at=now))
        try:
            await s.commit()
        except IntegrityError:
            await s.rollback()


async def opened_since(db: Database, opener: str, since: int) -> int:
    async with db.session() as s:
        rows = await s.execute(
            select(func.count()).where(DmContact.opened_by == opener, DmContact.opened_at >= since)
        )
        return int(rows.scalar_one())


async def contacts_of(db: Database, user_id: str) -> list[str]:
    """The other participants of every private conversation of ``user_id``."""
    async with db.session() as s:
        rows = await s.execute(
            select(DmContact.dm_key).where(
                or_(DmContact.dm_key.like(f"{user_id}:%"), DmContact.dm_key.like(f"%:{user_id}"))
            )
        )
        keys = [r[0] for r in rows]
    return [a if b == user_id else b for a, b in (k.split(":", 1) for k in keys)]
