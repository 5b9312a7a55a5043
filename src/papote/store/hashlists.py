"""Queries on hash lists: create a list, add entries, read them for the index."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from papote.store import audit
from papote.store.db import Database
from papote.store.models import AuditLog, HashEntry, HashList


@dataclass(frozen=True, slots=True)
class StoredHash:
    id: int
    list_name: str
    kind: str
    value: str
    label: str


@dataclass(frozen=True, slots=True)
class ListSummary:
    name: str
    label: str
    source: str
    created_at: int
    pdq: int
    md5: int


async def ensure_list(db: Database, name: str, label: str, source: str, now: int) -> None:
    async with db.session() as s:
        if await s.get(HashList, name) is None:
            s.add(HashList(name=name, label=label, source=source, created_at=now))
            await s.commit()


async def add_entries(
    db: Database,
    list_name: str,
    entries: Sequence[tuple[str, str, str]],
    now: int,
    entry: AuditLog | None = None,
) -> int:
    """Insert (kind, value, label) rows, ignoring those the list already has; ``entry``
    is chained to the audit log in the same transaction, with the count added."""
    if not entries and entry is None:
        return 0
    insert = pg_insert if db.dialect == "postgresql" else sqlite_insert
    rows = [
        {"list_name": list_name, "kind": k, "value": v, "label": lb, "created_at": now}
        for k, v, lb in entries
    ]
    added = 0
    async with db.session() as s:
        for start in range(0, len(rows), 5000):
            statement = insert(HashEntry).values(rows[start : start + 5000])
            result = await s.execute(statement.on_conflict_do_nothing())
            added += int(result.rowcount or 0)  # type: ignore[attr-defined]
        if entry is not None:
            entry.detail = {**(entry.detail or {}), "added": added}
            await audit.append_in(s, entry)
        await s.commit()
    return added


async def entries_after(db: Database, after_id: int, limit: int = 50_000) -> list[StoredHash]:
    """Entries with an id above ``after_id`` (the index loads and refreshes with this)."""
    async with db.session() as s:
        rows = await s.execute(
            select(HashEntry).where(HashEntry.id > after_id).order_by(HashEntry.id).limit(limit)
        )
        return [StoredHash(r.id, r.list_name, r.kind, r.value, r.label) for r in rows.scalars()]


async def summaries(db: Database) -> list[ListSummary]:
    async with db.session() as s:
        counts = await s.execute(
            select(HashEntry.list_name, HashEntry.kind, func.count()).group_by(
                HashEntry.list_name, HashEntry.kind
            )
        )
        per: dict[tuple[str, str], int] = {(n, k): c for n, k, c in counts.all()}
        lists = (await s.execute(select(HashList).order_by(HashList.name))).scalars()
        return [
            ListSummary(
                h.name,
                h.label,
                h.source,
                h.created_at,
                per.get((h.name, "pdq"), 0),
                per.get((h.name, "md5"), 0),
            )
            for h in lists
        ]
