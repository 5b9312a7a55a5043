"""Where image bytes live (store/media.py, store/media_file.py): on SQLite, in a side
file apart from the chat database; the purge removes them with their rows; a crash
between the row and its bytes serves nothing and leaves nothing the purge misses."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy.exc import OperationalError

from papote.settings import Settings
from papote.store import media as media_store
from papote.store.db import Database
from papote.store.migrate import alembic_config, upgrade
from papote.store.models import Media


def media_row(media_id: str, created_at: int = 1, evidence: bool = False) -> Media:
    """A ready image's row with neutral hashes (the store's tests and the media rules')."""
    return Media(
        id=media_id,
        owner_id="anna",
        state="ready",
        width=1,
        height=1,
        explicit=False,
        nudity_score=0.0,
        nudity_labels=[],
        model="",
        pdq="",
        pdq_quality=0,
        md5="0" * 32,
        sha256="0" * 64,
        evidence=evidence,
        created_at=created_at,
    )


def _count(path: Path, sql: str) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute(sql).fetchone()[0])


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A fresh embedded database (papote.db and its side file) in ``tmp_path``."""
    settings = Settings(data_dir=tmp_path)
    upgrade(settings)
    database = Database(settings.db_url)
    try:
        yield database
    finally:
        await database.close()


async def test_sqlite_keeps_image_bytes_in_the_side_file_and_purge_removes_them(
    db: Database, tmp_path: Path
):
    main, side = tmp_path / "papote.db", tmp_path / "papote-media.db"
    assert db.media_apart
    await media_store.create(db, media_row("m1"), {"full": b"x" * 300_000, "blurred": b"y"})
    assert await media_store.blob(db, "m1", "full") == b"x" * 300_000
    assert _count(side, "SELECT count(*) FROM media_blobs WHERE media_id = 'm1'") == 2
    assert _count(main, "SELECT count(*) FROM media_blobs") == 0
    assert _count(main, "SELECT count(*) FROM media WHERE id = 'm1'") == 1
    with sqlite3.connect(side) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert await media_store.purge_unreferenced(db, cutoff_ts=3) == 1
    assert _count(side, "SELECT count(*) FROM media_blobs") == 0
    assert await media_store.get(db, "m1") is None


async def test_a_row_whose_bytes_never_arrived_serves_nothing_and_is_purged(
    db: Database, tmp_path: Path
):
    """What a crash between the two writes leaves behind: the row, not the bytes."""
    await media_store.create(db, media_row("m-bare"), {})  # the row alone, as after a crash
    assert await media_store.get(db, "m-bare") is not None
    assert await media_store.blob(db, "m-bare", "full") is None  # fetch answers 404
    assert await media_store.blob(db, "m-bare", "blurred") is None
    assert await media_store.purge_unreferenced(db, cutoff_ts=3) == 1
    assert await media_store.get(db, "m-bare") is None


async def test_a_failed_byte_write_takes_its_row_back(db: Database, tmp_path: Path):
    with sqlite3.connect(tmp_path / "papote-media.db") as conn:
        conn.execute("DROP TABLE media_blobs")  # the side file refuses any bytes
    with pytest.raises(OperationalError):
        await media_store.create(db, media_row("m1"), {"full": b"a", "blurred": b"b"})
    assert await media_store.get(db, "m1") is None


def test_upgrade_moves_bytes_stored_in_the_main_file_before(tmp_path):
    settings = Settings(data_dir=tmp_path)
    config = alembic_config(settings)
    command.upgrade(config, "ends01")  # the schema before the side file
    main = tmp_path / "papote.db"
    with sqlite3.connect(main) as conn:
        conn.executemany(
            "INSERT INTO media_blobs (media_id, variant, data) VALUES (?, ?, ?)",
            [(f"m{i}", v, bytes([i]) * 1000) for i in range(100) for v in ("full", "blurred")],
        )
    upgrade(settings)
    assert _count(main, "SELECT count(*) FROM media_blobs") == 0
    assert _count(tmp_path / "papote-media.db", "SELECT count(*) FROM media_blobs") == 200

    async def read() -> bytes | None:
        db = Database(settings.db_url)
        try:
            return await media_store.blob(db, "m99", "blurred")
        finally:
            await db.close()

    assert asyncio.run(read()) == bytes([99]) * 1000


async def test_bytes_whose_row_is_gone_are_swept(db: Database, tmp_path: Path):
    """As after restoring the two files from backups of different moments."""
    await media_store.create(db, media_row("m-kept"), {"full": b"a"})
    await media_store.create(db, media_row("m-lost"), {"full": b"b", "blurred": b"c"})
    with sqlite3.connect(tmp_path / "papote.db") as conn:
        conn.execute("DELETE FROM media WHERE id = 'm-lost'")
    assert await media_store.purge_orphan_bytes(db, chunk=1) == 1
    assert await media_store.blob(db, "m-lost", "blurred") is None
    assert await media_store.blob(db, "m-kept", "full") == b"a"
