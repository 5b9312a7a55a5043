"""images: on SQLite, move the bytes of images to the side file (papote-media.db)

On SQLite, ``media_blobs`` now lives in a file of its own beside the main one
(store/media_file.py); this copies the rows stored before into it, then empties the main
file's table (kept, empty, so both databases keep one schema). Copy first, delete after:
a crash between them leaves copies on both sides, and the next start copies again
(INSERT OR REPLACE) before deleting. PostgreSQL: nothing to do. The main file keeps its
size until a ``VACUUM`` (docs/operations.md).

Revision ID: media02
Revises: ends01
"""

from __future__ import annotations

import sqlite3

import sqlalchemy as sa
from alembic import op

from papote.store.media_file import create_schema, side_path

revision = "media02"
down_revision = "ends01"
branch_labels = None
depends_on = None

_CHUNK = 64


def upgrade() -> None:
    bind = op.get_bind()
    side = side_path(bind.engine.url.render_as_string(hide_password=False))
    if side is None:
        return
    create_schema(side)
    select = sa.text(
        "SELECT media_id, variant, data FROM media_blobs "
        "WHERE media_id > :after OR (media_id = :after AND variant > :variant) "
        "ORDER BY media_id, variant LIMIT :n"
    )
    after, variant = "", ""
    with sqlite3.connect(side) as target:
        target.execute("PRAGMA synchronous=FULL")
        while True:
            rows = bind.execute(select, {"after": after, "variant": variant, "n": _CHUNK}).all()
            if not rows:
                break
            target.executemany(
                "INSERT OR REPLACE INTO media_blobs (media_id, variant, data) VALUES (?, ?, ?)",
                [tuple(r) for r in rows],
            )
            target.commit()
            after, variant = rows[-1][0], rows[-1][1]
    target.close()
    op.execute("DELETE FROM media_blobs")


def downgrade() -> None:
    bind = op.get_bind()
    side = side_path(bind.engine.url.render_as_string(hide_password=False))
    if side is None or not side.exists():
        return
    insert = sa.text(
        "INSERT OR REPLACE INTO media_blobs (media_id, variant, data) "
        "VALUES (:media_id, :variant, :data)"
    )
    with sqlite3.connect(side) as source:
        cursor = source.execute("SELECT media_id, variant, data FROM media_blobs")
        while rows := cursor.fetchmany(_CHUNK):
            keys = ("media_id", "variant", "data")
            bind.execute(insert, [dict(zip(keys, r, strict=True)) for r in rows])
    source.close()
