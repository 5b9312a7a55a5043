"""History retention: messages older than the setting are purged."""

from __future__ import annotations

from papote.settings import Settings
from papote.store import messages
from papote.store.db import Database
from papote.store.migrate import upgrade
from papote.store.models import Message


async def test_purge_removes_only_old_messages(tmp_path):
    settings = Settings(data_dir=tmp_path)
    upgrade(settings)
    db = Database(settings.db_url)
    day = 86_400_000
    now = 100 * day
    for i, age_days in enumerate([40, 31, 29, 1]):
        await messages.insert(
            db,
            Message(
                id=f"{i:013d}",
                room_id="general",
                sender_id="u",
                sender={},
                text=str(age_days),
                ts=now - age_days * day,
                state="delivered",
            ),
        )
    removed = await messages.purge_older_than(db, now - 30 * day)
    assert removed == 2
    left = await messages.page(db, room_id="general", limit=10)
    assert [m.text for m in left] == ["29", "1"]
    await db.close()
