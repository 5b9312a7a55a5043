"""Live sessions of one browser (its entry cookie, keyed-hashed): the cap per browser.

The hash is kept only while a session lives: ended sessions forget it (purge job), so
the table never links one browser's sessions over time.
"""

from __future__ import annotations

from sqlalchemy import select, update

from papote.store.db import Database
from papote.store.models import User


async def live_sessions(db: Database, browser_hash: str) -> list[str]:
    """Ids of the browser's sessions that have not ended, oldest first."""
    async with db.session() as s:
        rows = await s.execute(
            select(User.id)
            .where(User.browser_hash == browser_hash, User.ended_at.is_(None))
            .order_by(User.created_at)
        )
        return [r[0] for r in rows]


async def forget_ended(db: Database) -> int:
    async with db.session() as s:
        result = await s.execute(
            update(User)
            .where(User.ended_at.is_not(None), User.browser_hash != "")
            .values(browser_hash="")
        )
        await s.commit()
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
