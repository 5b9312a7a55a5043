"""Queries on users (anonymous sessions)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from papote.store.db import Database
from papote.store.models import RoomMember, User


class PseudoTaken(Exception):
    pass


async def create_user(db: Database, user: User) -> User:
    """Insert a new session; the partial unique index enforces live-pseudo uniqueness.
    Durable before it returns, in one transaction with the entries of the same moment
    (group commit, batch.py: a pseudo taken twice fails alone)."""

    async def commit(batch: Sequence[User]) -> None:
        async with db.session() as s:
            s.add_all(batch)
            await s.commit()

    try:
        await db.group_commit("users", commit).add(user)
    except IntegrityError as exc:
        raise PseudoTaken(user.pseudo) from exc
    return user


async def expire_stale(db: Database, *, now: int, idle_ms: int) -> list[str]:
    """End sessions not seen for ``idle_ms`` (their token is no longer valid)."""
    cutoff = now - idle_ms
    async with db.session() as s:
        rows = await s.execute(
            select(User.id).where(User.ended_at.is_(None), User.last_seen < cutoff)
        )
        ids = [r[0] for r in rows]
        if ids:
            await s.execute(update(User).where(User.id.in_(ids)).values(ended_at=now))
            await s.execute(delete(RoomMember).where(RoomMember.user_id.in_(ids)))
            await s.commit()
    return ids


async def live_pseudo_owner(db: Database, pseudo_key: str) -> User | None:
    """Who holds a pseudo now; a moment's entries ask in one query (batch.py)."""
    return await _live_by(db, "pseudo_key", pseudo_key)


async def by_token(db: Database, token_hash: str) -> User | None:
    """The live session of a token; a moment's lookups (a reconnect storm's hellos) go
    to the database in one query (batch.py)."""
    return await _live_by(db, "token_hash", token_hash)


async def _live_by(db: Database, field: str, value: str) -> User | None:
    """The live session whose unique ``field`` is ``value``, asked with the others of
    the moment."""

    async def run(values: Sequence[str]) -> list[User | None]:
        column = getattr(User, field)
        async with db.session() as s:
            query = select(User).where(column.in_(set(values)), User.ended_at.is_(None))
            found = {getattr(u, field): u for u in (await s.execute(query)).scalars()}
        return [found.get(v) for v in values]

    return await db.grouped(f"live_users_by_{field}", run).add(value)


async def by_id(db: Database, user_id: str) -> User | None:
    async with db.session() as s:
        return await s.get(User, user_id)


async def by_ids(db: Database, user_ids: Iterable[str]) -> list[User]:
    ids = list(user_ids)
    if not ids:
        return []
    async with db.session() as s:
        return list((await s.execute(select(User).where(User.id.in_(ids)))).scalars())


async def end_session(db: Database, user_id: str, *, now: int) -> None:
    async with db.session() as s:
        await s.execute(update(User).where(User.id == user_id).values(ended_at=now, last_seen=now))
        await s.execute(delete(RoomMember).where(RoomMember.user_id == user_id))
        await s.commit()


async def touch(db: Database, user_ids: Sequence[str], *, now: int) -> None:
    if not user_ids:
        return
    async with db.session() as s:
        await s.execute(
            update(User)
            .where(User.id.in_(list(user_ids)), User.ended_at.is_(None))
            .values(last_seen=now)
        )
        await s.commit()


async def touch_grouped(db: Database, user_id: str, *, now: int) -> None:
    """``touch`` for one user, in one UPDATE with the others of the moment (a storm of
    hellos makes one statement per batch, not one transaction each; batch.py)."""

    async def commit(batch: Sequence[tuple[str, int]]) -> None:
        await touch(db, sorted({uid for uid, _ in batch}), now=max(t for _, t in batch))

    await db.group_commit("touch", commit).add((user_id, now))


async def recently_seen(db: Database, *, since: int) -> list[User]:
    """Live sessions seen after ``since``: seeds a starting node's presence directory."""
    async with db.session() as s:
        result = await s.execute(
            select(User).where(User.ended_at.is_(None), User.last_seen >= since)
        )
        return list(result.scalars())


async def update_fields(db: Database, user_id: str, **values: object) -> None:
    async with db.session() as s:
        await s.execute(update(User).where(User.id == user_id).values(**values))
        await s.commit()
