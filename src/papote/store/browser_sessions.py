"""Live sessions of one browser (its entry cookie, keyed-hashed): the cap per browser.

The hash is kept only while a session lives: ended sessions forget it (purge job), so
the table never links one browser's sessions over time.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update

from papote.store.db import Database
from papote.store.models import User


async def live_sessions(db: Database, browser_hash: str) -> list[str]:
    """Ids of the browser's sessions that have not ended, oldest first; a moment's
    entries ask in one query (batch.py)."""

    async def run(browsers: Sequence[str]) -> list[list[str]]:
        found: dict[str, list[str]] = {b: [] for b in browsers}
        async with db.session() as s:
            rows = await s.execute(
                select(User.id, User.browser_hash)
                .where(User.browser_hash.in_(found), User.ended_at.is_(None))
                .order_by(User.created_at, User.id)
            )
            for user_id, browser in rows:
                found[browser].append(user_id)
        return [list(found[b]) for b in browsers]

    return await db.grouped("live_sessions", run).add(browser_hash)


async def forget_ended(db: Database) -> int:
    async with db.session() as s:
        result = await s.execute(
            update(User)
            .where(User.ended_at.is_not(None), User.browser_hash != "")
            .values(browser_hash="")
        )
        await s.commit()
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
