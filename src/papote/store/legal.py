"""Legal duties: connection logs kept one year, legal holds, evidence packages."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select

from papote.store import audit
from papote.store.db import Database
from papote.store.models import AuditLog, ConnectionLog, EvidencePackage, LegalHold


async def log_connection(db: Database, ts: int, prefix_key: str, user_id: str) -> None:
    """Durable before it returns, in one transaction with the connections of the same
    moment (group commit, batch.py)."""

    async def commit(batch: Sequence[ConnectionLog]) -> None:
        async with db.session() as s:
            s.add_all(batch)
            await s.commit()

    await db.group_commit("connection_log", commit).add(
        ConnectionLog(ts=ts, prefix_key=prefix_key, user_id=user_id)
    )


async def connections_of(db: Database, user_id: str) -> list[ConnectionLog]:
    async with db.session() as s:
        rows = await s.execute(
            select(ConnectionLog).where(ConnectionLog.user_id == user_id).order_by(ConnectionLog.ts)
        )
        return list(rows.scalars())


async def purge_connections(db: Database, before: int) -> int:
    async with db.session() as s:
        result = await s.execute(delete(ConnectionLog).where(ConnectionLog.ts < before))
        await s.commit()
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def hold(db: Database, holds: Sequence[LegalHold]) -> None:
    async with db.session() as s:
        for h in holds:
            await s.merge(h)
        await s.commit()


async def held_ids(db: Database, case_id: str) -> list[str]:
    async with db.session() as s:
        rows = await s.execute(select(LegalHold.message_id).where(LegalHold.case_id == case_id))
        return [r[0] for r in rows]


async def add_package(db: Database, package: EvidencePackage, entry: AuditLog) -> None:
    async with db.session() as s:
        s.add(package)
        await audit.append_in(s, entry)
        await s.commit()


async def packages_of(db: Database, case_id: str) -> list[EvidencePackage]:
    async with db.session() as s:
        rows = await s.execute(
            select(EvidencePackage)
            .where(EvidencePackage.case_id == case_id)
            .order_by(EvidencePackage.created_at)
        )
        return list(rows.scalars())


async def get_package(db: Database, package_id: str) -> EvidencePackage | None:
    async with db.session() as s:
        return await s.get(EvidencePackage, package_id)
