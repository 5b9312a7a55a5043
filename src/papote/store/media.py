"""Queries on images: rows, their variants, where they were sent, retention.

The bytes (``media_blobs``) are reached through ``db.media_session``: on SQLite a side
file apart from the chat's database (media_file.py), so an image is stored in two
transactions: its row first, then its bytes. A crash between them leaves a row without
bytes, which serves nothing (fetches answer 404) and which the retention purge removes
like any unsent image; bytes never exist without their row, so none escape retention.
The row joins the messages' group commit (``Database.insert_durably``): an upload adds
no fsync of its own to the chat's database.
"""

from __future__ import annotations

from sqlalchemy import delete, exists, select, update

from papote.store.db import Database
from papote.store.models import Media, MediaBlob, Message


async def create(db: Database, media: Media, blobs: dict[str, bytes]) -> None:
    """The row and its variants (a blocked image has no variant); both variants are
    written in one transaction, so an image is never half there."""
    if not db.media_apart:
        async with db.session() as s:
            s.add(media)
            s.add_all(_blob_rows(media.id, blobs))
            await s.commit()
        return
    await db.insert_durably(media)  # with the messages of the moment: one fsync for all
    if not blobs:
        return
    try:
        async with db.media_session() as s:
            s.add_all(_blob_rows(media.id, blobs))
            await s.commit()
    except Exception:
        await _forget(db, media.id)  # best effort; else the purge removes the bare row
        raise


def _blob_rows(media_id: str, blobs: dict[str, bytes]) -> list[MediaBlob]:
    return [MediaBlob(media_id=media_id, variant=v, data=data) for v, data in blobs.items()]


async def _forget(db: Database, media_id: str) -> None:
    try:
        async with db.session() as s:
            await s.execute(delete(Media).where(Media.id == media_id))
            await s.commit()
    except Exception:  # the database itself is failing: leave the row to the purge
        pass


async def get(db: Database, media_id: str) -> Media | None:
    async with db.session() as s:
        return await s.get(Media, media_id)


async def blob(db: Database, media_id: str, variant: str) -> bytes | None:
    async with db.media_session() as s:
        row = await s.get(MediaBlob, (media_id, variant))
        return row.data if row is not None else None


async def sent_in(db: Database, media_id: str) -> list[Message]:
    """The delivered messages that carry this image (where it may be seen)."""
    async with db.session() as s:
        rows = await s.execute(
            select(Message).where(Message.media_id == media_id, Message.state == "delivered")
        )
        return list(rows.scalars())


async def keep_as_evidence(db: Database, media_id: str) -> None:
    async with db.session() as s:
        await s.execute(update(Media).where(Media.id == media_id).values(evidence=True))
        await s.commit()


async def purge_unreferenced(db: Database, cutoff_ts: int) -> int:
    """Images older than ``cutoff_ts`` that no message carries any more (their messages
    were purged, or they were never sent), unless kept as evidence.

    The bytes go first, then the rows: a crash between leaves rows without bytes, which
    the next purge takes (the rows are what it looks for)."""
    referenced = exists().where(Message.media_id == Media.id)
    async with db.session() as s:
        ids = list(
            (
                await s.execute(
                    select(Media.id).where(
                        Media.created_at < cutoff_ts, ~Media.evidence, ~referenced
                    )
                )
            ).scalars()
        )
    if not ids:
        return 0
    async with db.media_session() as s:
        await s.execute(delete(MediaBlob).where(MediaBlob.media_id.in_(ids)))
        await s.commit()
    async with db.session() as s:
        await s.execute(delete(Media).where(Media.id.in_(ids)))
        await s.commit()
    return len(ids)


async def purge_orphan_bytes(db: Database, chunk: int = 500) -> int:
    """Bytes in the side file whose row is gone. In operation they never outlive their
    row (written after it, deleted before it); restoring the two files from backups
    taken at different moments can leave some, which would otherwise escape retention."""
    if not db.media_apart:
        return 0  # one database: the bytes and their rows come and go together
    async with db.media_session() as s:
        stored = list((await s.execute(select(MediaBlob.media_id).distinct())).scalars())
    orphans: list[str] = []
    for start in range(0, len(stored), chunk):
        some = stored[start : start + chunk]
        async with db.session() as s:
            known = set((await s.execute(select(Media.id).where(Media.id.in_(some)))).scalars())
        orphans += [media_id for media_id in some if media_id not in known]
    for start in range(0, len(orphans), chunk):
        async with db.media_session() as s:
            some = orphans[start : start + chunk]
            await s.execute(delete(MediaBlob).where(MediaBlob.media_id.in_(some)))
            await s.commit()
    return len(orphans)
