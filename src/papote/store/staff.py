"""Staff accounts and staff sessions (moderators and admins; never chat users)."""

from __future__ import annotations

from sqlalchemy import delete, select

from papote.store import audit
from papote.store.db import Database
from papote.store.models import AuditLog, StaffAccount, StaffSession


async def add(db: Database, account: StaffAccount, entry: AuditLog) -> bool:
    """False when the name exists already."""
    async with db.session() as s:
        if await s.get(StaffAccount, account.name) is not None:
            return False
        s.add(account)
        await audit.append_in(s, entry)
        await s.commit()
    return True


async def get(db: Database, name: str) -> StaffAccount | None:
    async with db.session() as s:
        return await s.get(StaffAccount, name)


async def all_accounts(db: Database) -> list[StaffAccount]:
    async with db.session() as s:
        return list((await s.execute(select(StaffAccount).order_by(StaffAccount.name))).scalars())


async def update(db: Database, account: StaffAccount, entry: AuditLog) -> None:
    async with db.session() as s:
        await s.merge(account)
        if account.disabled:
            await s.execute(delete(StaffSession).where(StaffSession.name == account.name))
        await audit.append_in(s, entry)
        await s.commit()


async def open_session(db: Database, session: StaffSession, entry: AuditLog) -> None:
    async with db.session() as s:
        s.add(session)
        await audit.append_in(s, entry)
        await s.commit()


async def session_by_hash(
    db: Database, token_hash: str
) -> tuple[StaffSession, StaffAccount] | None:
    async with db.session() as s:
        row = (
            await s.execute(
                select(StaffSession, StaffAccount)
                .join(StaffAccount, StaffAccount.name == StaffSession.name)
                .where(StaffSession.token_hash == token_hash)
            )
        ).first()
        return (row[0], row[1]) if row else None


async def close_session(db: Database, token_hash: str, entry: AuditLog) -> None:
    async with db.session() as s:
        await s.execute(delete(StaffSession).where(StaffSession.token_hash == token_hash))
        await audit.append_in(s, entry)
        await s.commit()


async def purge_sessions(db: Database, now: int) -> None:
    async with db.session() as s:
        await s.execute(delete(StaffSession).where(StaffSession.expires_at < now))
        await s.commit()
