"""Rows in force under hashed keys (entry bans, entry signals, age-gate locks): a
moment's questions in one query (batch.py), each answered by its own keys and clock."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import or_, select

from papote.store.db import Database
from papote.store.models import AgeGateLock, Ban, EntrySignal

K = TypeVar("K", Ban, EntrySignal, AgeGateLock)


async def first_in_force(db: Database, model: type[K], keys: Sequence[str], now: int) -> K | None:
    """A row of ``model`` under one of ``keys`` whose ``until`` is after ``now`` (or none,
    for a permanent ban), if there is one."""

    async def run(asked: Sequence[tuple[frozenset[str], int]]) -> list[K | None]:
        wanted = set().union(*(keys for keys, _ in asked))
        async with db.session() as s:
            query = select(model).where(
                model.key.in_(wanted),
                or_(model.until.is_(None), model.until > min(t for _, t in asked)),
            )
            rows = list((await s.execute(query)).scalars())
        return [
            next((r for r in rows if r.key in keys and (r.until is None or r.until > t)), None)
            for keys, t in asked
        ]

    asked = frozenset(k for k in keys if k)
    if not asked:
        return None
    return await db.grouped(f"in_force_{model.__tablename__}", run).add((asked, now))
