"""The SQL store of age-gate device locks (salted hashes; shared by every node)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete

from papote.store.db import Database
from papote.store.keyed import first_in_force
from papote.store.models import AgeGateLock


class SqlAgeGateStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def lock(self, key: str, until_ms: int) -> None:
        async with self._db.session() as s:
            row = await s.get(AgeGateLock, key)
            if row is None:
                s.add(AgeGateLock(key=key, until=until_ms))
            else:
                row.until = max(row.until, until_ms)
            await s.commit()

    async def is_locked(self, keys: Sequence[str], now: int) -> bool:
        return await first_in_force(self._db, AgeGateLock, keys, now) is not None

    async def unlock(self, keys: Sequence[str]) -> None:
        async with self._db.session() as s:
            await s.execute(delete(AgeGateLock).where(AgeGateLock.key.in_(list(keys))))
            await s.commit()

    async def purge(self, now: int) -> None:
        async with self._db.session() as s:
            await s.execute(delete(AgeGateLock).where(AgeGateLock.until <= now))
            await s.commit()
