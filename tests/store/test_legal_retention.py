"""Legal duties in the retention purge: content under legal hold is kept; connection
logs go after a year (real SQLite database, the real purge of the server)."""

from __future__ import annotations

from papote.actions import maintenance
from papote.app import _build_services
from papote.settings import Settings
from papote.store import legal, messages
from papote.store.db import Database
from papote.store.migrate import upgrade
from papote.store.models import LegalHold, Message

DAY = 86_400_000


async def test_purge_keeps_held_content_and_drops_year_old_connection_logs(tmp_path):
    settings = Settings(data_dir=tmp_path)
    upgrade(settings)
    db = Database(settings.db_url)
    now = 1_000 * DAY
    for i, text in enumerate(["held", "old"]):
        await messages.insert(
            db,
            Message(
                id=f"{i:013d}",
                room_id="general",
                sender_id="u",
                sender={},
                text=text,
                ts=now - 60 * DAY,
                state="removed",
            ),
        )
    await legal.hold(db, [LegalHold(message_id=f"{0:013d}", case_id="c1", created_at=now)])
    await legal.log_connection(db, now - 400 * DAY, "prefix-a", "u1")
    await legal.log_connection(db, now - 200 * DAY, "prefix-b", "u1")
    svc = _build_services(settings, db, None)
    svc.clock = lambda: now
    await maintenance.purge_once(svc)
    held = await messages.get(db, f"{0:013d}")
    assert held is not None and held.text == "held"
    assert await messages.get(db, f"{1:013d}") is None
    logs = await legal.connections_of(db, "u1")
    assert [c.prefix_key for c in logs] == ["prefix-b"]
    await db.close()
