"""The audit log: append-only and hash-chained.

Every row's ``hash`` is SHA-256 over its content and the previous row's hash, so that an
edited, inserted or deleted row breaks the chain (``papote audit verify``). Appends are
serialised: an advisory lock on PostgreSQL, the single pooled connection on SQLite. The
head hash printed by ``verify`` can be kept elsewhere to also detect a cut tail.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from papote.store.db import Database
from papote.store.models import AuditLog

_LOCK_KEY = 0x7061706F  # "papo": one chain per database
log = logging.getLogger(__name__)


def entry_hash(prev_hash: str, row: AuditLog) -> str:
    content = {
        "prev": prev_hash,
        "actor": row.actor,
        "action": row.action,
        "target": row.target or "",
        "detail": row.detail or {},
        "ts": row.ts,
    }
    return hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()


async def append_in(s: AsyncSession, row: AuditLog) -> AuditLog:
    """Chain ``row`` to the head inside the caller's transaction (commit is theirs)."""
    await append_many_in(s, [row])
    return row


async def append_many_in(s: AsyncSession, rows: list[AuditLog]) -> None:
    """Chain ``rows``, in order, to the head: one lock, one read of the head, one flush."""
    if s.get_bind().dialect.name == "postgresql":
        await s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
    head = await s.scalar(select(AuditLog.hash).order_by(AuditLog.id.desc()).limit(1))
    prev = head or ""
    for row in rows:
        row.prev_hash = prev
        row.hash = prev = entry_hash(prev, row)
        s.add(row)  # added in order: the ids follow the chain
    await s.flush()


async def append(db: Database, row: AuditLog) -> AuditLog:
    async with db.session() as s:
        await append_in(s, row)
        await s.commit()
    return row


# a batch that cannot be written is tried again after these pauses (about 18 s of an
# outage, the time a database restart takes), then logged as lost
RETRY_S = (0.5, 1.0, 2.0, 4.0, 10.0)
MAX_PENDING = 10_000


class AuditBatch:
    """Entries written a moment later, many in one transaction: for automated actions
    on a hot path (a message refused by the pipeline), whose caller must not wait for
    the chain's lock nor a commit. ``add`` never blocks; ``drain`` waits for what was
    added (at shutdown, and in tests). A batch that cannot be written is tried again
    (RETRY_S), then logged."""

    def __init__(
        self, db: Database, delay_s: float = 0.2, retry_s: Sequence[float] = RETRY_S
    ) -> None:
        self._db = db
        self._delay_s = delay_s
        self._retry_s = retry_s
        self._rows: list[AuditLog] = []
        self._task: asyncio.Task[None] | None = None

    def add(self, row: AuditLog) -> None:
        self._rows.append(row)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(
                self._write_soon(), name="audit-batch"
            )

    async def _write_soon(self) -> None:
        await asyncio.sleep(self._delay_s)  # gather the refusals of a burst
        failures = 0
        while self._rows:
            rows, self._rows = self._rows, []
            try:
                async with self._db.session() as s:
                    await append_many_in(s, rows)
                    await s.commit()
                failures = 0
            except Exception:
                if failures >= len(self._retry_s):  # the database stayed away: give up
                    log.exception("audit: %d automated entries not written", len(rows))
                    failures = 0
                    continue
                log.warning("audit: %d automated entries wait for the database", len(rows))
                # back in front, in order; a flood during an outage keeps the newest
                self._rows = (rows + self._rows)[-MAX_PENDING:]
                await asyncio.sleep(self._retry_s[failures])
                failures += 1

    async def drain(self) -> None:
        if self._task is not None:
            await asyncio.shield(self._task)


async def recent(db: Database, *, limit: int = 100) -> list[AuditLog]:
    async with db.session() as s:
        rows = await s.execute(select(AuditLog).order_by(AuditLog.id.desc()).limit(limit))
        return list(rows.scalars())


@dataclass(frozen=True, slots=True)
class ChainReport:
    rows: int
    head: str
    broken_at: int | None  # id of the first row that does not verify
    reason: str

    @property
    def ok(self) -> bool:
        return self.broken_at is None

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "rows": self.rows,
            "head": self.head,
            "broken_at": self.broken_at,
            "reason": self.reason,
        }


async def verify(db: Database) -> ChainReport:
    prev = ""
    count = 0
    async with db.session() as s:
        result = await s.stream_scalars(select(AuditLog).order_by(AuditLog.id))
        async for row in result:
            count += 1
            if row.prev_hash != prev:
                return ChainReport(count, prev, row.id, "previous hash does not match")
            if row.hash != entry_hash(prev, row):
                return ChainReport(count, prev, row.id, "content does not match its hash")
            prev = row.hash
    return ChainReport(count, prev, None, "")
