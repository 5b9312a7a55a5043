"""Entry bans on hashed identifiers."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select

from papote.store.db import Database
from papote.store.models import Ban


async def active_ban(db: Database, keys: Sequence[str], now: int) -> Ban | None:
    async with db.session() as s:
        rows = await s.execute(
            select(Ban).where(Ban.key.in_(list(keys)), or_(Ban.until.is_(None), Ban.until > now))
        )
        return rows.scalars().first()


async def add(db: Database, ban: Ban) -> None:
    async with db.session() as s:
        await s.merge(ban)
        await s.commit()
