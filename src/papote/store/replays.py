"""The SQL replay store of age assurance: a key can be claimed once until it expires.

The primary key makes a claim atomic across nodes: two nodes claiming the same
attestation id at the same moment cannot both succeed.
"""

from __future__ import annotations

import time

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from papote.store.db import Database
from papote.store.models import AgeReplay


class SqlReplayStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim(self, key: str, ttl_s: int) -> bool:
        now = int(time.time() * 1000)
        async with self._db.session() as s:
            await s.execute(delete(AgeReplay).where(AgeReplay.key == key, AgeReplay.until <= now))
            s.add(AgeReplay(key=key, until=now + ttl_s * 1000))
            try:
                await s.commit()
            except IntegrityError:
                await s.rollback()
                return False
        return True
