"""The audit log's batches (store/audit.py): ``add`` never waits; the entries are
chained in order, a burst in one transaction, and the chain verifies with the rows
written one by one around them."""

from __future__ import annotations

import time

from papote.settings import Settings
from papote.store import audit
from papote.store.db import Database
from papote.store.migrate import upgrade
from papote.store.models import AuditLog


def _row(n: int) -> AuditLog:
    return AuditLog(actor="system", action="safety.block", target=f"message:{n}", detail={}, ts=n)


async def test_batched_entries_are_chained_in_order(tmp_path):
    settings = Settings(data_dir=tmp_path)
    upgrade(settings)
    db = Database(settings.db_url)
    try:
        await audit.append(db, _row(0))
        batch = audit.AuditBatch(db, delay_s=0.05)
        started = time.perf_counter()
        for n in range(1, 101):
            batch.add(_row(n))
        assert time.perf_counter() - started < 0.05  # nothing awaited, nothing written yet
        assert len(await audit.recent(db)) == 1
        await batch.drain()
        await audit.append(db, _row(101))
        rows = list(reversed(await audit.recent(db, limit=200)))
        assert [r.ts for r in rows] == list(range(102))
        report = await audit.verify(db)
        assert report.ok and report.rows == 102, report
    finally:
        await db.close()
