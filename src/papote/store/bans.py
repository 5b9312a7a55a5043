"""Entry bans on hashed identifiers."""

from __future__ import annotations

from collections.abc import Sequence

from papote.store.db import Database
from papote.store.keyed import first_in_force
from papote.store.models import Ban


async def active_ban(db: Database, keys: Sequence[str], now: int) -> Ban | None:
    return await first_in_force(db, Ban, keys, now)


async def add(db: Database, ban: Ban) -> None:
    async with db.session() as s:
        await s.merge(ban)
        await s.commit()
