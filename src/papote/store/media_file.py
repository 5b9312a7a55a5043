"""The side SQLite file that holds image bytes (``media_blobs``) apart from the chat's.

On SQLite the chat database has one connection (db.py), and every chat message waits for
it; an image of hundreds of kilobytes written and synced through it made messages queue
behind each upload. Its bytes therefore live in a second file beside the first
(``papote.db`` -> ``papote-media.db``), with its own engine and connection, WAL and
``synchronous=FULL`` like the main file. PostgreSQL has concurrent connections: there the
bytes stay in the main database. docs/images.md ("Where the bytes live").

The side file has one table, created here at start (``CREATE TABLE IF NOT EXISTS`` from
the same model as the main database's); Alembic manages the main database only.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

import sqlalchemy

from papote.store.models import MediaBlob

SIDE_SUFFIX = "-media"


def side_path(main_url: str) -> Path | None:
    """Where the image bytes of the SQLite database at ``main_url`` live; ``None`` when
    they stay in the main database (PostgreSQL, or an in-memory SQLite)."""
    url = sqlalchemy.engine.make_url(main_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    main = Path(url.database)
    return main.with_name(f"{main.stem}{SIDE_SUFFIX}{main.suffix or '.db'}")


def side_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def create_schema(path: Path) -> None:
    """The side file and its table, if missing (private to the server, in WAL)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.touch(mode=0o600)
    engine = sqlalchemy.create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")
            cast(sqlalchemy.Table, MediaBlob.__table__).create(conn, checkfirst=True)
    finally:
        engine.dispose()
