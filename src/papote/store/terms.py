"""Run-time moderation terms and the audit log of their changes."""

from __future__ import annotations

from sqlalchemy import delete, select

from papote.store import audit as audit_log
from papote.store.db import Database
from papote.store.models import AuditLog, CustomTerm


async def all_terms(db: Database) -> list[CustomTerm]:
    async with db.session() as s:
        return list((await s.execute(select(CustomTerm).order_by(CustomTerm.id))).scalars())


async def add(db: Database, term: CustomTerm, audit: AuditLog) -> CustomTerm:
    async with db.session() as s:
        s.add(term)
        await s.flush()
        audit.target = f"term:{term.id}"
        await audit_log.append_in(s, audit)
        await s.commit()
    return term


async def remove(db: Database, term_id: int, audit: AuditLog) -> bool:
    async with db.session() as s:
        result = await s.execute(delete(CustomTerm).where(CustomTerm.id == term_id))
        if not result.rowcount:  # type: ignore[attr-defined]
            await s.rollback()
            return False
        await audit_log.append_in(s, audit)
        await s.commit()
    return True
