"""Migration rules01: rooms seeded before it get ``closed_to_minors`` where it applies."""

from __future__ import annotations

import sqlite3

from alembic import command

from papote.settings import Settings
from papote.store.migrate import alembic_config


def test_rooms_seeded_before_the_migration_are_closed_to_minors(tmp_path):
    settings = Settings(data_dir=tmp_path)
    config = alembic_config(settings)
    command.upgrade(config, "0002")
    path = tmp_path / "papote.db"
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO rooms (id, name, topic, kind, region, adult, position) "
            "VALUES (?, ?, '', 'theme', NULL, ?, ?)",
            [
                ("general", "Général", False, 0),
                ("rencontres", "Rencontres", False, 1),
                ("50-plus", "50 ans et plus", False, 2),
                ("club-prive", "Club privé", True, 3),
            ],
        )
    command.upgrade(config, "rules01")
    with sqlite3.connect(path) as db:
        closed = dict(db.execute("SELECT id, closed_to_minors FROM rooms").fetchall())
    assert closed == {"general": 0, "rencontres": 1, "50-plus": 1, "club-prive": 1}
    command.downgrade(config, "0002")
    with sqlite3.connect(path) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(rooms)")]
    assert "closed_to_minors" not in columns
