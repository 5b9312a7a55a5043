"""Queries on reports and the audit log."""

from __future__ import annotations

from sqlalchemy import select

from papote.store import audit as audit_log
from papote.store.db import Database
from papote.store.models import AuditLog, Report


async def create(db: Database, report: Report) -> Report:
    async with db.session() as s:
        s.add(report)
        await s.commit()
    return report


async def queue(db: Database, *, status: str = "open", limit: int = 100) -> list[Report]:
    async with db.session() as s:
        rows = await s.execute(
            select(Report)
            .where(Report.status == status)
            .order_by(Report.priority, Report.created_at)
            .limit(limit)
        )
        return list(rows.scalars())


async def audit(db: Database, entry: AuditLog) -> None:
    await audit_log.append(db, entry)
