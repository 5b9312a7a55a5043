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


class _DownOnce:
    """The database, away for its first ``failures`` sessions (a restart)."""

    def __init__(self, db: Database, failures: int) -> None:
        self.db = db
        self.failures = failures

    def session(self):  # type: ignore[no-untyped-def]
        if self.failures:
            self.failures -= 1
            raise ConnectionError("database restarting")
        return self.db.session()


async def test_a_batch_waits_for_the_database_instead_of_losing_its_entries(tmp_path):
    settings = Settings(data_dir=tmp_path)
    upgrade(settings)
    db = Database(settings.db_url)
    try:
        flaky = _DownOnce(db, failures=2)
        batch = audit.AuditBatch(flaky, delay_s=0.01, retry_s=(0.01, 0.01, 0.01))  # type: ignore[arg-type]
        for n in range(5):
            batch.add(_row(n))
        await batch.drain()
        assert flaky.failures == 0
        assert [r.ts for r in reversed(await audit.recent(db))] == list(range(5))
        assert (await audit.verify(db)).ok
        # a database that stays away longer than the retries: the entries are given up
        gone = _DownOnce(db, failures=10)
        lost = audit.AuditBatch(gone, delay_s=0.01, retry_s=(0.01,))  # type: ignore[arg-type]
        lost.add(_row(99))
        await lost.drain()
        assert len(await audit.recent(db)) == 5
    finally:
        await db.close()
